"""The paths of an owner's documents, for each programme's urls.py."""

from django.urls import path


def document_paths(prefix, views, urls):
    """Add, preview, content and download under ``<prefix>/<owner pk>/documents/``;
    ``urls``: the programme's DocumentUrls (namespaced names)."""

    def name(full):
        return full.split(":", 1)[1]

    owner = f"{prefix}/<uuid:pk>/documents" if prefix else "<uuid:pk>/documents"
    return [
        path(f"{owner}/new/", views.document_add, name=name(urls.add)),
        path(f"{owner}/<uuid:document_pk>/", views.document_preview, name=name(urls.preview)),
        path(
            f"{owner}/<uuid:document_pk>/content/",
            views.document_content,
            name=name(urls.content),
        ),
        path(
            f"{owner}/<uuid:document_pk>/download/",
            views.document_download,
            name=name(urls.download),
        ),
    ]
