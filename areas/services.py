"""Writes of the area work. Each runs in one transaction, saves a history row
(who, when) and appends its access-log event; revisions lock the row they
change and refuse one made from an older copy, naming who saved first.
Nothing here reads a case, a person or a journal."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import (
    ActionPlan,
    CitizenPromise,
    Contribution,
    Measure,
    MeasureStatus,
    MobilisationMeeting,
    PlanRow,
    Problem,
    PromiseGoal,
    SituationPicture,
)
from areas.selectors import area_access
from casework.errors import ApplicationError, ChangedMeanwhile
from casework.events import event_record


def _saved(obj, *, by, fields=None):
    obj._history_user = by
    obj.full_clean(exclude=[f.name for f in obj._meta.fields if f.name.endswith("_by")])
    obj.save(update_fields=fields)
    return obj


def _owner(by, city_district):
    if not area_access(user=by, city_district=city_district).owns:
        raise ApplicationError(
            _("Only the district's safety coordinator can change its area work."), code="not_owner"
        )


def _first_of_month(day):
    return day.replace(day=1)


def area_work_viewed(*, request, obj, detail=""):
    """A page of the area work was read. Side effect: an access-log event."""
    event_record("view", obj, by=request.user, request=request, detail=detail)


def picture_create(*, by, request=None, city_district, first_month, last_month):
    """A situation picture for whole months. Side effects: history, an event."""
    _owner(by, city_district)
    first_month, last_month = _first_of_month(first_month), _first_of_month(last_month)
    if last_month < first_month:
        raise ApplicationError(
            _("The period cannot end before it starts."), field="last_month", code="period"
        )
    with transaction.atomic():
        picture = _saved(
            SituationPicture(
                city_district=city_district,
                first_month=first_month,
                last_month=last_month,
                created_by=by,
            ),
            by=by,
        )
        event_record("create", picture, by=by, request=request)
    return picture


def contribution_add(*, by, request=None, picture, source, reference, summary, **extra):
    """One side's situation picture (``extra``: the residents' survey figures
    and interview notes). Side effects: history, an event."""
    _owner(by, picture.city_district)
    with transaction.atomic():
        contribution = _saved(
            Contribution(
                picture=picture,
                source=source,
                reference=reference,
                summary=summary,
                survey_figures=extra.get("survey_figures", ""),
                interview_notes=extra.get("interview_notes", ""),
                created_by=by,
            ),
            by=by,
        )
        event_record(
            "change", picture, by=by, request=request, detail=f"contribution={contribution.pk}"
        )
    return contribution


def _own_sub_areas(picture, sub_areas):
    foreign = [area for area in sub_areas if area.city_district_id != picture.city_district_id]
    if foreign:
        raise ApplicationError(
            _("Choose sub-areas of the district only."), field="sub_areas", code="sub_area"
        )


def problem_add(*, by, request=None, picture, title, description="", sub_areas=()):
    """A problem of the joint problem description, tagged with the sub-areas it
    concerns. Side effects: history (the tags too), an event."""
    _owner(by, picture.city_district)
    _own_sub_areas(picture, sub_areas)
    with transaction.atomic():
        problem = _saved(Problem(picture=picture, title=title, description=description), by=by)
        problem.sub_areas.set(sub_areas)
        event_record("change", picture, by=by, request=request, detail=f"problem={problem.pk}")
    return problem


def plan_create(*, by, request=None, picture, title):
    """The joint action plan on a situation picture (one per picture)."""
    _owner(by, picture.city_district)
    if ActionPlan.objects.filter(picture=picture).exists():
        raise ApplicationError(_("This situation picture already has its action plan."))
    with transaction.atomic():
        plan = _saved(ActionPlan(picture=picture, title=title, created_by=by), by=by)
        event_record("create", plan, by=by, request=request)
    return plan


def plan_revise(*, by, request=None, plan, title, lessons):
    """The plan's title and the lessons its follow-up draws for the next round."""
    _owner(by, plan.city_district)
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        if (locked.title, locked.lessons) == (title, lessons):
            return locked
        locked.title, locked.lessons = title, lessons
        _saved(locked, by=by, fields=["title", "lessons", "changed_at"])
        event_record("change", locked, by=by, request=request, detail="plan")
    return locked


ROW_FIELDS = ("problem", "cause_analysis", "effect_goal", "sub_goals", "responsible")


def _problem_of_the_plan(plan, problem):
    if problem.picture_id != plan.picture_id:
        raise ApplicationError(
            _("Choose a problem of this plan's situation picture."), field="problem"
        )


def row_add(*, by, request=None, plan, **values):
    """A row of the plan: problem, cause analysis, overall effect goal,
    sub-goals, responsible. Side effects: history, an event."""
    _owner(by, plan.city_district)
    _problem_of_the_plan(plan, values["problem"])
    with transaction.atomic():
        row = _saved(PlanRow(plan=plan, **{name: values[name] for name in ROW_FIELDS}), by=by)
        event_record("change", plan, by=by, request=request, detail=f"row={row.pk}")
    return row


def _changed_meanwhile(model, obj):
    last = model.history.filter(id=obj.pk).select_related("history_user").first()
    who = str(last.history_user) if last and last.history_user else _("someone")
    when = timezone.localtime(last.history_date) if last else obj.changed_at
    return ChangedMeanwhile(
        _(
            "%(who)s changed this row at %(when)s, after you opened it. Nothing was saved: "
            "your text is kept below; compare it with the row as it is now and save again."
        )
        % {"who": who, "when": when.strftime("%Y-%m-%d %H:%M")},
        code="changed_meanwhile",
    )


def row_revise(*, by, request=None, row, seen_at, **values):
    """Revise a row, refused when someone saved it after ``seen_at`` (the
    ``changed_at`` the user's copy showed). Side effects: history, an event."""
    _owner(by, row.plan.city_district)
    _problem_of_the_plan(row.plan, values["problem"])
    with transaction.atomic():
        locked = PlanRow.objects.select_for_update().get(pk=row.pk)
        if seen_at is None or abs(locked.changed_at - seen_at) > datetime.timedelta(
            microseconds=1
        ):
            raise _changed_meanwhile(PlanRow, locked)
        changed = [name for name in ROW_FIELDS if getattr(locked, name) != values[name]]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, values[name])
        _saved(locked, by=by, fields=[*changed, "changed_at"])
        event_record("change", locked.plan, by=by, request=request, detail=f"row={locked.pk}")
    return locked


def row_follow_up(*, by, request=None, row, effect):
    """The effect the row's measures had, at the follow-up."""
    _owner(by, row.plan.city_district)
    if not effect.strip():
        raise ApplicationError(_("Describe the effect."), field="effect")
    with transaction.atomic():
        locked = PlanRow.objects.select_for_update().get(pk=row.pk)
        locked.effect = effect
        locked.followed_up_at = timezone.now()
        locked.followed_up_by = by
        _saved(locked, by=by, fields=["effect", "followed_up_at", "followed_up_by", "changed_at"])
        event_record(
            "change", locked.plan, by=by, request=request, detail=f"follow_up={locked.pk}"
        )
    return locked


def _promise_goals_of(city_district, goals):
    if any(goal.promise.city_district_id != city_district.pk for goal in goals):
        raise ApplicationError(
            _("Choose goals of the district's own citizen promises."), field="serves"
        )


def measure_add(
    *,
    by,
    request=None,
    row,
    description,
    phase,
    organisation,
    responsible,
    starts_on,
    ends_on=None,
    serves=(),
    mobilisation=None,
):
    """A measure of a row: what is to be done, in which phase, by which
    organisation and person, when; the promise goals it serves; the
    mobilisation meeting that agreed it. The responsible person must be a
    member of one of the district's bodies or its coordinator, so that they
    can report on it. Side effects: history (the goals too), an event."""
    city_district = row.plan.city_district
    _owner(by, city_district)
    if not area_access(user=responsible, city_district=city_district).reads:
        raise ApplicationError(
            _("The responsible person must be a member of one of the district's bodies."),
            field="responsible",
        )
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError(_("The measure cannot end before it starts."), field="ends_on")
    _promise_goals_of(city_district, serves)
    with transaction.atomic():
        measure = _saved(
            Measure(
                row=row,
                description=description,
                phase=phase,
                organisation=organisation,
                responsible=responsible,
                starts_on=starts_on,
                ends_on=ends_on,
                mobilisation=mobilisation,
            ),
            by=by,
        )
        measure.serves.set(serves)
        event_record("change", row.plan, by=by, request=request, detail=f"measure={measure.pk}")
    return measure


def measure_report(*, by, request=None, measure, status, carried_out, on=None):
    """The responsible person (or the coordinator) reports what was carried
    out. Side effects: history, an event."""
    access = area_access(user=by, city_district=measure.row.plan.city_district)
    if not access.may_report_on(measure, by):
        raise ApplicationError(
            _("Only the person responsible for the measure, or the coordinator, reports on it."),
            code="not_responsible",
        )
    if status == MeasureStatus.PLANNED:
        raise ApplicationError(_("Say whether the measure was carried out."), field="status")
    if status == MeasureStatus.CARRIED_OUT and not carried_out.strip():
        raise ApplicationError(_("Describe what was carried out."), field="carried_out")
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        locked.status = status
        locked.carried_out = carried_out
        locked.reported_on = on or timezone.localdate()
        locked.reported_by = by
        _saved(locked, by=by, fields=["status", "carried_out", "reported_on", "reported_by"])
        event_record(
            "change", locked.row.plan, by=by, request=request, detail=f"report={locked.pk}"
        )
    return locked


def mobilisation_record(
    *,
    by,
    request=None,
    city_district,
    held_on,
    place,
    situation,
    description,
    organisations,
    sub_area=None,
):
    """A rapid mobilisation meeting: when, where, at what, which organisations
    took part. Side effects: history (the organisations too), an event."""
    _owner(by, city_district)
    if sub_area is not None and sub_area.city_district_id != city_district.pk:
        raise ApplicationError(_("Choose a sub-area of the district."), field="sub_area")
    if not organisations:
        raise ApplicationError(_("Name the organisations that took part."), field="organisations")
    with transaction.atomic():
        meeting = _saved(
            MobilisationMeeting(
                city_district=city_district,
                sub_area=sub_area,
                held_on=held_on,
                place=place,
                situation=situation,
                description=description,
                created_by=by,
            ),
            by=by,
        )
        meeting.organisations.set(organisations)
        event_record("create", meeting, by=by, request=request)
    return meeting


def promise_record(*, by, request=None, city_district, year, goals):
    """The citizen promise of a year with its goals (one per line, in order).
    Recording the year again replaces goals no measure serves yet and adds new ones."""
    _owner(by, city_district)
    goals = [goal.strip() for goal in goals if goal.strip()]
    if not goals:
        raise ApplicationError(_("Write at least one goal."), field="goals")
    with transaction.atomic():
        promise = CitizenPromise.objects.filter(city_district=city_district, year=year).first()
        if promise is None:
            promise = _saved(
                CitizenPromise(city_district=city_district, year=year, created_by=by), by=by
            )
        existing = {goal.text: goal for goal in promise.goals.all()}
        for position, text in enumerate(goals):
            goal = existing.pop(text, None) or PromiseGoal(promise=promise, text=text)
            if goal.position != position or goal._state.adding:
                goal.position = position
                _saved(goal, by=by)
        for goal in existing.values():
            if goal.measures.exists():
                raise ApplicationError(
                    _("“%(goal)s” is served by measures and cannot be removed.")
                    % {"goal": goal.text},
                    field="goals",
                )
            goal._history_user = by
            goal.delete()
        event_record("change", promise, by=by, request=request)
    return promise
