from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from accounts.demo import demo_seed


class Command(BaseCommand):
    help = "Create demo units, SSPF groups and one user per role, and print how to sign in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off. Never on a server with real data.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed demo users with DEBUG off: this looks like production. "
                "Use --force only on a throwaway database."
            )
        seeded = demo_seed()
        # Each app adds its demo data (groups, persons, cases) through a
        # seeder; one that makes users returns them, to print how they sign in.
        for path in settings.DEMO_SEEDERS:
            seeded += import_string(path)(stdout=self.stdout) or []
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /login/ as:"))
        for item in seeded:
            user = item.user
            self.stdout.write("")
            self.stdout.write(f"  {item.role.label} ({item.role.value})")
            self.stdout.write(f"    username:     {user.username}")
            self.stdout.write(f"    password:     {item.password}")
            self.stdout.write(f"    TOTP:         {item.otpauth_uri}")
            self.stdout.write(f"    backup codes: {' '.join(item.backup_codes)}")
        self.stdout.write("")
        self.stdout.write(
            "Scan the otpauth:// URI as a QR code, paste it into an authenticator app, or get "
            'the current code with:  .venv/bin/python -c "import pyotp,sys; '
            "print(pyotp.parse_uri(sys.argv[1]).now())\" 'otpauth://...'"
        )
