"""Documents on any programme's owner: add, preview, download. Each programme
gets the same views from ``document_views``, told how to load its owner
(``DocumentPages``): a document is reached only through an owner the user
may read, so it has exactly the owner's access."""

from types import SimpleNamespace

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework.denials import erased_aware, load_or_refuse
from casework.documents import content, selectors, services
from casework.documents.forms import DocumentForm
from casework.refusals import object_refused
from casework.web import refusals_on

DOCUMENT_OBJECT = "casework.document"

# Nothing a document holds may run in the app's origin: downloads are
# sandboxed, previews may only be drawn (an image) or framed by our own page (a PDF).
DOWNLOAD_POLICY = "sandbox; default-src 'none'"
IMAGE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
PDF_POLICY = "default-src 'none'; frame-ancestors 'self'"


def document_views(pages):
    """The document views of one programme's owners."""

    def back(owner):
        return redirect(reverse(pages.urls.detail, kwargs={"pk": owner.pk}) + "#documents")

    def load_document(request, pk, document_pk, *, previewable=False):
        """The owner and one of its documents (for ``previewable``, an image or
        PDF); any other id is a logged refusal, then 404."""
        owner = pages.load(request, pk)
        document = load_or_refuse(
            request,
            object_type=DOCUMENT_OBJECT,
            pk=document_pk,
            load=lambda: selectors.document_get(owner=owner, pk=document_pk),
        )
        if previewable and not document.previewable:
            raise Http404
        return owner, document

    @pages.verified
    @require_http_methods(["GET", "POST"])
    @erased_aware
    def document_add(request, pk):
        owner = pages.load(request, pk)
        if not pages.may_add(request, owner):
            object_refused(request, owner)
        form = DocumentForm(request.POST or None, request.FILES or None, types=pages.types)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                person, data_key = pages.sealing(owner)
                data = form.cleaned_data
                with refusals_on(form) as refused:
                    services.document_add(
                        owner=owner,
                        person=person,
                        data_key=data_key,
                        by=request.user,
                        request=request,
                        upload=data["file"],
                        title=data["title"],
                        document_type=data["document_type"],
                        document_date=data["document_date"],
                        types=pages.types,
                    )
                if not refused:
                    messages.success(request, _("The document is added."))
                    return back(owner)
            status = 400
        return render(
            request,
            "casework/document_form.html",
            {
                "form": form,
                "owner": owner,
                "urls": pages.urls,
                "formats": ", ".join(f.name for f in content.ACCEPTED),
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            },
            status=status,
        )

    @pages.verified
    @require_GET
    @erased_aware
    def document_download(request, pk, document_pk):
        owner, document = load_document(request, pk, document_pk)
        return _stream(request, document, inline=False) or _unreadable(request, owner, pages)

    @pages.verified
    @require_GET
    @csp_update({"frame-src": ["'self'"]})
    @erased_aware
    def document_preview(request, pk, document_pk):
        """A page that shows an image or a PDF, drawn from ``document_content``."""
        owner, document = load_document(request, pk, document_pk, previewable=True)
        return render(
            request,
            "casework/document_preview.html",
            {"owner": owner, "document": document, "urls": pages.urls},
        )

    @pages.verified
    @require_GET
    @erased_aware
    def document_content(request, pk, document_pk):
        """The decrypted content of a previewable document, shown in the browser."""
        owner, document = load_document(request, pk, document_pk, previewable=True)
        return _stream(request, document, inline=True) or _unreadable(request, owner, pages)

    return SimpleNamespace(
        document_add=document_add,
        document_download=document_download,
        document_preview=document_preview,
        document_content=document_content,
    )


def _stream(request, document, *, inline):
    try:
        chunks = services.document_chunks(
            document=document, by=request.user, request=request, preview=inline
        )
    except services.DocumentUnreadable:
        return None
    found = content.BY_MIME.get(document.content_type)
    response = StreamingHttpResponse(chunks, content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    # Named by the document's reference, never by its title or the uploaded
    # name: the header may end up in a proxy's log, the title is personal data.
    file_name = f"{document.label}.{found.extension if found else 'bin'}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    if not inline:
        response["Content-Security-Policy"] = DOWNLOAD_POLICY
    elif document.content_type == content.PDF.mime:
        response["Content-Security-Policy"] = PDF_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
    else:
        response["Content-Security-Policy"] = IMAGE_POLICY
    return response


def _unreadable(request, owner, pages):
    return render(
        request,
        "casework/document_unreadable.html",
        {"owner": owner, "urls": pages.urls},
        status=410,
    )
