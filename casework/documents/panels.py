"""An owner's documents on its page (each programme's page puts them in)."""

from casework.documents import selectors


def documents_panel(request, owner, pages, *, shown=20):
    """The owner's newest documents for its page, with the links the user may follow."""
    documents = list(selectors.documents_of(owner)[: shown + 1])
    return {
        "documents": documents[:shown],
        "more_documents": len(documents) > shown,
        "document_urls": pages.urls,
        "document_owner": owner,
        "may_add_document": pages.may_add(request, owner),
    }
