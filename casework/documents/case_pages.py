"""The document pages of a programme's case: documents there are case records
(kept apart from pages.py, which a person's file uses too and which must not
reach the journal)."""

from casework.documents.pages import DocumentPages
from casework.journal.access import may_see_case_records
from casework.refusals import object_refused
from casework.web import casework_verified


def case_document_pages(*, load, types, urls):
    """DocumentPages for a programme's case (a report, an exit case): its
    documents are case records, for those who read its journal; ``load`` is
    the programme's loader of a case the worker may work."""

    def to_read(request, pk):
        case = load(request, pk)
        if not may_see_case_records(request.user):
            object_refused(request, case)
        return case

    return DocumentPages(
        load=to_read,
        may_add=lambda request, case: may_see_case_records(request.user),
        sealing=lambda case: (case.person, case.person.data_key),
        types=types,
        urls=urls,
        verified=casework_verified,
    )
