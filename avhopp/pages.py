"""The exit case's page, drawn for its own views and for the journal's (a note
refused on the page comes back on it): not a view module, so both can use it."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from avhopp import outcomes, selectors
from avhopp.forms import (
    GoalForm,
    IntakeForm,
    InterventionForm,
    InterventionStatusForm,
    StepForm,
)
from avhopp.models import (
    CloseReason,
    DeclineReason,
    DropoutReason,
    ExitCaseState,
    PauseReason,
)
from avhopp.schedule import measurement_due
from avhopp.services import CASE_OBJECT, occasions_open
from casework.denials import load_or_refuse
from casework.documents.case_pages import case_document_pages
from casework.documents.models import DocumentType
from casework.documents.pages import DocumentUrls
from casework.documents.panels import documents_panel
from casework.journal.access import may_see_case_records
from casework.journal.forms import JournalForm
from casework.journal.pages import CaseRecordPages, CaseRecordUrls
from casework.journal.timeline import TimelineSpec, case_timeline_page
from casework.persons.access import person_access
from casework.reports.pages import answers_in_words

STEP_TITLES = {
    "start_intake": gettext_lazy("Start the intake assessment"),
    "activate": gettext_lazy("Take the person into the programme"),
    "decline": gettext_lazy("Decline"),
    "pause": gettext_lazy("Pause the case"),
    "resume": gettext_lazy("Resume the case"),
    "complete": gettext_lazy("Complete the programme"),
    "start_follow_up": gettext_lazy("Start the follow-up period"),
    "drop_out": gettext_lazy("Record a dropout"),
    "close": gettext_lazy("Close the case"),
}
STEP_BUTTONS = {
    "start_intake": gettext_lazy("Start the intake assessment"),
    "activate": gettext_lazy("Take into the programme"),
    "decline": gettext_lazy("Decline the case"),
    "pause": gettext_lazy("Pause"),
    "resume": gettext_lazy("Resume"),
    "complete": gettext_lazy("Complete"),
    "start_follow_up": gettext_lazy("Start the follow-up"),
    "drop_out": gettext_lazy("Record the dropout"),
    "close": gettext_lazy("Close the case"),
}
STEP_DONE = {
    "start_intake": gettext_lazy("The intake assessment is started."),
    "activate": gettext_lazy("The person is taken into the programme."),
    "decline": gettext_lazy("The case is declined."),
    "pause": gettext_lazy("The case is paused."),
    "resume": gettext_lazy("The case is resumed."),
    "complete": gettext_lazy("The programme is completed. The follow-ups are scheduled."),
    "start_follow_up": gettext_lazy("The follow-up period is started."),
    "drop_out": gettext_lazy("The dropout is recorded."),
    "close": gettext_lazy("The case is closed."),
}
# Steps that end the case, apart from the next regular step.
ENDING_STEPS = ("decline", "drop_out", "close")

# What a step requires before the state machine offers it, said where it is missing.
STEP_NEEDS = {
    "activate": gettext_lazy(
        "To take the person in, record the intake assessment and the baseline measurement."
    ),
    "complete": gettext_lazy("To complete the programme, record the closure measurement."),
    "start_follow_up": gettext_lazy(
        "The follow-up period starts once the 6-month follow-up is recorded."
    ),
}


def _state_answer(record):
    """The answer that moved the case into ``record``'s state, in words."""
    reasons = {
        ExitCaseState.DECLINED: ("decline_reason", DeclineReason),
        ExitCaseState.PAUSED: ("pause_reason", PauseReason),
        ExitCaseState.DROPPED_OUT: ("dropout_reason", DropoutReason),
        ExitCaseState.CLOSED: ("close_reason", CloseReason),
    }
    if record.state in reasons:
        name, choices = reasons[record.state]
        value = getattr(record, name)
        if value in choices.values:
            return _("Reason: %(reason)s") % {"reason": choices(value).label}
    return ""


EXIT_CASE_TIMELINE = TimelineSpec(
    states=ExitCaseState,
    first_state=ExitCaseState.INQUIRY.value,
    first_at="inquiry_at",
    answer=_state_answer,
)


def step_form(case, step, data=None):
    return StepForm(
        data,
        step=step,
        close_reasons=case.close_reasons_allowed() if step == "close" else None,
        initial={"expected_state": case.state, "at": timezone.localtime().replace(second=0)},
        prefix=step,
    )


def intake_form(case, data=None):
    initial = {
        "target_groups": [row.group for row in case.target_groups.all()],
        "risk_level": case.risk_level or None,
        "motivation": case.motivation,
        "threat_assessment": case.threat_assessment,
        "age_exception_justification": case.age_exception_justification,
    }
    return IntakeForm(data, track=case.track, initial=initial, prefix="intake")


def _measurement_rows(measurements):
    """Each measurement with its development against the baseline (None for the baseline)."""
    baseline = selectors.case_baseline(measurements)
    return [
        (
            measurement,
            None if measurement is baseline else outcomes.development(baseline, measurement),
        )
        for measurement in measurements
    ]


def exit_case_page(
    request,
    case,
    *,
    step_forms=None,
    intake=None,
    goal_form=None,
    intervention_form=None,
    journal_form=None,
    conflict=None,
    status=200,
):
    """The case's page. ``conflict``: (step, answers in words, message) of a step
    someone else's change stopped; its form is back if the step can still be taken."""
    user = request.user
    steps = selectors.case_steps_offered(case, user)
    forms_by_step = {step: step_form(case, step) for step in steps}
    forms_by_step.update({s: f for s, f in (step_forms or {}).items() if s in steps})
    conflict_panel = None
    if conflict is not None:
        step, answers, message = conflict
        conflict_panel = {
            "step": step,
            "title": STEP_TITLES[step],
            "message": message,
            "answers": answers,
            "resendable": step in steps,
        }
    timeline = case_timeline_page(
        case,
        EXIT_CASE_TIMELINE,
        with_records=may_see_case_records(user),
        page=request.GET.get("timeline"),
        note=request.GET.get("note"),
    )
    measurements = selectors.case_measurements(case)
    goals, interventions = selectors.case_plan(case)
    plan_open = not case.is_final
    missing = [
        STEP_NEEDS[step] for step in STEP_NEEDS if step not in steps and _step_waits(case, step)
    ]
    return render(
        request,
        "avhopp/case_detail.html",
        {
            "case": case,
            "records": EXIT_CASE_RECORD_URLS,
            "show_person": person_access(
                user=user, person=case.person, session=request.session
            ).may_read,
            "target_groups": [row.get_group_display() for row in case.target_groups.all()],
            "due": measurement_due(case),
            "today": timezone.localdate(),
            "steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step not in ENDING_STEPS or step == "close"
            ],
            "ending_steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step in ENDING_STEPS and step != "close"
            ],
            "missing": missing,
            "conflict": conflict_panel,
            "intake_form": (intake or intake_form(case))
            if case.state == ExitCaseState.INTAKE_ASSESSMENT
            else None,
            "measurements": _measurement_rows(measurements),
            "occasions_open": occasions_open(case),
            "goals": goals,
            "interventions": [
                (
                    intervention,
                    InterventionStatusForm(
                        initial={
                            "status": intervention.status,
                            "starts_on": intervention.starts_on,
                            "ends_on": intervention.ends_on,
                        },
                        prefix=f"intervention-{intervention.pk}",
                    ),
                )
                for intervention in interventions
            ],
            "plan_open": plan_open,
            "goal_form": goal_form or GoalForm(prefix="goal"),
            "intervention_form": intervention_form
            or InterventionForm(case=case, prefix="intervention"),
            "timeline": timeline.entries,
            "timeline_page": timeline,
            "journal_form": journal_form or JournalForm(),
            **(
                documents_panel(request, case, EXIT_CASE_DOCUMENT_PAGES)
                if may_see_case_records(user)
                else {}
            ),
        },
        status=status,
    )


def _step_waits(case, step):
    """Whether the case stands where ``step`` would come next, but for what it needs."""
    return {
        "activate": ExitCaseState.INTAKE_ASSESSMENT,
        "complete": ExitCaseState.ACTIVE,
        "start_follow_up": ExitCaseState.COMPLETED,
    }[step] == case.state


def _conflict_message(case):
    if case.state_changed_by is None:
        return _("The case has changed since you opened it. Nothing was saved.")
    return _(
        "%(user)s moved the case to “%(state)s” at %(time)s while you were working. "
        "Nothing was saved; what you typed is still below."
    ) % {
        "user": case.state_changed_by,
        "state": case.get_state_display(),
        "time": timezone.localtime(case.state_changed_at).strftime("%Y-%m-%d %H:%M"),
    }


def step_conflict_page(request, case, step, form):
    """409: someone moved the case meanwhile. The user's answers are shown in
    words, and back in the step's form where it can still be taken."""
    answers = answers_in_words(form)
    if step in selectors.case_steps_offered(case, request.user):
        data = form.data.copy()
        data[form.add_prefix("expected_state")] = case.state
        form = step_form(case, step, data)
        form.is_valid()
    return exit_case_page(
        request,
        case,
        step_forms={step: form},
        conflict=(step, answers, _conflict_message(case)),
        status=409,
    )


def case_for_worker(request, pk):
    """The case, if this social worker may work it; refusals are logged, then 404."""
    return load_or_refuse(
        request,
        object_type=CASE_OBJECT,
        pk=pk,
        load=lambda: selectors.exit_case_get_for_user(user=request.user, pk=pk, to_work=True),
    )


EXIT_CASE_RECORD_URLS = CaseRecordUrls(
    detail="avhopp:case-detail",
    contact_create="avhopp:contact-create",
    journal_create="avhopp:journal-create",
    journal_edit="avhopp:journal-edit",
    journal_sign="avhopp:journal-sign",
)
EXIT_CASE_RECORD_PAGES = CaseRecordPages(
    load=case_for_worker, page=exit_case_page, urls=EXIT_CASE_RECORD_URLS
)


EXIT_CASE_DOCUMENT_PAGES = case_document_pages(
    load=case_for_worker,
    types=(
        DocumentType.AGREEMENT,
        DocumentType.ASSESSMENT,
        DocumentType.DECISION,
        DocumentType.LETTER,
        DocumentType.OTHER,
    ),
    urls=DocumentUrls.named("avhopp:case-detail"),
)
