"""The disclosure log on a person's page (casework/persons/views.py renders it)."""

from casework.disclosures.selectors import PERSON_PAGE_SHOWN, disclosures_of_person
from casework.persons.access import PersonAccess, person_access


def person_disclosures_panel(request, person):
    """Everything disclosed about the person, for those who may open the file."""
    disclosures = list(disclosures_of_person(person)[: PERSON_PAGE_SHOWN + 1])
    access = person_access(user=request.user, person=person, session=request.session)
    return {
        "template": "casework/_person_disclosures.html",
        "disclosures": disclosures[:PERSON_PAGE_SHOWN],
        "more_disclosures": len(disclosures) > PERSON_PAGE_SHOWN,
        "can_record_disclosure": access is PersonAccess.ASSIGNED,
    }
