"""Write a signed checkpoint of every chain head outside the database and mail it
to the auditors (audit/checkpoints.py; README, "Access log").

Here rather than in audit because it needs to know who the auditors are, and
the access log depends on nothing of ours.

Run by cron every few minutes. Refuses, and writes nothing, when a head is
behind the previous checkpoint in the directory: a chain was cut and its
head moved back since then, which verify_audit_chain will name.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.emails import email_send
from accounts.roles import Role
from audit.checkpoints import (
    CheckpointInvalid,
    checkpoint_latest,
    checkpoint_take,
    checkpoint_write,
    heads_moved_back,
)


def auditor_addresses():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True, groups__name=Role.AUDITOR)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


class Command(BaseCommand):
    help = "Write a signed checkpoint of the access log's chain heads and e-mail it to auditors."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=settings.AUDIT_CHECKPOINT_DIR or None,
            help="where to write it (default AUDIT_CHECKPOINT_DIR); append-only, off the "
            "database server",
        )

    def handle(self, *args, directory, **options):
        if not directory:
            raise CommandError("Name a directory: --directory or AUDIT_CHECKPOINT_DIR.")
        try:
            previous = checkpoint_latest(directory)
        except CheckpointInvalid as error:
            raise CommandError(f"The previous checkpoint is not valid: {error}") from None
        except OSError as error:
            raise CommandError(f"The checkpoint directory cannot be read: {error}") from None
        checkpoint = checkpoint_take(now=timezone.now())
        if previous is not None:
            moved_back = heads_moved_back(previous, checkpoint.heads)
            if moved_back:
                old, now = moved_back[0]
                raise CommandError(
                    f"Chain {old.chain} was at sequence {old.sequence} in the checkpoint of "
                    f"{previous.written_at} and is now at "
                    f"{now.sequence if now else 'no head at all'}: the access log was cut. "
                    "Run verify_audit_chain; no checkpoint was written."
                )
        try:
            path = checkpoint_write(checkpoint, directory)
        except OSError as error:
            raise CommandError(f"The checkpoint cannot be written: {error}") from None
        self.stdout.write(f"Checkpoint of {len(checkpoint.heads)} chains written to {path}.")
        addresses = auditor_addresses()
        if not addresses:
            self.stderr.write("No active auditor has an e-mail address: none was sent.")
            return
        email_send(
            to=addresses,
            template="audit_checkpoint",
            context={"checkpoint": checkpoint, "file_name": path.name},
            attachments=[(path.name, checkpoint.as_json(), "application/json")],
        )
        self.stdout.write(f"Sent to {len(addresses)} auditors.")
