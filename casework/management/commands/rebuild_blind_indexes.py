from django.core.management.base import BaseCommand
from django.db import transaction

from casework.models import Person, identity_number_index


class Command(BaseCommand):
    help = (
        "Recompute every person's identity-number and name blind indexes under the current "
        "BLIND_INDEX_KEY (after changing that key). Decrypts each person once."
    )

    def handle(self, *args, **options):
        count = 0
        for person_id in Person.objects.filter(erased_at__isnull=True).values_list(
            "id", flat=True
        ):
            with transaction.atomic():
                person = Person.objects.select_for_update().get(pk=person_id)
                index = (
                    identity_number_index(person.identity_number)
                    if person.identity_number
                    else None
                )
                if index != person.identity_number_index:
                    person.identity_number_index = index
                    person.skip_history_when_saving = True
                    person.save()
                    del person.skip_history_when_saving
                person.refresh_name_tokens()
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Blind indexes rebuilt for {count} persons."))
