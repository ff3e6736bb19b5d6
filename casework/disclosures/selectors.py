from casework.disclosures.models import Disclosure

PERSON_PAGE_SHOWN = 50


def disclosures_of_person(person):
    """Newest first, capped in SQL; the page says when there are more."""
    return (
        Disclosure.objects.filter(person=person)
        .select_related("decided_by")
        .order_by("-disclosed_at", "-recorded_at")
    )
