"""What a programme tells the document views about its owners (a person's
file, a report, an SSPF referral, an exit case)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentUrls:
    """URL names: the owner's page, and the document views under it."""

    detail: str
    add: str
    download: str
    preview: str
    content: str

    @classmethod
    def named(cls, detail, prefix=""):
        """``<namespace>:<prefix>document-add`` and the rest, beside ``detail``."""
        namespace = detail.split(":", 1)[0]
        views = ("add", "download", "preview", "content")
        return cls(detail=detail, **{v: f"{namespace}:{prefix}document-{v}" for v in views})


@dataclass(frozen=True)
class DocumentPages:
    """How a programme's owner is loaded and what its documents may be.

    ``load(request, pk)``: the owner, if the user may read its documents;
    404 (logged) otherwise. ``may_add(request, owner)``: whether the user may
    add one. ``sealing(owner)``: (person or None, the data key to seal under).
    ``types``: the document types the programme takes. ``verified``: the
    view decorator of the programme's pages (who is told 404).
    """

    load: Callable
    may_add: Callable
    sealing: Callable
    types: tuple
    urls: DocumentUrls
    verified: Callable
