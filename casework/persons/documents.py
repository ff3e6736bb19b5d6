"""Documents on a person's own file (not on one of their cases): who may read
and add them follows the person's file (casework/persons/access.py)."""

from casework.denials import person_for_request
from casework.documents.models import DocumentType
from casework.documents.pages import DocumentPages, DocumentUrls
from casework.documents.panels import documents_panel
from casework.persons.access import PersonAccess, person_access
from casework.refusals import object_refused
from casework.web import casework_verified

PERSON_DOCUMENT_TYPES = (
    DocumentType.CONSENT_FORM,
    DocumentType.DECISION,
    DocumentType.LETTER,
    DocumentType.OTHER,
)


def _person_to_read(request, pk):
    person, access = person_for_request(request, pk)
    if not access.may_read:
        # A file outside one's assignment is opened with a reason on its page first.
        object_refused(request, person)
    return person


def _may_add(request, person):
    access = person_access(user=request.user, person=person, session=request.session)
    return access is PersonAccess.ASSIGNED


PERSON_DOCUMENT_PAGES = DocumentPages(
    load=_person_to_read,
    may_add=_may_add,
    sealing=lambda person: (person, person.data_key),
    types=PERSON_DOCUMENT_TYPES,
    urls=DocumentUrls.named("casework:person-detail", "person-"),
    verified=casework_verified,
)


def person_documents_panel(request, person):
    """The documents on the person's own file, for the person's page."""
    access = person_access(user=request.user, person=person, session=request.session)
    if not access.may_read:
        return None
    return {
        "template": "casework/_person_documents.html",
        **documents_panel(request, person, PERSON_DOCUMENT_PAGES),
    }
