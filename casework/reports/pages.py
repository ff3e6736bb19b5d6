"""The report's page, drawn for its own views and for the journal's (a note
refused on the page comes back on it): not a view module, so both can use it."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.denials import load_or_refuse
from casework.documents.case_pages import case_document_pages
from casework.documents.models import DocumentType
from casework.documents.pages import DocumentUrls
from casework.documents.panels import documents_panel
from casework.journal.access import may_see_case_records
from casework.journal.forms import JournalForm
from casework.journal.pages import CaseRecordPages, CaseRecordUrls
from casework.reports import selectors
from casework.reports.access import report_shows_person
from casework.reports.deadlines import report_deadline
from casework.reports.forms import ReportStepForm
from casework.reports.services import REPORT_OBJECT
from casework.reports.timeline import report_timeline_page

# What each step's button says: the action it takes.
STEP_BUTTONS = {
    "assess_protection": gettext_lazy("Save the protection assessment"),
    "record_first_contact": gettext_lazy("Save the first contact"),
    "record_assessment": gettext_lazy("Save the decision"),
    "start_investigation": gettext_lazy("Start the investigation"),
    "close_on_receipt": gettext_lazy("Close the report"),
    "close": gettext_lazy("Close the report"),
}
# Said after the step, as a sentence.
STEP_DONE = {
    "assess_protection": gettext_lazy("The protection assessment is saved."),
    "record_first_contact": gettext_lazy("The first contact is saved."),
    "record_assessment": gettext_lazy("The initial assessment is saved."),
    "start_investigation": gettext_lazy("The investigation is started."),
    "close_on_receipt": gettext_lazy("The report is closed."),
    "close": gettext_lazy("The report is closed."),
}
CLOSING_STEPS = ("close_on_receipt", "close")

STEP_TITLES = {
    "assess_protection": gettext_lazy("Record the protection assessment"),
    "record_first_contact": gettext_lazy("Record the first contact"),
    "record_assessment": gettext_lazy("Record the initial assessment"),
    "start_investigation": gettext_lazy("Start the investigation"),
    "close_on_receipt": gettext_lazy("Close without assessment"),
    "close": gettext_lazy("Close the report"),
}

FIRST_CONTACT_SHOWN = 20


def _people_met(report, *, show_person):
    """Whom a first contact can be with: the child and the guardians on file,
    by name where the user may read the person's file."""
    person = report.person
    people = [("child", _("The child"))]
    if show_person:
        people = [("child", _("%(name)s (the child)") % {"name": person.full_name})]
        for number, guardian in enumerate(person.guardians or []):
            name = guardian.get("name", "")
            relation = guardian.get("relation", "")
            people.append((f"guardian-{number}", f"{name} ({relation})" if relation else name))
    else:
        people.append(("guardians", _("Guardians")))
    return people


def step_form(request, report, step, data=None):
    extra = {}
    if step == "record_first_contact":
        extra = {
            "people_met": _people_met(
                report,
                show_person=report_shows_person(
                    user=request.user, report=report, session=request.session
                ),
            ),
            "contacts": selectors.report_contacts_newest(report, limit=FIRST_CONTACT_SHOWN)
            if may_see_case_records(request.user)
            else [],
        }
    return ReportStepForm(
        data,
        step=step,
        close_reasons=report.close_reasons_allowed(),
        initial={"expected_state": report.state, "at": timezone.localtime().replace(second=0)},
        prefix=step,
        **extra,
    )


def report_page(request, report, *, step_forms=None, journal_form=None, conflict=None, status=200):
    """The report's page. ``conflict``: (step, answers in words, message) of a step
    someone else's change stopped; its form is back in place if the step can
    still be taken."""
    user = request.user
    steps = selectors.report_steps_offered(report, user)
    forms_by_step = {step: step_form(request, report, step) for step in steps}
    forms_by_step.update(
        {step: form for step, form in (step_forms or {}).items() if step in steps}
    )
    conflict_panel = None
    if conflict is not None:
        step, answers, message = conflict
        conflict_panel = {
            "step": step,
            "title": STEP_TITLES[step],
            "message": message,
            "answers": answers,
            "form": (step_forms or {}).get(step),
            "resendable": step in steps,
        }
    # Newest first, a page at a time: a long case costs no more than a short one.
    timeline = report_timeline_page(
        report,
        with_records=may_see_case_records(user),
        page=request.GET.get("timeline"),
        note=request.GET.get("note"),
    )
    return render(
        request,
        "casework/report_detail.html",
        {
            "report": report,
            "case": report,
            "records": REPORT_RECORD_URLS,
            "deadline": report_deadline(report),
            "steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step not in CLOSING_STEPS
            ],
            "closing_steps": [
                (step, STEP_TITLES[step], forms_by_step[step], STEP_BUTTONS[step])
                for step in steps
                if step in CLOSING_STEPS
            ],
            "unsigned_drafts": selectors.unsigned_drafts(report)
            if any(step in CLOSING_STEPS for step in steps)
            else ([], False),
            "conflict": conflict_panel,
            # The report names its person only where the person policy lets
            # the user read the person's file.
            "show_person": report_shows_person(user=user, report=report, session=request.session),
            "timeline": timeline.entries,
            "timeline_page": timeline,
            "journal_form": journal_form or JournalForm(),
            "linked_reports": selectors.reports_for_user(user=user).filter(linked_report=report),
            **(
                documents_panel(request, report, REPORT_DOCUMENT_PAGES)
                if may_see_case_records(user)
                else {}
            ),
        },
        status=status,
    )


def _conflict_message(report):
    if report.state_changed_by is None:
        return _("The report has changed since you opened it. Nothing was saved.")
    return _(
        "%(user)s moved the report to “%(state)s” at %(time)s while you were working. "
        "Nothing was saved; what you typed is still below."
    ) % {
        "user": report.state_changed_by,
        "state": report.get_state_display(),
        "time": timezone.localtime(report.state_changed_at).strftime("%Y-%m-%d %H:%M"),
    }


def step_conflict_page(request, report, step, form):
    """409: someone moved the report meanwhile. The user's answers are shown in
    words; where the step can still be taken, they are back in its form,
    against the report as it is now, to be sent again after a look."""
    answers = answers_in_words(form)
    if step in selectors.report_steps_offered(report, request.user):
        data = form.data.copy()
        data[form.add_prefix("expected_state")] = report.state
        form = step_form(request, report, step, data)
        form.is_valid()
    return report_page(
        request,
        report,
        step_forms={step: form},
        conflict=(step, answers, _conflict_message(report)),
        status=409,
    )


def answers_in_words(form):
    """(label, answer) for each visible field as the user filled it in: choices
    by their label, yes/no in words, times in the local format; never raw codes."""
    answers = []
    for field in form.visible_fields():
        value = field.value()
        choices = dict(getattr(field.field, "choices", ()) or ())
        if isinstance(field.field, forms.BooleanField):
            text = _("Yes") if field.field.to_python(value) else _("No")
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(choices.get(item, item)) for item in value)
        elif choices:
            text = str(choices.get(value, "")) if value not in (None, "") else ""
        elif isinstance(field.field, forms.DateTimeField):
            text = _local_time_text(field.field, value)
        else:
            text = str(value or "")
        answers.append((field.label, text or "\u2013"))
    return answers


def _local_time_text(field, value):
    try:
        moment = field.clean(value)
    except forms.ValidationError:
        return str(value or "")
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def report_for_worker(request, pk):
    """The report, if this social worker may work it; refusals are logged, then 404.

    An erased report the worker would otherwise reach raises ReportErased,
    which ``erased_aware`` answers with a page that says so.
    """
    return load_or_refuse(
        request,
        object_type=REPORT_OBJECT,
        pk=pk,
        load=lambda: selectors.report_get_for_user(user=request.user, pk=pk, to_work=True),
    )


REPORT_RECORD_URLS = CaseRecordUrls(
    detail="casework:report-detail",
    contact_create="casework:contact-create",
    journal_create="casework:journal-create",
    journal_edit="casework:journal-edit",
    journal_sign="casework:journal-sign",
)
REPORT_RECORD_PAGES = CaseRecordPages(
    load=report_for_worker, page=report_page, urls=REPORT_RECORD_URLS
)


REPORT_DOCUMENT_PAGES = case_document_pages(
    load=report_for_worker,
    types=(
        DocumentType.POLICE_NOTIFICATION,
        DocumentType.ASSESSMENT,
        DocumentType.DECISION,
        DocumentType.LETTER,
        DocumentType.OTHER,
    ),
    urls=DocumentUrls.named("casework:report-detail", "report-"),
)
