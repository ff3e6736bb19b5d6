"""Writes for under-15 reports (their contacts and notes: casework/journal).

Each service is atomic, checks the named permission, runs at most one
transition, saves, and writes the access-log event in the same transaction.
A refusal is an ApplicationError (casework/errors.py); a step the report's
state no longer allows is django-fsm's TransitionNotAllowed or
ConcurrentTransition, which the report page answers with a 409.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from accounts.models import Unit
from audit.services import access_events_record_many
from casework.dates import age_in_years
from casework.errors import ApplicationError
from casework.events import event_record
from casework.fsm import may_take
from casework.journal.models import Contact
from casework.journal.services import contact_record
from casework.persons import selectors as person_selectors
from casework.persons import services as person_services
from casework.persons.access import persons_for_user
from casework.persons.models import name_tokens
from casework.reports.access import assignable_workers, reports_for_user
from casework.reports.deadlines import report_deadline
from casework.reports.models import (
    STEPS,
    AssessmentDecision,
    CloseReason,
    ReportSource,
    ReportState,
    Under15Report,
)
from vault.models import DataKey

REPORT_OBJECT = "casework.under15report"


def open_reports_for_person(*, person, user):
    """The person's open reports that ``user`` may see (never another unit's)."""
    return (
        reports_for_user(user=user)
        .filter(person=person)
        .exclude(state=ReportState.CLOSED)
        .order_by("received_at")
    )


def report_values_check(*, born, offence_date, received_at):
    """Refuse dates that cannot be and a child 15 or older; returns the age at the offence.

    Shared by registration and the import, so both refuse exactly the same.
    """
    if born is None:
        raise ApplicationError(
            _("The person's date of birth is needed to check the age. Add it to the person."),
            field="identity_number",
        )
    if offence_date > timezone.localdate():
        raise ApplicationError(
            _("The offence date cannot be in the future."), field="offence_date"
        )
    if received_at > timezone.now():
        raise ApplicationError(
            _("The report cannot have arrived in the future."), field="received_at"
        )
    if timezone.localtime(received_at).date() < offence_date:
        raise ApplicationError(
            _("The report cannot have arrived before the offence."), field="received_at"
        )
    if offence_date < born:
        raise ApplicationError(
            _("The offence date is before the child was born. Check the dates."),
            field="offence_date",
        )
    age = age_in_years(born, offence_date)
    if age >= settings.UNDER15_MAX_AGE:
        raise ApplicationError(
            _(
                "The person was %(age)s at the offence. This workflow is for children "
                "under 15; register the matter as an ordinary report of concern."
            )
            % {"age": age},
            field="offence_date",
        )
    return age


def report_register(
    *,
    by,
    request=None,
    person,
    police_reference,
    offence_category,
    offence_date,
    received_at,
    district,
    summary="",
    linked_report=None,
):
    """Register a police report about a child under 15; the clock starts at ``received_at``.

    Side effects: the report and its history row, an access-log event. The
    registering worker is assigned; a manager can reassign.
    """
    if not by.has_perm("casework.register_report"):
        raise PermissionDenied
    age = report_values_check(
        born=person.date_of_birth, offence_date=offence_date, received_at=received_at
    )
    if by.unit_id is None:
        raise ApplicationError(_("You are not placed in a unit. Ask your administrator."))
    with transaction.atomic():
        report = Under15Report(
            data_key=DataKey.create(DataKey.Purpose.CASE),
            person=person,
            unit_id=by.unit_id,
            assigned_to=by,
            police_reference=police_reference,
            offence_category=offence_category,
            offence_date=offence_date,
            received_at=received_at,
            district=district,
            age_at_offence=age,
            summary=summary,
            linked_report=linked_report,
            created_by=by,
        )
        report.set_deadline(report_deadline(report))
        report._history_user = by
        report.save()
        event_record("create", report, by=by, request=request)
    return report


def report_of_concern_register(
    *, by, request=None, source, source_reference, person, district, summary="", received_at=None
):
    """Register a report of concern from a reporter who is not the police (an
    SSPF group's orosanmälan) with the unit that serves ``district``.

    The clock starts when it reaches social services (``received_at``, now by
    default); it waits for the unit manager to assign it. Made once per
    (``source``, ``source_reference``), by a database constraint, not only a
    check: a second call, or two at once, returns the first report. The
    caller checks its own permission (the reporter has none in casework).
    Returns (the report, whether this call made it). Refusals are
    ApplicationError (``code`` ``no_unit``). Side effects: the report and its
    history row, an access-log event.
    """
    if source == ReportSource.POLICE_UNDER15 or source not in ReportSource.values:
        raise ValueError(f"not a report of concern: {source}")
    existing = Under15Report.objects.filter(source=source, source_reference=source_reference)
    if (found := existing.first()) is not None:
        return found, False
    unit = Unit.objects.filter(districts=district).order_by("name").first()
    if unit is None:
        raise ApplicationError(
            _("No social-services unit serves %(district)s. Ask your administrator.")
            % {"district": district},
            code="no_unit",
        )
    try:
        with transaction.atomic():
            report = Under15Report(
                data_key=DataKey.create(DataKey.Purpose.CASE),
                person=person,
                unit=unit,
                source=source,
                source_reference=source_reference,
                received_at=received_at or timezone.now(),
                district=district,
                summary=summary,
                linked_report=open_reports_in_unit(person=person, unit=unit).first(),
                created_by=by,
            )
            report.set_deadline(report_deadline(report))
            report._history_user = by
            report.save()
            event_record("create", report, by=by, request=request, detail=source)
    except IntegrityError:
        # Sent twice at once: the other request's report stands.
        return existing.get(), False
    return report, True


def open_reports_in_unit(*, person, unit):
    """The person's open reports in ``unit``, newest first (whoever may see them)."""
    return (
        Under15Report.objects.filter(person=person, unit=unit, erased_at__isnull=True)
        .exclude(state=ReportState.CLOSED)
        .order_by("-received_at")
    )


def report_registration(
    *,
    by,
    request,
    identity_number,
    given_names="",
    family_name="",
    link_to_open_report=False,
    open_reason="",
    guardians=(),
    **report_values,
):
    """Register a police report, finding or registering its person under the access policy.

    The person is found by identity number and reached exactly as their file
    would be (casework/persons/access.py): a person the user does not work with is
    reached only with a stated reason (``open_reason``, flagged in the
    access log) and only when the typed names fit; a person the user may
    not reach at all (protected identity) is refused with a message that
    names nothing. Only open reports the user may see are offered for
    linking. ``guardians`` (dicts as on the person form) are added to the
    person's file, those already there by name left as they are.
    ``report_values`` go to ``report_register``.

    Refusals are ApplicationError with ``code``: ``names_needed``,
    ``check_identity_number``, ``not_here``, ``reason_needed`` or
    ``open_report`` (then ``error.extra["open_report"]`` is the report to link).
    Side effects: those of person_register, person_open_with_reason and
    report_register; an access-log event for a refused protected person.
    """
    names_typed = bool(given_names.strip() and family_name.strip())
    person = person_selectors.person_find_by_identity_number(identity_number)
    open_with_reason = False
    if person is None and not names_typed:
        raise _names_needed()
    if person is not None:
        # Before the transaction: a refusal's access-log event must stay.
        open_with_reason = person_services.person_reach_for_registration(
            person=person,
            by=by,
            request=request,
            given_names=given_names,
            family_name=family_name,
            open_reason=open_reason,
            words=REGISTRATION_WORDS,
            detail="report_registration",
        )
    with transaction.atomic():
        if person is None:
            person = person_services.person_register(
                by=by,
                request=request,
                identity_number=identity_number,
                given_names=given_names,
                family_name=family_name,
                district=report_values.get("district"),
                guardians=list(guardians),
            )
        else:
            guardians_add(person=person, guardians=guardians, by=by, request=request)
        open_report = open_reports_for_person(person=person, user=by).first()
        if open_report is not None and not link_to_open_report:
            raise ApplicationError(
                _(
                    "There is already an open report for this person (%(reference)s, received "
                    "%(received)s). Open it instead, or tick the box below to register this "
                    "one linked to it."
                )
                % {
                    "reference": open_report.reference,
                    "received": timezone.localtime(open_report.received_at).strftime("%Y-%m-%d"),
                },
                code="open_report",
                open_report=open_report,
            )
        report = report_register(
            by=by, request=request, person=person, linked_report=open_report, **report_values
        )
        if open_with_reason:
            # Last, once the report stands: a refused report opens no file.
            person_services.person_open_with_reason(
                person=person, by=by, request=request, reason=open_reason
            )
        return report


def guardians_add(*, person, guardians, by, request):
    """Add to the file the guardians it does not name yet (names compared as words)."""
    known = {" ".join(sorted(name_tokens(g.get("name", "")))) for g in person.guardians or []}
    new = [g for g in guardians if " ".join(sorted(name_tokens(g.get("name", "")))) not in known]
    if new:
        person_services.person_update(
            person=person, by=by, request=request, guardians=[*(person.guardians or []), *new]
        )


REGISTRATION_WORDS = person_services.RegistrationWords(
    names_needed=gettext_lazy(
        "Enter the child's given names and family name as they stand in the police report."
    ),
    not_here=gettext_lazy(
        "A report for this identity number cannot be registered by you. Contact your unit manager."
    ),
    reason_needed=gettext_lazy(
        "The person's file belongs to another unit. To register the report, "
        "state why you open the file; the opening is shown to the auditors."
    ),
    check_names=gettext_lazy(
        "The identity number belongs to a person registered with other names. Check "
        "the number and the names against the police report."
    ),
)


def _names_needed():
    return ApplicationError(
        str(REGISTRATION_WORDS.names_needed), field="given_names", code="names_needed"
    )


def report_record_view(*, report, by, request):
    """Log that a report's page was shown. Side effects: an access-log event."""
    event_record("view", report, by=by, request=request)


def report_take_step(
    *,
    report,
    step,
    by,
    request=None,
    at=None,
    expected_state=None,
    contact=None,
    contact_kind="",
    participants="",
    **values,
):
    """Move the report one step (a transition), as ``by``, at time ``at``.

    ``expected_state`` is the state the user saw; if the report has moved
    since, TransitionNotAllowed or ConcurrentTransition is raised and nothing
    changes. The first contact links its contact entry: ``contact`` (one
    already logged on the report; its time is the step's) or a new one of
    ``contact_kind`` with ``participants`` at ``at``. Side effects: the report
    and a history row, an access-log event; a contact row and its event.
    """
    if step not in STEPS:
        raise ApplicationError(_("Unknown step."))
    method = getattr(report, step)
    if not may_take(method, report, by):
        raise PermissionDenied
    if step == "record_first_contact" and contact is not None:
        contact = _contact_of_report(report, contact)
        at = contact.occurred_at
    at = at or timezone.now()
    if at > timezone.now():
        raise ApplicationError(_("The time cannot be in the future."), field="at")
    _check_answers(step, values)
    with transaction.atomic():
        # Work on the row as it is now, locked: a copy loaded earlier would
        # write back its stale fields (an assignment made meanwhile, say).
        # Under the lock, two requests for the same step are served one
        # after the other, and the second finds the state moved on.
        fresh = Under15Report.objects.select_for_update().get(pk=report.pk)
        if expected_state is not None and fresh.state != expected_state:
            raise TransitionNotAllowed(f"{fresh} is no longer {expected_state}")
        earliest = fresh.received_at
        for previous in (
            fresh.protection_assessed_at,
            fresh.first_contact_at,
            fresh.assessed_at,
            fresh.investigation_started_at,
        ):
            if previous and previous > earliest:
                earliest = previous
        # To the minute, as the user types times: a step taken in the same minute
        # as the one before is not before it.
        if at < earliest.replace(second=0, microsecond=0):
            raise ApplicationError(
                _("The time cannot be before %(time)s, when the previous step was recorded.")
                % {"time": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")},
                field="at",
            )
        for name in STEPS[step]:
            setattr(fresh, name, values.get(name))
        getattr(fresh, step)(by=by, at=at)
        if step == "record_first_contact":
            if contact is None and contact_kind:
                contact = contact_record(
                    case=fresh,
                    by=by,
                    request=request,
                    occurred_at=at,
                    kind=contact_kind,
                    participants=participants,
                )
            fresh.first_contact = contact
        # Every transition moves the clock: the next step's deadline, in SQL's reach.
        fresh.set_deadline(report_deadline(fresh))
        fresh._history_user = by
        # ConcurrentTransitionMixin adds WHERE state = <old> to the UPDATE: a
        # belt to the lock's braces where select_for_update is a no-op (SQLite).
        fresh.save()
        event_record("transition", fresh, by=by, request=request, detail=step)
    return fresh


def _contact_of_report(report, contact):
    """``contact`` (a Contact or its id) as stored, if it is one of the report's."""
    found = (
        Contact.objects.filter(
            pk=getattr(contact, "pk", contact),
            case_type=ContentType.objects.get_for_model(report),
            case_id=report.pk,
        )
        .select_related("data_key")
        .first()
    )
    if found is None:
        raise ApplicationError(_("Choose one of the report's contacts."), field="contact")
    return found


def _check_answers(step, values):
    """The user's answers must be among the choices; anything else is refused."""
    fields = STEPS[step]
    if "protection_needed" in fields and not isinstance(values.get("protection_needed"), bool):
        raise ApplicationError(
            _("Answer whether there is an immediate need of protection."),
            field="protection_needed",
        )
    if "decision" in fields and values.get("decision") not in AssessmentDecision.values:
        raise ApplicationError(_("Choose a decision."), field="decision")
    if "close_reason" in fields and values.get("close_reason") not in CloseReason.values:
        raise ApplicationError(_("Choose a reason for closing."), field="close_reason")


def report_assign(*, report, to_user, by, request=None):
    """Assign the report to a worker of its unit. Side effects: history row, event."""
    if not by.has_perm("casework.assign_report") or by.unit_id != report.unit_id:
        raise PermissionDenied
    workers = assignable_workers(report=report)
    if not to_user.has_perm("casework.work_report") or not workers.filter(pk=to_user.pk).exists():
        if report.person.protected_identity and to_user.unit_id == report.unit_id:
            raise ApplicationError(
                _(
                    "The person has a protected identity: the report can only go to a "
                    "social worker who already works with the person."
                ),
                field="assigned_to",
            )
        raise ApplicationError(
            _("Choose a social worker in the report's unit."), field="assigned_to"
        )
    with transaction.atomic():
        locked = Under15Report.objects.select_for_update().get(pk=report.pk)
        if locked.assigned_to_id == to_user.pk:
            return locked
        locked.assigned_to = to_user
        locked._history_user = by
        locked.save(update_fields=["assigned_to"])
        event_record(
            "change", locked, by=by, request=request, subject_user=to_user, detail="assigned_to"
        )
    return locked


def report_erase(*, report, by, request=None):
    """Shred one report: its content, contacts and journal, history included.

    For retention and court orders; the person and their other cases stay
    readable. Side effects: the report's data key is destroyed, encrypted
    columns emptied (a history row each), an access-log event.
    """
    with transaction.atomic():
        locked = Under15Report.objects.select_for_update().get(pk=report.pk)
        if locked.erased_at is not None:
            return locked
        locked.erase(by=by)
        event_record("erase", locked, by=by, request=request)
    return locked


# --- Whom a worker's list is about ----------------------------------------------------------


@dataclass(frozen=True)
class ReportIdentifiers:
    """What the worker's list shows of a report besides its reference."""

    child_name: str
    # Whole years today; None when the file has no date of birth.
    child_age: int | None
    police_reference: str


def reports_show_identifiers(*, reports, by, request):
    """Let a list of reports say whom each is about, where ``by`` may read the child's file.

    Sets ``report.identifiers`` on each of ``reports`` (loaded with the person,
    the person's and the report's data keys, as ``reports_open_for_worker``
    does): a ``ReportIdentifiers`` when the policy lets ``by`` read the
    person's file without a stated reason (``persons_for_user``: a
    protected person only for the workers assigned to them), else None, and
    the list shows the reference only. A report that did not come through
    here has no ``identifiers``, so its list names nobody.

    A name on a page is a read of the person's file, logged as a search
    result is (``person_services.persons_record_search``). Side effects: one
    access-log event per person named, written together. Costs the same
    queries for one report as for a page of them: one for the policy, and
    the log's one INSERT.
    """
    reports = list(reports)
    if not reports:
        return
    readable = set(
        persons_for_user(user=by)
        .filter(pk__in={report.person_id for report in reports})
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    named = []
    for report in reports:
        report.identifiers = None
        if report.person_id not in readable:
            continue
        person = report.person
        born = person.date_of_birth
        report.identifiers = ReportIdentifiers(
            child_name=person.full_name,
            child_age=age_in_years(born, today) if born else None,
            police_reference=report.police_reference or "",
        )
        if person.pk not in named:
            named.append(person.pk)
    access_events_record_many(
        actor=by,
        request=request,
        events=[
            {
                "action": "view",
                "object_type": person_services.PERSON_OBJECT,
                "object_id": str(person_id),
                "person_ref": person_id,
                "detail": "report_list",
            }
            for person_id in named
        ],
    )
