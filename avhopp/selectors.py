"""Which exit cases a user sees, and in what order; the rules are in avhopp/access.py."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from avhopp import access
from avhopp.access import CaseAccess
from avhopp.models import (
    FINAL_STATES,
    STEPS,
    CaseTargetGroup,
    ExitCase,
    ExitCaseState,
    Intervention,
    Measurement,
)
from avhopp.scales import Occasion, Track
from casework.fsm import steps_offered
from casework.persons.access import Erased

CASES_PER_PAGE = 25
PERSON_CASES_SHOWN = 50


class ExitCaseErased(Erased):
    """The user would reach the case, but its content was erased."""


def _listed(cases):
    return cases.select_related(
        "person", "person__data_key", "data_key", "district", "assigned_to", "unit"
    ).prefetch_related(
        Prefetch("target_groups", queryset=CaseTargetGroup.objects.order_by("group"))
    )


def cases_for_user(*, user, to_work=False):
    return _listed(access.cases_for_user(user=user, to_work=to_work))


def exit_case_get_for_user(*, user, pk, to_work=False):
    """The case, if the user may open it (``to_work``: as a social worker); 404
    otherwise; ExitCaseErased if they would, but it was erased."""
    case = cases_for_user(user=user, to_work=to_work).filter(pk=pk).first()
    if case is None:
        erased = ExitCase.objects.filter(pk=pk).select_related("person").first()
        if erased is not None and erased.is_erased:
            reach = access.case_access(user=user, case=erased)
            if reach is CaseAccess.WORK or (reach is CaseAccess.MANAGE and not to_work):
                raise ExitCaseErased(erased)
        raise Http404
    return case


def case_steps_offered(case, user):
    """The steps ``user`` may take on ``case`` now, in the order of STEPS."""
    return steps_offered(case, user, order=STEPS)


def _due_order(cases):
    # Soonest due first; cases with nothing due last, newest inquiry first.
    return cases.order_by(F("next_due_on").asc(nulls_last=True), "-inquiry_at", "pk")


def _due_counts(cases, *, today):
    soon = today + datetime.timedelta(days=settings.AVHOPP_DUE_SOON_DAYS)
    return {
        "overdue_count": cases.filter(next_due_on__lt=today).count(),
        "due_soon_count": cases.filter(next_due_on__gte=today, next_due_on__lte=soon).count(),
    }


def worker_cases_listing(*, user, state=None, page=None, today=None):
    """The worker's own cases that have not ended (``state``: a filter), the
    next measurement due first, a page at a time, with the overdue and
    due-soon counts of all of them. Ordered, counted and paged in SQL."""
    today = today or timezone.localdate()
    every_case = access.cases_assigned_to(user=user).exclude(state__in=FINAL_STATES)
    shown = every_case.filter(state=state) if state else every_case
    page = Paginator(_listed(_due_order(shown)), CASES_PER_PAGE).get_page(page)
    return {"page": page, "today": today, **_due_counts(every_case, today=today)}


def measurements_due_listing(*, user, page=None, today=None):
    """The worker's cases whose next measurement or follow-up is overdue or
    due within AVHOPP_DUE_SOON_DAYS, the most overdue first (the start page)."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.AVHOPP_DUE_SOON_DAYS)
    due = access.cases_assigned_to(user=user).filter(next_due_on__lte=soon)
    page = Paginator(_listed(_due_order(due)), CASES_PER_PAGE).get_page(page)
    return {"page": page, "today": today, **_due_counts(due, today=today)}


def unit_workers(*, unit):
    return (
        get_user_model()
        .objects.filter(unit=unit, groups__name=Role.SOCIAL_WORKER.value, is_active=True)
        .order_by("first_name", "last_name")
    )


def unit_cases_listing(*, user, state=None, track=None, page=None, today=None):
    """The unit's cases for its manager, by reference, state and target group
    (never a name), open ones first then newest, a page at a time, each with
    the workers it may be assigned to."""
    today = today or timezone.localdate()
    cases = access.cases_for_user(user=user).select_related("assigned_to", "district", "person")
    if state:
        cases = cases.filter(state=state)
    if track:
        cases = cases.filter(track=track)
    cases = cases.prefetch_related(
        Prefetch("target_groups", queryset=CaseTargetGroup.objects.order_by("group"))
    ).order_by(F("ended_at").desc(nulls_first=True), "-inquiry_at", "pk")
    page = Paginator(cases, CASES_PER_PAGE).get_page(page)
    workers = list(unit_workers(unit=user.unit_id))
    rows = [
        (
            case,
            list(access.assignable_workers(case=case).order_by("first_name", "last_name"))
            if case.person.protected_identity
            else workers,
        )
        for case in page
    ]
    return {"page": page, "rows": rows, "today": today}


def unit_case_counts(*, user, today=None):
    """The unit's cases that have not ended, counted by state and track, and
    how many wait for an overdue measurement: two queries."""
    today = today or timezone.localdate()
    cases = access.cases_for_user(user=user).exclude(state__in=FINAL_STATES)
    rows = cases.values("state", "track").annotate(count=Count("pk"))
    by_state = {}
    for row in rows:
        by_state.setdefault(row["state"], {})[row["track"]] = row["count"]
    return {
        "by_state": [
            (
                ExitCaseState(state).label,
                by_state.get(state, {}).get(Track.EXIT, 0),
                by_state.get(state, {}).get(Track.PREVENTION, 0),
            )
            for state in ExitCaseState.values
            if state not in FINAL_STATES
        ],
        "overdue_count": cases.filter(next_due_on__lt=today).count(),
    }


def cases_of_person_for_user(*, user, person, limit=None):
    """(up to ``limit`` of the person's exit cases the user may open, newest
    first; whether there are more): one query however many there are."""
    limit = limit or PERSON_CASES_SHOWN
    cases = list(
        access.cases_for_user(user=user, to_work=True)
        .filter(person=person)
        .order_by("-inquiry_at", "-pk")[: limit + 1]
    )
    return cases[:limit], len(cases) > limit


def case_measurements(case):
    """The case's measurements in the order they were taken."""
    return list(
        Measurement.objects.filter(case=case)
        .select_related("data_key", "created_by")
        .order_by("measured_on", "created_at")
    )


def case_baseline(measurements):
    return next((m for m in measurements if m.occasion == Occasion.BASELINE), None)


def case_plan(case):
    """(goals, interventions) of the case's plan, oldest first."""
    goals = list(case.goals.select_related("data_key", "created_by").order_by("created_at"))
    interventions = list(
        Intervention.objects.filter(case=case)
        .select_related("data_key", "responsible_user")
        .order_by("starts_on", "created_at")
    )
    return goals, interventions
