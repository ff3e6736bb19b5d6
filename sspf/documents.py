"""Documents on an SSPF referral (minutes with signatures, a consent form):
for the members of the referral's group, and about a youth only while a
consent lets the member's organisation see the youth's identity — a
document would name them."""

from accounts.access import roles_required
from accounts.roles import Role
from casework.denials import load_or_refuse
from casework.documents.models import DocumentType
from casework.documents.pages import DocumentPages, DocumentUrls
from casework.documents.panels import documents_panel
from casework.refusals import object_refused
from sspf import selectors, services


def documents_open_to(shown):
    """Whether the member ``shown`` is drawn for (a ReferralShown) may see the
    referral's documents: a place's always, a youth's while they are identified."""
    return not shown.about_youth or shown.identified


def _referral_to_read(request, pk):
    referral = load_or_refuse(
        request,
        object_type=services.REFERRAL_OBJECT,
        pk=pk,
        load=lambda: selectors.referral_get_for_user(user=request.user, pk=pk),
    )
    if not documents_open_to(selectors.referral_shown(referral=referral, user=request.user)):
        object_refused(request, referral)
    return referral


REFERRAL_DOCUMENT_PAGES = DocumentPages(
    load=_referral_to_read,
    may_add=lambda request, referral: referral.is_open,
    # A youth's referral is sealed under the youth's data key; a place's under its own.
    sealing=lambda referral: (referral.person, referral.data_key),
    types=(
        DocumentType.CONSENT_FORM,
        DocumentType.MINUTES,
        DocumentType.LETTER,
        DocumentType.OTHER,
    ),
    urls=DocumentUrls.named("sspf:referral-detail"),
    verified=roles_required(Role.SSPF_MEMBER),
)


def referral_documents_panel(request, referral, shown):
    """The referral page's documents (``shown``: the referral as the page draws
    it for the member), or nothing where the member may not see them."""
    if not documents_open_to(shown):
        return {}
    return documents_panel(request, referral, REFERRAL_DOCUMENT_PAGES)
