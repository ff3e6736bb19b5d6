"""What a programme tells the contact and journal views about its cases."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseRecordUrls:
    """The URL names of a programme's case page and of its records' views
    (templates take them as ``records``)."""

    detail: str
    contact_create: str
    journal_create: str
    journal_edit: str
    journal_sign: str


@dataclass(frozen=True)
class CaseRecordPages:
    """How a programme's case is loaded for a worker (404 for what they may not
    work) and its page drawn with a refused note (``page(request, case,
    journal_form=..., status=...)``)."""

    load: Callable
    page: Callable
    urls: CaseRecordUrls
