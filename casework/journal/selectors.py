"""Reads of a case's contacts and notes (the case is loaded, and its access
decided, by its programme's selectors first)."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404

from casework.journal.models import JournalEntry


def journal_entry_get(*, case, pk):
    """The note ``pk`` of ``case``, with its author; 404 for another case's note."""
    return get_object_or_404(
        JournalEntry.objects.select_related("created_by"),
        pk=pk,
        case_type=ContentType.objects.get_for_model(case),
        case_id=case.pk,
    )
