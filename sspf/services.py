"""Writes for SSPF concern referrals and their consents.

Each service is atomic, checks the named permission and the user's
membership of the referral's group, runs at most one step, saves, and writes
the access-log event in the same transaction. A refusal is an
ApplicationError; a step the referral's state no longer allows is
django-fsm's TransitionNotAllowed or ConcurrentTransition (a 409 page).
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from audit.services import access_events_record_many
from casework.dates import add_months, age_in_years
from casework.disclosures.models import DisclosureKind, LegalGround
from casework.disclosures.services import disclosure_record
from casework.errors import ApplicationError
from casework.events import event_record
from casework.fsm import may_take
from casework.persons.services import person_identify, person_register_unassigned
from casework.reports.models import ReportSource
from casework.reports.selectors import report_feedback_for_reporter
from casework.reports.services import report_of_concern_register
from sspf.models import (
    OPEN_REFERRAL_STATES,
    AgendaItem,
    AgreedAction,
    ConcernCategory,
    ConcernReferral,
    Consent,
    ConsentMethod,
    Organisation,
    ReferralCloseReason,
    ReferralState,
    SspfMeeting,
    SspfMembership,
)
from sspf.selectors import READABLE, YOUTH_OWN_CONSENT_AGE, memberships_for_user
from vault.models import DataKey

REFERRAL_OBJECT = "sspf.concernreferral"
MEETING_OBJECT = "sspf.sspfmeeting"

# The steps a member can take on a referral, in order, and the answers they need.
REFERRAL_STEPS = {
    "ask_consent": (),
    "review": (),
    "review_deidentified": (),
    "agree_action": (),
    "follow_up": (),
    "close": ("close_reason",),
}


def _membership(*, by, group):
    membership = memberships_for_user(user=by).filter(group=group).first()
    if membership is None:
        raise PermissionDenied
    return membership


def _next_label(year):
    """S-<year>-<number>, the next number of the year (three digits at least)."""
    prefix = f"S-{year}-"
    taken = ConcernReferral.objects.filter(label__startswith=prefix).values_list(
        "label", flat=True
    )
    numbers = [int(m.group(1)) for m in map(re.compile(r"S-\d+-(\d+)$").match, taken) if m]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def referral_raise(
    *,
    by,
    request=None,
    group,
    category,
    concern,
    identity_number="",
    given_names="",
    family_name="",
    place="",
):
    """Raise a concern in ``group`` about a youth (by identity number and
    names, found or registered as casework does) or about a place.

    Refusals are ApplicationError (``code`` ``youth_or_place``, those of
    ``person_identify``). Side effects: possibly a new person, the referral
    and its history row, an access-log event.
    """
    if not by.has_perm("sspf.raise_referral"):
        raise PermissionDenied
    membership = _membership(by=by, group=group)
    if category not in ConcernCategory.values:
        raise ApplicationError(_("Choose what the concern is about."), field="category")
    about_youth = bool(identity_number.strip())
    if about_youth == bool(place.strip()):
        raise ApplicationError(
            _("Give either the youth's identity number or the place, not both."),
            code="youth_or_place",
            field="identity_number" if about_youth else "place",
        )
    for _attempt in range(5):
        # Before the transaction: a refusal's access-log event must stay.
        person = None
        if about_youth:
            person = person_identify(
                by=by,
                request=request,
                identity_number=identity_number,
                given_names=given_names,
                family_name=family_name,
            )
        try:
            with transaction.atomic():
                if about_youth and person is None:
                    person = person_register_unassigned(
                        by=by,
                        request=request,
                        identity_number=identity_number,
                        given_names=given_names,
                        family_name=family_name,
                    )
                referral = ConcernReferral(
                    label=_next_label(timezone.localdate().year),
                    group=group,
                    person=person,
                    data_key_id=person.data_key_id
                    if person
                    else DataKey.create(DataKey.Purpose.CASE).pk,
                    category=category,
                    place=place.strip() or None,
                    concern=concern,
                    raised_by=by,
                    raised_for=membership.organisation,
                )
                referral._history_user = by
                referral.save()
                event_record("create", referral, by=by, request=request)
                return referral
        except IntegrityError:
            # Two members raised a concern at once and took the same label:
            # the next number is free now.
            continue
    raise ApplicationError(_("The concern could not be saved. Try again."))


def referral_take_step(
    *, referral, step, by, request=None, at=None, expected_state=None, close_reason=""
):
    """Move the referral one step, as ``by``.

    ``expected_state`` is the state the user saw; if the referral moved since,
    TransitionNotAllowed or ConcurrentTransition is raised and nothing
    changes. Side effects: the referral and a history row, an access-log event.
    """
    if step not in REFERRAL_STEPS:
        raise ApplicationError(_("Unknown step."))
    _membership(by=by, group=referral.group)
    if not may_take(getattr(referral, step), referral, by):
        raise PermissionDenied
    if step == "close" and close_reason not in ReferralCloseReason.values:
        raise ApplicationError(_("Choose a reason for closing."), field="close_reason")
    at = at or timezone.now()
    with transaction.atomic():
        fresh = ConcernReferral.objects.select_for_update().get(pk=referral.pk)
        if expected_state is not None and fresh.state != expected_state:
            raise TransitionNotAllowed(f"{fresh} is no longer {expected_state}")
        if step == "close":
            fresh.close_reason = close_reason
        getattr(fresh, step)(by=by, at=at)
        fresh._history_user = by
        fresh.save()
        event_record("transition", fresh, by=by, request=request, detail=step)
    return fresh


def referral_report(*, referral, by, request=None):
    """Turn a youth's referral into a report of concern (orosanmälan) to social
    services: no consent needed, the duty to report overrides it.

    Exactly one casework report, for the unit serving the group's district,
    even when sent twice (a double click, a retry, two members at once): the
    referral's row is locked, and casework's report is unique per referral
    by a database constraint. A referral already reported returns its report.
    Returns the casework report (for the caller's redirect only: no member
    page shows it). Side effects: the referral's step and history row, the
    casework report and its history row, access-log events.
    """
    if not by.has_perm("sspf.raise_referral"):
        raise PermissionDenied
    _membership(by=by, group=referral.group)
    if not may_take(referral.report_to_social_services, referral, by):
        raise PermissionDenied
    with transaction.atomic():
        fresh = ConcernReferral.objects.select_for_update().get(pk=referral.pk)
        if fresh.state != ReferralState.REPORTED:
            fresh.report_to_social_services(by=by, at=timezone.now())
            fresh._history_user = by
            fresh.save()
            event_record(
                "transition", fresh, by=by, request=request, detail="report_to_social_services"
            )
        report, created = report_of_concern_register(
            by=by,
            request=request,
            source=ReportSource.SSPF_CONCERN,
            source_reference=fresh.pk,
            person=fresh.person,
            district=fresh.group.district,
            received_at=fresh.reported_at,
            summary=_report_summary(fresh),
        )
        if created:
            # The report of concern is a disclosure from the SSPF group.
            disclosure_record(
                person=fresh.person,
                by=by,
                request=request,
                kind=DisclosureKind.REPORT_OF_CONCERN,
                recipient=report.unit.name,
                legal_ground=LegalGround.DUTY_TO_REPORT,
                content=_("Report of concern from SSPF referral %(label)s (%(group)s).")
                % {"label": fresh.label, "group": fresh.group.name},
            )
    return report


def _report_summary(referral):
    """What the report of concern says: who reports, what about, the concern."""
    return _(
        "Report of concern from %(group)s (%(organisation)s): %(category)s.\n\n%(concern)s"
    ) % {
        "group": referral.group,
        "organisation": referral.get_raised_for_display(),
        "category": referral.get_category_display(),
        "concern": referral.concern or "",
    }


def referral_feedback(referral):
    """What social services have told the group about a reported referral: whether
    an investigation was opened (casework decides what may be said)."""
    if referral.state != ReferralState.REPORTED:
        return None
    return report_feedback_for_reporter(
        source=ReportSource.SSPF_CONCERN, source_reference=referral.pk
    )


def consent_record(
    *,
    referral,
    by,
    request=None,
    granted,
    method,
    given_on,
    organisations=(),
    guardian_one=False,
    guardian_two=False,
    youth_agrees=False,
    youth_view="",
    expires_on=None,
):
    """Record a consent (``granted``) or a refusal for a youth's referral.

    A consent needs the first guardian's agreement, the youth's own from 15,
    and at least one organisation; it holds until ``expires_on`` (by default
    SSPF_CONSENT_MONTHS after ``given_on``) or its withdrawal. A referral
    waiting for consent moves to consent given or refused; one just raised
    is asked first. Side effects: the consent and its history row, the
    referral's step and history row, access-log events.
    """
    if not by.has_perm("sspf.work_referral"):
        raise PermissionDenied
    _membership(by=by, group=referral.group)
    if not referral.about_youth:
        raise ApplicationError(_("A concern about a place needs no consent."))
    if not referral.is_open:
        raise ApplicationError(_("The referral is closed; consent can no longer be recorded."))
    if method not in ConsentMethod.values:
        raise ApplicationError(_("Choose how the consent was given."), field="method")
    today = timezone.localdate()
    if given_on > today:
        raise ApplicationError(_("The date cannot be in the future."), field="given_on")
    expires_on = expires_on or consent_expiry_default(given_on)
    if expires_on <= given_on:
        raise ApplicationError(_("The consent must end after it was given."), field="expires_on")
    organisations = [Organisation(value) for value in organisations]
    if granted:
        _check_consent(referral, given_on, organisations, guardian_one, youth_agrees)
    with transaction.atomic():
        fresh = ConcernReferral.objects.select_for_update().get(pk=referral.pk)
        consent = Consent(
            referral=fresh,
            granted=granted,
            guardian_one=guardian_one,
            guardian_two=guardian_two,
            youth_agrees=youth_agrees,
            youth_view=youth_view or None,
            method=method,
            given_on=given_on,
            expires_on=expires_on,
            recorded_by=by,
            **{f"covers_{o.value}": o in organisations for o in Organisation},
        )
        consent._history_user = by
        consent.save()
        now = timezone.now()
        if fresh.state == ReferralState.RAISED:
            fresh.ask_consent(by=by, at=now)
        if fresh.state == ReferralState.CONSENT_PENDING:
            (fresh.give_consent if granted else fresh.refuse_consent)(by=by, at=now)
            fresh._history_user = by
            fresh.save()
        event_record(
            "change",
            fresh,
            by=by,
            request=request,
            detail=f"consent={consent.pk}" if granted else f"consent_refused={consent.pk}",
        )
    return consent


def _check_consent(referral, given_on, organisations, guardian_one, youth_agrees):
    if not guardian_one:
        raise ApplicationError(
            _("A consent needs at least the first guardian's agreement."), field="guardian_one"
        )
    born = referral.person.date_of_birth
    if (
        born is not None
        and age_in_years(born, given_on) >= YOUTH_OWN_CONSENT_AGE
        and not youth_agrees
    ):
        raise ApplicationError(
            _("The youth is 15 or older: their own consent is needed as well."),
            code="youth_consent_needed",
            field="youth_agrees",
        )
    if not organisations:
        raise ApplicationError(
            _("Tick the organisations the consent covers."), field="organisations"
        )


def consent_withdraw(*, consent, by, request=None, on=None):
    """Withdraw a consent from ``on`` (today by default): the identity is hidden
    from the group from that day. Side effects: the consent's history row, an
    access-log event."""
    if not by.has_perm("sspf.work_referral"):
        raise PermissionDenied
    _membership(by=by, group=consent.referral.group)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="on")
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            return locked
        if not locked.granted:
            raise ApplicationError(_("A refusal cannot be withdrawn."))
        locked.withdrawn_on = max(on, locked.given_on)
        locked.withdrawn_by = by
        locked._history_user = by
        locked.save(update_fields=["withdrawn_on", "withdrawn_by"])
        event_record(
            "change",
            locked.referral,
            by=by,
            request=request,
            detail=f"consent_withdrawn={locked.pk}",
        )
    return locked


def referrals_record_view(*, shown, by, request, detail=""):
    """Log what a page showed: every referral that named its youth, with the
    consent it relied on; a referral page also when it did not. Side
    effects: access-log events, written together."""
    events = []
    for item in shown:
        if not (item.identified or detail == "page"):
            continue
        events.append(
            {
                "action": "view",
                "object_type": REFERRAL_OBJECT,
                "object_id": str(item.pk),
                "person_ref": item.person_ref,
                "detail": f"consent={item.consent.pk}" if item.identified else "deidentified",
            }
        )
    access_events_record_many(actor=by, request=request, events=events)


def consent_expiry_default(given_on: datetime.date):
    """SSPF_CONSENT_MONTHS after ``given_on``, on the same day of the month (or
    the month's last day, where it is shorter)."""
    return add_months(given_on, settings.SSPF_CONSENT_MONTHS)


# --- Meetings --------------------------------------------------------------------------------


def _member_holding_meetings(by, group):
    if not by.has_perm("sspf.hold_meeting"):
        raise PermissionDenied
    return _membership(by=by, group=group)


def meeting_schedule(*, by, request=None, group, starts_at, venue=""):
    """Schedule a meeting; its agenda is the group's referrals with open actions
    (to follow up) and then its other open referrals, oldest first.

    Side effects: the meeting, its agenda items, history rows, an access-log event.
    """
    _member_holding_meetings(by, group)
    with transaction.atomic():
        meeting = SspfMeeting(group=group, starts_at=starts_at, venue=venue, created_by=by)
        meeting._history_user = by
        meeting.save()
        open_action = AgreedAction.objects.filter(referral=OuterRef("pk"), done_on__isnull=True)
        with_actions = ConcernReferral.objects.filter(
            Exists(open_action), READABLE, group=group
        ).order_by("raised_at", "pk")
        others = (
            ConcernReferral.objects.filter(READABLE, group=group, state__in=OPEN_REFERRAL_STATES)
            .exclude(pk__in=with_actions.values("pk"))
            .order_by("raised_at", "pk")
        )
        for position, referral in enumerate([*with_actions, *others], start=1):
            item = AgendaItem(
                meeting=meeting,
                referral=referral,
                data_key_id=referral.data_key_id,
                position=position,
            )
            item._history_user = by
            item.save()
        event_record("create", meeting, by=by, request=request)
    return meeting


def agenda_item_move(*, item, by, request=None, up):
    """Swap the item with the one above (``up``) or below it. Side effects: two
    history rows."""
    _member_holding_meetings(by, item.meeting.group)
    with transaction.atomic():
        items = list(
            AgendaItem.objects.select_for_update()
            .filter(meeting_id=item.meeting_id)
            .order_by("position")
        )
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        neighbour = index - 1 if up else index + 1
        if not 0 <= neighbour < len(items):
            return
        first, second = items[index], items[neighbour]
        first.position, second.position = second.position, first.position
        for moved in (first, second):
            moved._history_user = by
            moved.save(update_fields=["position"])


def agenda_item_minute(*, item, by, request=None, discussion):
    """Keep what was said about the item. Side effects: a history row, an
    access-log event."""
    _member_holding_meetings(by, item.meeting.group)
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if locked.discussion == discussion:
            return locked
        locked.discussion = discussion
        locked.minuted_by = by
        locked._history_user = by
        locked.save(update_fields=["discussion", "minuted_by"])
        event_record("change", locked.referral, by=by, request=request, detail="minutes")
    return locked


def action_agree(*, item, by, request=None, description, responsible_member, due_on):
    """An action agreed on for the item's referral: who (a member of the group)
    does what by when; the member's organisation is the responsible one.
    Side effects: the action and its history row, an access-log event."""
    group = item.meeting.group
    _member_holding_meetings(by, group)
    responsible = SspfMembership.objects.filter(group=group, user=responsible_member).first()
    if responsible is None:
        raise ApplicationError(_("Choose a member of the group."), field="responsible_member")
    if due_on < item.meeting.starts_at.date():
        raise ApplicationError(_("The action cannot be due before the meeting."), field="due_on")
    with transaction.atomic():
        action = AgreedAction(
            referral=item.referral,
            agreed_at=item,
            data_key_id=item.data_key_id,
            description=description,
            responsible_organisation=responsible.organisation,
            responsible_member=responsible_member,
            due_on=due_on,
            created_by=by,
        )
        action._history_user = by
        action.save()
        event_record("create", item.referral, by=by, request=request, detail=f"action={action.pk}")
    return action


def action_done(*, action, by, request=None, on=None):
    """Mark an action done (from today by default). Side effects: a history
    row, an access-log event."""
    _member_holding_meetings(by, action.referral.group)
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = AgreedAction.objects.select_for_update().get(pk=action.pk)
        if locked.done_on is not None:
            return locked
        locked.done_on = on
        locked._history_user = by
        locked.save(update_fields=["done_on"])
        event_record(
            "change", locked.referral, by=by, request=request, detail=f"action_done={locked.pk}"
        )
    return locked
