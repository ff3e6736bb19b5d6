"""Reading documents: always through their owner, which the caller has loaded
through its programme's access rules."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from casework.documents.models import Document


def documents_of(owner):
    """The owner's documents, newest first (erased ones left out)."""
    return (
        Document.objects.filter(
            owner_type=ContentType.objects.get_for_model(owner),
            owner_id=owner.pk,
            erased_at__isnull=True,
        )
        .select_related("added_by", "data_key")
        .order_by("-added_at", "pk")
    )


def document_get(*, owner, pk):
    """One of the owner's documents; 404 for any other id."""
    document = documents_of(owner).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document
