from django.core.management.base import BaseCommand, CommandError

from accounts.models import Unit
from casework.errors import ApplicationError
from intake.models import IntakeSender
from intake.services import intake_sender_create, intake_sender_token_replace


class Command(BaseCommand):
    help = (
        "Create a sending system for the police intake API and print its token once "
        "(stored only as a keyed hash). With --new-token, replace an existing sender's token."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The sending system, e.g. 'Polisen region Väst'.")
        parser.add_argument("--unit", help="The receiving unit's name (for a new sender).")
        parser.add_argument(
            "--new-token",
            action="store_true",
            help="Give the existing sender NAME a new token; the old one stops working.",
        )

    def handle(self, *args, name, unit, new_token, **options):
        if new_token:
            sender = IntakeSender.objects.filter(name=name).first()
            if sender is None:
                raise CommandError(f"No sender named {name!r}.")
            token = intake_sender_token_replace(sender=sender)
        else:
            receiving = Unit.objects.filter(name=unit or "", is_active=True).first()
            if receiving is None:
                raise CommandError("Name an active receiving unit with --unit.")
            try:
                sender, token = intake_sender_create(name=name, unit=receiving)
            except ApplicationError as error:
                raise CommandError(error.message) from None
        self.stdout.write(f"Sender: {sender.name} (receiving unit: {sender.unit})")
        self.stdout.write("Token (shown only now; store it in the sending system):")
        self.stdout.write(token)
