"""Writes for exit cases, their plan and measurements (contacts and journal
notes: casework/journal/services.py, on the case).

Each service is atomic, checks the named permission, locks the case's row
fresh where it depends on its state, saves, and writes the access-log event
in the same transaction. A refusal is an ApplicationError; a step the case's
state no longer allows is django-fsm's TransitionNotAllowed or
ConcurrentTransition, which the case page answers with a 409.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from audit.services import access_events_record_many
from avhopp import instruments, outcomes
from avhopp.access import assignable_workers
from avhopp.models import (
    STEPS,
    CaseTargetGroup,
    CloseReason,
    DeclineReason,
    DropoutReason,
    ExitCase,
    ExitCaseState,
    Intervention,
    InterventionKind,
    InterventionStatus,
    Measurement,
    PauseReason,
    PlanGoal,
)
from avhopp.scales import (
    TRACK_TARGET_GROUPS,
    Housing,
    Level,
    Occasion,
    Occupation,
    ReferralSource,
    RiskLevel,
    TargetGroup,
    Track,
)
from avhopp.schedule import schedule_refresh
from casework.dates import age_in_years
from casework.errors import ApplicationError
from casework.events import event_record
from casework.fsm import may_take
from casework.persons import selectors as person_selectors
from casework.persons import services as person_services
from casework.persons.access import persons_for_user
from vault.models import DataKey

CASE_OBJECT = "avhopp.exitcase"

REGISTRATION_WORDS = person_services.RegistrationWords(
    names_needed=gettext_lazy("Enter the person's given names and family name."),
    not_here=gettext_lazy(
        "An exit case for this identity number cannot be registered by you. Contact your "
        "unit manager."
    ),
    reason_needed=gettext_lazy(
        "The person's file belongs to another unit. To register the case, state why you "
        "open the file; the opening is shown to the auditors."
    ),
    check_names=gettext_lazy(
        "The identity number belongs to a person registered with other names. Check the "
        "number and the names."
    ),
)

# Which measurement can be recorded in which state.
OCCASION_STATES = {
    Occasion.BASELINE: (ExitCaseState.INTAKE_ASSESSMENT,),
    Occasion.DURING: (ExitCaseState.ACTIVE, ExitCaseState.PAUSED),
    Occasion.CLOSURE: (ExitCaseState.ACTIVE,),
    Occasion.FOLLOW_UP_6: (ExitCaseState.COMPLETED, ExitCaseState.FOLLOW_UP),
    Occasion.FOLLOW_UP_12: (ExitCaseState.FOLLOW_UP,),
}


def _require(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _save(case, by):
    case._history_user = by
    case.save()


# --- Registration -----------------------------------------------------------------------------


def exit_case_registration(
    *,
    by,
    request,
    identity_number,
    given_names="",
    family_name="",
    open_reason="",
    track,
    referral_source,
    inquiry_at,
    inquiry_note="",
    protected=False,
    district=None,
):
    """Register an inquiry: the person found by identity number (reached as
    their file would be, casework/persons/services.py) or registered, and the
    case in the worker's unit, assigned to them.

    Refusals are ApplicationError (codes of ``person_reach_for_registration``,
    and ``no_unit``). Side effects: the person (if new), the case and its
    history row, access-log events; a file opened with a reason is flagged.
    """
    _require(by, "avhopp.register_exit_case")
    if by.unit_id is None:
        raise ApplicationError(
            _("You are not placed in a unit. Ask your administrator."), code="no_unit"
        )
    if track not in Track.values:
        raise ApplicationError(_("Choose the track."), field="track")
    if referral_source not in ReferralSource.values:
        raise ApplicationError(_("Choose who made the inquiry."), field="referral_source")
    if inquiry_at > timezone.now():
        raise ApplicationError(
            _("The inquiry cannot have arrived in the future."), field="inquiry_at"
        )
    person = person_selectors.person_find_by_identity_number(identity_number)
    open_with_reason = False
    if person is None and not (given_names.strip() and family_name.strip()):
        raise ApplicationError(
            str(REGISTRATION_WORDS.names_needed), field="given_names", code="names_needed"
        )
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
            detail="exit_case_registration",
        )
    with transaction.atomic():
        if person is None:
            person = person_services.person_register(
                by=by,
                request=request,
                identity_number=identity_number,
                given_names=given_names,
                family_name=family_name,
                district=district,
                guardians=[],
            )
        case = ExitCase(
            data_key=DataKey.create(DataKey.Purpose.CASE),
            person=person,
            unit_id=by.unit_id,
            assigned_to=by,
            track=track,
            referral_source=referral_source,
            protected=protected,
            district=district or person.district or by.unit.districts.order_by("name").first(),
            inquiry_at=inquiry_at,
            inquiry_note=inquiry_note,
            created_by=by,
        )
        if case.district is None:
            raise ApplicationError(_("Choose the district."), field="district")
        _save(case, by)
        event_record("create", case, by=by, request=request, flagged=protected, detail=track)
        if open_with_reason:
            person_services.person_open_with_reason(
                person=person, by=by, request=request, reason=open_reason
            )
    return case


def exit_case_record_view(*, case, by, request):
    """Log that a case's page was shown; a shielded case's every access is flagged."""
    event_record("view", case, by=by, request=request, flagged=case.is_shielded)


def cases_show_names(*, cases, by, request, detail="exit_case_list"):
    """Set ``case.person_name`` on each of ``cases`` (loaded with the person and
    its data key): the name where ``by`` may read the person's file without a
    stated reason, else None and the list shows the reference only.

    A name on a page is a read of the person's file: one access-log event per
    person named (flagged for a shielded person), written together; the same
    queries for one case as for a page of them.
    """
    cases = list(cases)
    if not cases:
        return
    readable = set(
        persons_for_user(user=by)
        .filter(pk__in={case.person_id for case in cases})
        .values_list("pk", flat=True)
    )
    named = {}
    for case in cases:
        case.person_name = None
        if case.person_id in readable:
            case.person_name = case.person.full_name
            named[case.person_id] = named.get(case.person_id, False) or case.is_shielded
    access_events_record_many(
        actor=by,
        request=request,
        events=[
            {
                "action": "view",
                "object_type": person_services.PERSON_OBJECT,
                "object_id": str(person_id),
                "person_ref": person_id,
                "detail": detail,
                "flagged": flagged,
            }
            for person_id, flagged in named.items()
        ],
    )


# --- The intake assessment --------------------------------------------------------------------


def target_groups_check(*, track, groups, age, justification):
    """Refuse target groups that do not fit the track, none at all, and the
    18-25 group for someone outside it without a justified exception.

    Returns whether the age group is chosen by exception. ``age``: whole
    years at intake, None when the date of birth is not known.
    """
    allowed = set(TRACK_TARGET_GROUPS[Track(track)])
    if not groups:
        raise ApplicationError(_("Choose at least one target group."), field="target_groups")
    if not set(groups) <= allowed:
        raise ApplicationError(
            _("Choose target groups of the case's track."), field="target_groups"
        )
    if TargetGroup.AGE_18_25 not in groups:
        return False
    youngest, oldest = settings.AVHOPP_YOUNG_ADULT_AGES
    if age is not None and youngest <= age <= oldest:
        return False
    if not justification.strip():
        raise ApplicationError(
            _(
                "The person is %(age)s, outside the 18–25 group. Choose the group only by "  # noqa: RUF001
                "exception — earlier interventions, or a large impact on the local "
                "community — and write why."
            )
            % {"age": age if age is not None else _("of unknown age")},
            field="age_exception_justification",
            code="age_outside_group",
        )
    return True


def exit_case_record_intake(
    *,
    case,
    by,
    request=None,
    target_groups,
    risk_level,
    motivation="",
    threat_assessment="",
    age_exception_justification="",
):
    """Record (or correct) the intake assessment while the case is in it.

    Side effects: the case's row and its target groups with their history,
    an access-log event naming the changed fields (never their values).
    """
    _require(by, "avhopp.work_exit_case")
    if risk_level not in RiskLevel.values:
        raise ApplicationError(_("Choose a risk level."), field="risk_level")
    with transaction.atomic():
        fresh = ExitCase.objects.select_for_update().select_related("person").get(pk=case.pk)
        if fresh.state != ExitCaseState.INTAKE_ASSESSMENT:
            raise ApplicationError(
                _("The intake assessment is recorded while the case is in intake assessment."),
                code="wrong_state",
            )
        born = fresh.person.date_of_birth
        at = timezone.localdate()
        age = age_in_years(born, at) if born else None
        exception = target_groups_check(
            track=fresh.track,
            groups=list(target_groups),
            age=age,
            justification=age_exception_justification,
        )
        fresh.age_at_intake = age
        fresh.age_exception = exception
        fresh.age_exception_justification = age_exception_justification if exception else ""
        fresh.motivation = motivation
        fresh.threat_assessment = threat_assessment
        fresh.risk_level = risk_level
        fresh.intake_recorded_at = timezone.now()
        _save(fresh, by)
        _target_groups_set(fresh, set(target_groups), by=by)
        event_record(
            "change", fresh, by=by, request=request, detail="intake", flagged=fresh.is_shielded
        )
    return fresh


def _target_groups_set(case, groups, *, by):
    current = {row.group: row for row in case.target_groups.all()}
    for group, row in current.items():
        if group not in groups:
            row._history_user = by
            row.delete()
    for group in sorted(groups - set(current)):
        row = CaseTargetGroup(case=case, group=group)
        row._history_user = by
        row.save()


# --- Steps ------------------------------------------------------------------------------------


def exit_case_take_step(*, case, step, by, request=None, at=None, expected_state=None, **answers):
    """Move the case one step (a transition), as ``by``, at time ``at``.

    ``expected_state``: the state the user's page showed; if the case has
    moved since, TransitionNotAllowed. Side effects: the case's row and its
    history row, the next measurement due, an access-log event.
    """
    if step not in STEPS:
        raise ValueError(step)
    if not may_take(getattr(case, step), case, by):
        raise PermissionDenied
    at = at or timezone.now()
    if at > timezone.now():
        raise ApplicationError(_("The time cannot be in the future."), field="at")
    _check_answers(step, answers)
    with transaction.atomic():
        fresh = ExitCase.objects.select_for_update().get(pk=case.pk)
        if expected_state is not None and fresh.state != expected_state:
            raise TransitionNotAllowed(f"{fresh} is no longer {expected_state}")
        earliest = fresh.state_changed_at or fresh.inquiry_at
        if at < earliest.replace(second=0, microsecond=0):
            raise ApplicationError(
                _("The time cannot be before %(time)s, when the previous step was recorded.")
                % {"time": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")},
                field="at",
            )
        if step == "close" and answers["close_reason"] not in fresh.close_reasons_allowed():
            raise ApplicationError(
                _("“Follow-ups done” needs the 12-month follow-up recorded first."),
                field="close_reason",
            )
        for name in STEPS[step]:
            setattr(fresh, name, answers.get(name, ""))
        getattr(fresh, step)(by=by, at=at)
        schedule_refresh(fresh)
        _save(fresh, by)
        event_record(
            "transition", fresh, by=by, request=request, detail=step, flagged=case.is_shielded
        )
    return fresh


REASONS = {
    "decline_reason": (DeclineReason, gettext_lazy("Choose why the case is declined.")),
    "pause_reason": (PauseReason, gettext_lazy("Choose why the case is paused.")),
    "dropout_reason": (DropoutReason, gettext_lazy("Choose why the person dropped out.")),
    "close_reason": (CloseReason, gettext_lazy("Choose a reason for closing.")),
}


def _check_answers(step, answers):
    for name in STEPS[step]:
        if name in REASONS:
            choices, message = REASONS[name]
            if answers.get(name) not in choices.values:
                raise ApplicationError(str(message), field=name)
        elif not (answers.get(name) or "").strip():
            raise ApplicationError(_("Write the reason for the decision."), field=name)


# --- Assignment -------------------------------------------------------------------------------


def exit_case_assign(*, case, to_user, by, request=None):
    """Assign the case to a social worker of its unit. Side effects: history row,
    a flagged access-log event when the case is shielded (it grants access)."""
    if not by.has_perm("avhopp.assign_exit_case") or by.unit_id != case.unit_id:
        raise PermissionDenied
    if not assignable_workers(case=case).filter(pk=to_user.pk).exists():
        raise ApplicationError(
            _("Choose a social worker in the case's unit."), field="assigned_to"
        )
    with transaction.atomic():
        locked = ExitCase.objects.select_for_update().get(pk=case.pk)
        if locked.assigned_to_id == to_user.pk:
            return locked
        locked.assigned_to = to_user
        locked._history_user = by
        locked.save(update_fields=["assigned_to"])
        event_record(
            "change",
            locked,
            by=by,
            request=request,
            subject_user=to_user,
            detail="assigned_to",
            flagged=case.is_shielded,
        )
    return locked


# --- The exit plan ----------------------------------------------------------------------------


def _case_open_for_plan(case):
    if case.is_final:
        raise ApplicationError(_("The case has ended; its plan can no longer be changed."))


def plan_goal_add(*, case, by, request=None, text):
    """Add a goal to the case's plan. Side effects: the row, its history, an event."""
    _require(by, "avhopp.work_exit_case")
    _case_open_for_plan(case)
    if not text.strip():
        raise ApplicationError(_("Write the goal."), field="text")
    with transaction.atomic():
        goal = PlanGoal(case=case, data_key_id=case.data_key_id, text=text, created_by=by)
        goal._history_user = by
        goal.save()
        event_record("create", goal, by=by, request=request, detail=str(case.pk))
    return goal


def _dates_check(starts_on, ends_on):
    if starts_on and ends_on and ends_on < starts_on:
        raise ApplicationError(_("The end cannot be before the start."), field="ends_on")


def intervention_add(
    *,
    case,
    by,
    request=None,
    kind,
    status=InterventionStatus.PLANNED,
    responsible_user=None,
    responsible_organisation="",
    starts_on=None,
    ends_on=None,
):
    """Add an intervention to the plan. Side effects: the row, its history, an event."""
    _require(by, "avhopp.work_exit_case")
    _case_open_for_plan(case)
    if kind not in InterventionKind.values:
        raise ApplicationError(_("Choose the intervention."), field="kind")
    if status not in InterventionStatus.values:
        raise ApplicationError(_("Choose a status."), field="status")
    _dates_check(starts_on, ends_on)
    if responsible_user is None and not responsible_organisation.strip():
        raise ApplicationError(
            _("Say who is responsible: a worker or a partner organisation."),
            field="responsible_organisation",
        )
    with transaction.atomic():
        intervention = Intervention(
            case=case,
            data_key_id=case.data_key_id,
            kind=kind,
            status=status,
            responsible_user=responsible_user,
            responsible_organisation=responsible_organisation,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=by,
        )
        intervention._history_user = by
        intervention.save()
        event_record("create", intervention, by=by, request=request, detail=str(case.pk))
    return intervention


def intervention_update(*, intervention, by, request=None, status, starts_on, ends_on):
    """Change an intervention's status and dates. Side effects: history row, event."""
    _require(by, "avhopp.work_exit_case")
    if status not in InterventionStatus.values:
        raise ApplicationError(_("Choose a status."), field="status")
    _dates_check(starts_on, ends_on)
    with transaction.atomic():
        locked = Intervention.objects.select_for_update().get(pk=intervention.pk)
        _case_open_for_plan(locked.case)
        changed = [
            name
            for name, value in (("status", status), ("starts_on", starts_on), ("ends_on", ends_on))
            if getattr(locked, name) != value
        ]
        if not changed:
            return locked
        locked.status, locked.starts_on, locked.ends_on = status, starts_on, ends_on
        locked.updated_at = timezone.now()
        locked._history_user = by
        locked.save()
        event_record("change", locked, by=by, request=request, detail=",".join(changed))
    return locked


# --- Measurements -----------------------------------------------------------------------------

SCALES = {
    "occupation": (Occupation, gettext_lazy("Choose the occupation.")),
    "drug_use": (Level, gettext_lazy("Choose the level of drug use.")),
    "criminality": (Level, gettext_lazy("Choose the level of criminality.")),
    "housing": (Housing, gettext_lazy("Choose the housing.")),
    "network_contact": (Level, gettext_lazy("Choose the contact with the criminal network.")),
}


def occasions_open(case):
    """The occasions a measurement can be recorded for now, in order."""
    taken = set(
        case.measurements.exclude(occasion=Occasion.DURING).values_list("occasion", flat=True)
    )
    return [
        occasion
        for occasion, states in OCCASION_STATES.items()
        if case.state in states and occasion not in taken
    ]


def measurement_record(
    *,
    case,
    by,
    request=None,
    occasion,
    measured_on,
    audit_answers=None,
    dudit_answers=None,
    **levels,
):
    """Record where the person stands at ``occasion``.

    ``levels``: occupation, drug_use, criminality, housing, network_contact
    (scale values). AUDIT and DUDIT are scored here from the item answers
    (option indexes), and the verdict of the one positive-development rule
    against the baseline is kept with it. Side effects: the measurement and
    its history row, the case's next measurement due, an access-log event.
    """
    _require(by, "avhopp.work_exit_case")
    for name, (scale, message) in SCALES.items():
        if levels.get(name) not in scale.values:
            raise ApplicationError(str(message), field=name)
    if measured_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="measured_on")
    scores = {}
    for code, instrument, answers in (
        ("audit", instruments.AUDIT, audit_answers),
        ("dudit", instruments.DUDIT, dudit_answers),
    ):
        if answers:
            try:
                total, band = instruments.instrument_result(
                    instrument, answers, case.person.gender
                )
            except ValueError:
                raise ApplicationError(
                    _("Answer every question of %(instrument)s.") % {"instrument": code.upper()},
                    field=f"{code}_answers",
                ) from None
            scores.update(
                {f"{code}_answers": list(answers), f"{code}_total": total, f"{code}_band": band}
            )
    with transaction.atomic():
        fresh = ExitCase.objects.select_for_update().select_related("person").get(pk=case.pk)
        if occasion not in occasions_open(fresh):
            raise ApplicationError(
                _("A measurement “%(occasion)s” cannot be recorded where the case stands now.")
                % {
                    "occasion": Occasion(occasion).label
                    if occasion in Occasion.values
                    else occasion
                },
                field="occasion",
                code="wrong_occasion",
            )
        follow_up = occasion in (Occasion.FOLLOW_UP_6, Occasion.FOLLOW_UP_12)
        if follow_up and measured_on < timezone.localtime(fresh.completed_at).date():
            raise ApplicationError(
                _("A follow-up cannot be dated before the case was completed."),
                field="measured_on",
            )
        measurement = Measurement(
            case=fresh,
            data_key_id=fresh.data_key_id,
            occasion=occasion,
            measured_on=measured_on,
            created_by=by,
            **{name: levels[name] for name in SCALES},
            **scores,
        )
        baseline = fresh.measurements.filter(occasion=Occasion.BASELINE).first()
        if occasion != Occasion.BASELINE and baseline is not None:
            verdict = outcomes.development(baseline, measurement)
            measurement.positive_development = verdict.positive if verdict else None
        measurement._history_user = by
        measurement.save()
        if schedule_refresh(fresh):
            # Columns kept out of history: their change adds no history row.
            fresh.skip_history_when_saving = True
            fresh.save(update_fields=["next_due_on", "next_due_occasion"])
            del fresh.skip_history_when_saving
        event_record(
            "create",
            measurement,
            by=by,
            request=request,
            detail=f"{fresh.pk}:{occasion}",
            flagged=fresh.is_shielded,
        )
    return measurement


def exit_case_erase(*, case, by, request=None):
    """Shred one case: content, plan, measurements' answers, contacts and notes,
    history included; categorical columns stay. Side effects: an event."""
    with transaction.atomic():
        case.erase(by=by)
        event_record("erase", case, by=by, request=request)
