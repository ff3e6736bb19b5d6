"""Who sees which referral, and whether the youth may be named: the one place
the identity rule is decided.

A member of an SSPF group (role and named permission) sees the group's
referrals. The youth's name and identity number are shown to a member only
while a consent holds that covers the member's organisation in that group:
given, not expired and not withdrawn on the day of the request, with the
youth's own agreement once they are 15. Everywhere else (before consent,
after refusal, expiry or withdrawal, to another organisation) the referral
is its pseudonymous label and nothing that identifies the youth. Pages,
exports and printouts get a ``ReferralShown`` from here and never the
person.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from casework.dates import age_in_years
from sspf.models import (
    OPEN_REFERRAL_STATES,
    AgreedAction,
    ConcernReferral,
    Consent,
    Organisation,
    SspfGroup,
    SspfMeeting,
    SspfMembership,
)

YOUTH_OWN_CONSENT_AGE = 15


def memberships_for_user(*, user):
    """The user's memberships of active groups, as an SSPF member; none otherwise."""
    if not (user.has_role(Role.SSPF_MEMBER) and user.has_perm("sspf.view_concernreferral")):
        return SspfMembership.objects.none()
    return SspfMembership.objects.filter(user=user, group__is_active=True).select_related(
        "group", "group__district"
    )


def groups_for_user(*, user):
    """The active groups the user is a member of, by name."""
    return SspfGroup.objects.filter(
        pk__in=memberships_for_user(user=user).values("group")
    ).select_related("district")


# A referral about a youth whose data was erased can no longer be read (its
# text was under the youth's key): it is in no list and on no page.
READABLE = Q(person__isnull=True) | Q(person__erased_at__isnull=True)


def referrals_for_user(*, user):
    """The referrals of the user's groups."""
    return (
        ConcernReferral.objects.filter(group__in=memberships_for_user(user=user).values("group"))
        .filter(READABLE)
        .select_related("group", "data_key", "raised_by")
    )


def referral_get_for_user(*, user, pk):
    referral = referrals_for_user(user=user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def consents_holding(*, on):
    """The consents that hold on the date ``on`` (the youth's age apart, see below)."""
    return Consent.objects.filter(
        Q(granted=True, given_on__lte=on, expires_on__gt=on)
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    )


def _covering(organisation):
    return Q(**{f"covers_{Organisation(organisation).value}": True})


def referrals_with_consent_for_user(*, user, on=None):
    """``referrals_for_user`` with ``has_consent``: a consent holds today that
    covers the user's organisation in the referral's group (in SQL, for lists)."""
    on = on or timezone.localdate()
    covered = Q(pk__in=[])
    for membership in memberships_for_user(user=user):
        covered |= Q(referral__group_id=membership.group_id) & _covering(membership.organisation)
    holding = consents_holding(on=on).filter(covered, referral=OuterRef("pk"))
    return referrals_for_user(user=user).annotate(has_consent=Exists(holding))


def consent_for_identity(*, referral, organisation, on=None):
    """The consent that lets ``organisation`` see the youth's identity on ``on``, or None."""
    if not referral.about_youth or organisation is None:
        return None
    on = on or timezone.localdate()
    candidates = consents_holding(on=on).filter(_covering(organisation), referral=referral)
    born = referral.person.date_of_birth
    needs_own = born is not None and age_in_years(born, on) >= YOUTH_OWN_CONSENT_AGE
    for consent in candidates.order_by("-given_on", "-recorded_at"):
        if consent.guardian_one and (consent.youth_agrees or not needs_own):
            return consent
    return None


@dataclass(frozen=True)
class ReferralShown:
    """What a page, an export or a printout may show of a referral to one user."""

    pk: object
    label: str
    group: object
    state: str
    state_display: str
    category_display: str
    raised_at: object
    raised_for_display: str
    raised_by: object
    about_youth: bool
    # The pseudonymous id of the youth's file, for the access log; never shown.
    person_ref: object
    place: str
    concern: str
    is_open: bool
    # Only where a consent holds for the user's organisation; else empty.
    identified: bool
    youth_name: str
    youth_identity_number: str
    consent: Consent | None

    @property
    def title(self):
        return self.youth_name if self.identified else self.label

    @property
    def subject(self):
        """Whom or what it is about, as far as the user may know: the youth's
        name where consent holds, the place, or nothing."""
        if self.identified:
            return self.youth_name
        return "" if self.about_youth else self.place


def organisation_in_group(*, user, group):
    membership = memberships_for_user(user=user).filter(group=group).first()
    return membership.organisation if membership else None


def referral_shown(*, referral, user, organisation=None, on=None, may_identify=True):
    """The referral as ``user`` may see it. ``organisation``: the user's in the
    referral's group (looked up when not given); ``may_identify`` false skips
    the consent look-up (a list row where SQL found no consent)."""
    if organisation is None:
        organisation = organisation_in_group(user=user, group=referral.group)
    consent = (
        consent_for_identity(referral=referral, organisation=organisation, on=on)
        if may_identify
        else None
    )
    return _shown(referral, consent=consent)


def _shown(referral, *, consent):
    person = referral.person if consent is not None else None
    return ReferralShown(
        pk=referral.pk,
        label=referral.label,
        group=referral.group,
        state=referral.state,
        state_display=referral.get_state_display(),
        category_display=referral.get_category_display(),
        raised_at=referral.raised_at,
        raised_for_display=referral.get_raised_for_display(),
        raised_by=referral.raised_by,
        about_youth=referral.about_youth,
        person_ref=referral.person_id,
        place=referral.place or "",
        concern=referral.concern or "",
        is_open=referral.is_open,
        identified=person is not None,
        youth_name=person.full_name if person else "",
        youth_identity_number=person.identity_number_display if person else "",
        consent=consent,
    )


def referrals_shown(*, referrals, user, on=None):
    """``referral_shown`` for each of ``referrals`` (from
    ``referrals_with_consent_for_user``): a consent is looked up, and the
    youth loaded, only for rows where SQL found one."""
    organisations = {m.group_id: m.organisation for m in memberships_for_user(user=user)}
    return [
        referral_shown(
            referral=referral,
            user=user,
            organisation=organisations.get(referral.group_id),
            on=on,
            may_identify=getattr(referral, "has_consent", True),
        )
        for referral in referrals
    ]


def referrals_open_for_user(*, user):
    """The open referrals of the user's groups, newest first."""
    return (
        referrals_with_consent_for_user(user=user)
        .filter(state__in=OPEN_REFERRAL_STATES)
        .order_by("-raised_at", "-pk")
    )


def referrals_raised_by(*, user):
    """The user's own referrals, open ones first, newest first."""
    return (
        referrals_with_consent_for_user(user=user)
        .filter(raised_by=user)
        .order_by("-raised_at", "-pk")
    )


def referral_consents(referral):
    return referral.consents.select_related("recorded_by", "withdrawn_by").order_by(
        "-given_on", "-recorded_at"
    )


# --- Groups and meetings ----------------------------------------------------------------------


def group_get_for_user(*, user, pk):
    group = groups_for_user(user=user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def meetings_for_user(*, user):
    return SspfMeeting.objects.filter(
        group__in=memberships_for_user(user=user).values("group")
    ).select_related("group")


def meeting_get_for_user(*, user, pk):
    meeting = meetings_for_user(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meetings_of_group(group, *, now=None):
    """(the coming meetings, soonest first; the past ones, newest first, the last ten)."""
    now = now or timezone.now()
    meetings = SspfMeeting.objects.filter(group=group)
    return (
        list(meetings.filter(starts_at__gte=now).order_by("starts_at")[:10]),
        list(meetings.filter(starts_at__lt=now).order_by("-starts_at")[:10]),
    )


def next_meeting_for_user(*, user, now=None):
    now = now or timezone.now()
    return meetings_for_user(user=user).filter(starts_at__gte=now).order_by("starts_at").first()


def agenda_items(meeting):
    return (
        meeting.items.filter(referral__in=ConcernReferral.objects.filter(READABLE))
        .select_related("referral", "referral__group", "data_key")
        .prefetch_related("actions__responsible_member", "actions__data_key")
        .order_by("position")
    )


def open_actions(*, group=None, member=None):
    """Open agreed actions (of a group, or of a responsible member), overdue
    first, then by due date."""
    actions = AgreedAction.objects.filter(
        done_on__isnull=True, referral__in=ConcernReferral.objects.filter(READABLE)
    ).select_related("referral", "referral__group", "responsible_member", "data_key")
    if group is not None:
        actions = actions.filter(referral__group=group)
    if member is not None:
        actions = actions.filter(responsible_member=member)
    return actions.order_by("due_on", "pk")


def group_organisations(group):
    """The organisations present in the group: those of its members."""
    return sorted(
        set(SspfMembership.objects.filter(group=group).values_list("organisation", flat=True))
    )


def referral_shown_to_the_group(*, referral, on=None):
    """The referral as a printout for the whole group may show it: the youth
    named only where a consent holds for every organisation present."""
    organisations = group_organisations(referral.group)
    consents = [
        consent_for_identity(referral=referral, organisation=organisation, on=on)
        for organisation in organisations
    ]
    holds = bool(consents) and all(consent is not None for consent in consents)
    # The consent relied on is the newest that covers them all; any will do for the log.
    return _shown(referral, consent=consents[0] if holds else None)


def group_members(group):
    """The group's members, by name, for choosing who is responsible."""
    return (
        get_user_model()
        .objects.filter(sspf_memberships__group=group, is_active=True)
        .order_by("first_name", "last_name")
    )
