"""An SSPF member's referrals: the list, raising a concern, the referral's
page with its steps, and its consents."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.access import roles_required
from accounts.roles import Role
from casework.denials import load_or_refuse
from casework.fsm import steps_offered
from casework.web import query_without_page, refusals_on
from sspf import selectors, services
from sspf.documents import referral_documents_panel
from sspf.forms import (
    ActionForm,
    ConsentForm,
    MeetingForm,
    MinutesForm,
    ReferralForm,
    ReferralStepForm,
    ReportOfConcernForm,
    WithdrawConsentForm,
)

STEP_BUTTONS = {
    "ask_consent": gettext_lazy("Ask the guardians for consent"),
    "review": gettext_lazy("Take it up in the group"),
    "review_deidentified": gettext_lazy("Take it up in the group without the youth's identity"),
    "agree_action": gettext_lazy("Actions are agreed"),
    "follow_up": gettext_lazy("Start the follow-up"),
    "close": gettext_lazy("Close the referral"),
}
STEP_DONE = gettext_lazy("The referral is updated.")
# An export is of a working list, not a bulk copy of the register.
EXPORT_LIMIT = 1000


def _referral_for_member(request, pk):
    """The referral, if the user is a member of its group; refusals are logged, then 404."""
    return load_or_refuse(
        request,
        object_type=services.REFERRAL_OBJECT,
        pk=pk,
        load=lambda: selectors.referral_get_for_user(user=request.user, pk=pk),
    )


@roles_required(Role.SSPF_MEMBER)
@require_GET
def referral_list(request):
    referrals = selectors.referrals_open_for_user(user=request.user)
    page = Paginator(referrals, settings.REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = selectors.referrals_shown(referrals=page, user=request.user)
    services.referrals_record_view(shown=shown, by=request.user, request=request)
    return render(
        request,
        "sspf/referral_list.html",
        {"page": page, "shown": shown, "query": query_without_page(request)},
    )


@roles_required(Role.SSPF_MEMBER)
@require_http_methods(["GET", "POST"])
def referral_create(request):
    groups = selectors.groups_for_user(user=request.user)
    form = ReferralForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            referral = services.referral_raise(
                by=request.user, request=request, **form.referral_values()
            )
        if not refused:
            messages.success(
                request,
                _("The concern is raised as %(label)s.") % {"label": referral.label},
            )
            return redirect("sspf:referral-detail", pk=referral.pk)
    return render(request, "sspf/referral_form.html", {"form": form, "groups": groups})


def _page(request, referral, *, step_forms=None, conflict=None, report_form=None, status=200):
    shown = selectors.referral_shown(referral=referral, user=request.user)
    services.referrals_record_view(shown=[shown], by=request.user, request=request, detail="page")
    steps = steps_offered(referral, request.user, order=services.REFERRAL_STEPS)
    forms_by_step = {
        step: ReferralStepForm(step=step, initial={"expected_state": referral.state}, prefix=step)
        for step in steps
    }
    forms_by_step.update({k: v for k, v in (step_forms or {}).items() if k in steps})
    return render(
        request,
        "sspf/referral_detail.html",
        {
            "referral": shown,
            "steps": [(step, forms_by_step[step], STEP_BUTTONS[step]) for step in steps],
            "consents": selectors.referral_consents(referral) if shown.about_youth else [],
            "may_record_consent": shown.about_youth and shown.is_open,
            "withdraw_form": WithdrawConsentForm(initial={"on": timezone.localdate()}),
            "may_report": shown.about_youth
            and shown.is_open
            and request.user.has_perm("sspf.raise_referral"),
            "report_form": report_form or ReportOfConcernForm(),
            "feedback": services.referral_feedback(referral),
            "conflict": conflict,
            **referral_documents_panel(request, referral, shown),
        },
        status=status,
    )


@roles_required(Role.SSPF_MEMBER)
@require_GET
def referral_detail(request, pk):
    return _page(request, _referral_for_member(request, pk))


def _conflict_message(referral):
    if referral.state_changed_by is None:
        return _("The referral has changed since you opened it. Nothing was saved.")
    return _(
        "%(user)s moved the referral to “%(state)s” at %(time)s while you were working. "
        "Nothing was saved."
    ) % {
        "user": referral.state_changed_by,
        "state": referral.get_state_display(),
        "time": timezone.localtime(referral.state_changed_at).strftime("%Y-%m-%d %H:%M"),
    }


@roles_required(Role.SSPF_MEMBER)
@require_POST
def referral_step(request, pk, step):
    referral = _referral_for_member(request, pk)
    if step not in services.REFERRAL_STEPS:
        raise Http404
    form = ReferralStepForm(request.POST, step=step, prefix=step)
    if form.is_valid():
        try:
            with refusals_on(form) as refused:
                services.referral_take_step(
                    referral=referral,
                    step=step,
                    by=request.user,
                    request=request,
                    **form.step_values(),
                )
        except (TransitionNotAllowed, ConcurrentTransition):
            referral = selectors.referral_get_for_user(user=request.user, pk=pk)
            return _page(request, referral, conflict=_conflict_message(referral), status=409)
        if not refused:
            messages.success(request, STEP_DONE)
            return redirect("sspf:referral-detail", pk=referral.pk)
    if step not in steps_offered(referral, request.user, order=services.REFERRAL_STEPS):
        return _page(request, referral, conflict=_conflict_message(referral), status=409)
    return _page(request, referral, step_forms={step: form}, status=400)


@roles_required(Role.SSPF_MEMBER)
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    referral = _referral_for_member(request, pk)
    shown = selectors.referral_shown(referral=referral, user=request.user)
    if not (shown.about_youth and shown.is_open):
        return redirect("sspf:referral-detail", pk=referral.pk)
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            services.consent_record(
                referral=referral, by=request.user, request=request, **form.consent_values()
            )
        if not refused:
            messages.success(request, _("The answer is recorded."))
            return redirect("sspf:referral-detail", pk=referral.pk)
    return render(request, "sspf/consent_form.html", {"form": form, "referral": shown})


@roles_required(Role.SSPF_MEMBER)
@require_POST
def consent_withdraw(request, pk, consent_pk):
    referral = _referral_for_member(request, pk)
    consent = get_object_or_404(referral.consents, pk=consent_pk)
    form = WithdrawConsentForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as refused:
            services.consent_withdraw(
                consent=consent, by=request.user, request=request, on=form.cleaned_data["on"]
            )
        if not refused:
            messages.success(
                request, _("The consent is withdrawn. The group no longer sees who the youth is.")
            )
            return redirect("sspf:referral-detail", pk=referral.pk)
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("sspf:referral-detail", pk=referral.pk)


@roles_required(Role.SSPF_MEMBER)
@require_POST
def referral_report(request, pk):
    """The report of concern to social services; asks for a confirmation first."""
    referral = _referral_for_member(request, pk)
    form = ReportOfConcernForm(request.POST)
    if not form.is_valid():
        return _page(request, referral, report_form=form, status=400)
    try:
        with refusals_on(form) as refused:
            services.referral_report(referral=referral, by=request.user, request=request)
    except (TransitionNotAllowed, ConcurrentTransition):
        referral = selectors.referral_get_for_user(user=request.user, pk=pk)
        return _page(request, referral, conflict=_conflict_message(referral), status=409)
    if refused:
        return _page(request, referral, report_form=form, status=400)
    messages.success(
        request,
        _(
            "The report of concern is sent to social services. The group is told whether "
            "an investigation is opened, and nothing more."
        ),
    )
    return redirect("sspf:referral-detail", pk=referral.pk)


# --- Groups and meetings ----------------------------------------------------------------------


def _meeting_for_member(request, pk):
    return load_or_refuse(
        request,
        object_type=services.MEETING_OBJECT,
        pk=pk,
        load=lambda: selectors.meeting_get_for_user(user=request.user, pk=pk),
    )


@roles_required(Role.SSPF_MEMBER)
@require_GET
def group_detail(request, pk):
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    return _group_page(request, group)


def _group_page(request, group, *, form=None, status=200):
    coming, past = selectors.meetings_of_group(group)
    actions = list(selectors.open_actions(group=group)[:50])
    shown = {
        item.pk: item
        for item in selectors.referrals_shown(
            referrals=[action.referral for action in actions], user=request.user
        )
    }
    services.referrals_record_view(shown=list(shown.values()), by=request.user, request=request)
    today = timezone.localdate()
    return render(
        request,
        "sspf/group_detail.html",
        {
            "group": group,
            "coming": coming,
            "past": past,
            "actions": [
                (action, shown[action.referral_id], action.due_on < today) for action in actions
            ],
            "form": form or MeetingForm(),
        },
        status=status,
    )


@roles_required(Role.SSPF_MEMBER)
@require_POST
def meeting_create(request, pk):
    group = selectors.group_get_for_user(user=request.user, pk=pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as refused:
            meeting = services.meeting_schedule(
                by=request.user, request=request, group=group, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The meeting is scheduled, with its agenda."))
            return redirect("sspf:meeting-detail", pk=meeting.pk)
    return _group_page(request, group, form=form, status=400)


def _meeting_page(request, meeting, *, bound=None, status=200):
    """The meeting's agenda and minutes; ``bound``: (item pk, form) sent back with errors."""
    items = list(selectors.agenda_items(meeting))
    shown = selectors.referrals_shown(
        referrals=[item.referral for item in items], user=request.user
    )
    services.referrals_record_view(shown=shown, by=request.user, request=request)
    members = selectors.group_members(meeting.group)
    rows = []
    for item, item_shown in zip(items, shown, strict=True):
        minutes = MinutesForm(initial={"discussion": item.discussion}, prefix=f"m-{item.pk}")
        action = ActionForm(members=members, prefix=f"a-{item.pk}")
        if bound and bound[0] == item.pk:
            if isinstance(bound[1], MinutesForm):
                minutes = bound[1]
            else:
                action = bound[1]
        rows.append((item, item_shown, minutes, action))
    return render(
        request,
        "sspf/meeting_detail.html",
        {"meeting": meeting, "rows": rows, "today": timezone.localdate()},
        status=status,
    )


@roles_required(Role.SSPF_MEMBER)
@require_GET
def meeting_detail(request, pk):
    return _meeting_page(request, _meeting_for_member(request, pk))


@roles_required(Role.SSPF_MEMBER)
@require_GET
def meeting_print(request, pk):
    """Agenda and minutes to print: a youth is named only where a consent holds
    for every organisation present in the group."""
    meeting = _meeting_for_member(request, pk)
    items = list(selectors.agenda_items(meeting))
    shown = [selectors.referral_shown_to_the_group(referral=item.referral) for item in items]
    services.referrals_record_view(shown=shown, by=request.user, request=request, detail="page")
    return render(
        request,
        "sspf/meeting_print.html",
        {"meeting": meeting, "rows": list(zip(items, shown, strict=True))},
    )


def _item_for_member(request, pk, item_pk):
    meeting = _meeting_for_member(request, pk)
    return get_object_or_404(
        meeting.items.select_related("referral", "meeting__group"), pk=item_pk
    )


@roles_required(Role.SSPF_MEMBER)
@require_POST
def agenda_item_move(request, pk, item_pk):
    item = _item_for_member(request, pk, item_pk)
    services.agenda_item_move(item=item, by=request.user, request=request, up="up" in request.POST)
    return redirect(reverse("sspf:meeting-detail", kwargs={"pk": pk}) + f"#item-{item.pk}")


@roles_required(Role.SSPF_MEMBER)
@require_POST
def agenda_item_minute(request, pk, item_pk):
    item = _item_for_member(request, pk, item_pk)
    form = MinutesForm(request.POST, prefix=f"m-{item.pk}")
    if form.is_valid():
        with refusals_on(form) as refused:
            services.agenda_item_minute(
                item=item, by=request.user, request=request, **form.cleaned_data
            )
        if not refused:
            messages.success(request, _("The minutes are saved."))
            return redirect(reverse("sspf:meeting-detail", kwargs={"pk": pk}) + f"#item-{item.pk}")
    return _meeting_page(request, item.meeting, bound=(item.pk, form), status=400)


@roles_required(Role.SSPF_MEMBER)
@require_POST
def action_create(request, pk, item_pk):
    item = _item_for_member(request, pk, item_pk)
    form = ActionForm(
        request.POST, members=selectors.group_members(item.meeting.group), prefix=f"a-{item.pk}"
    )
    if form.is_valid():
        with refusals_on(form) as refused:
            services.action_agree(item=item, by=request.user, request=request, **form.cleaned_data)
        if not refused:
            messages.success(request, _("The action is agreed."))
            return redirect(reverse("sspf:meeting-detail", kwargs={"pk": pk}) + f"#item-{item.pk}")
    return _meeting_page(request, item.meeting, bound=(item.pk, form), status=400)


@roles_required(Role.SSPF_MEMBER)
@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        selectors.open_actions().filter(
            referral__group__in=selectors.groups_for_user(user=request.user)
        ),
        pk=pk,
    )
    services.action_done(action=action, by=request.user, request=request)
    messages.success(request, _("The action is marked done."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("accounts:start")
    return redirect(target)


@roles_required(Role.SSPF_MEMBER)
@require_GET
def referral_export(request):
    """The open referrals of my groups as CSV (semicolons, as Swedish Excel
    reads them): a youth named only where a consent covers my organisation,
    as on the pages; every naming logged."""
    referrals = list(selectors.referrals_open_for_user(user=request.user)[:EXPORT_LIMIT])
    shown = selectors.referrals_shown(referrals=referrals, user=request.user)
    services.referrals_record_view(shown=shown, by=request.user, request=request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Referral"), _("Youth"), _("Group"), _("Concern"), _("State"), _("Raised")])
    for item in shown:
        writer.writerow(
            [
                item.label,
                item.youth_name
                if item.identified
                else (item.place if not item.about_youth else ""),
                str(item.group),
                item.category_display,
                item.state_display,
                timezone.localtime(item.raised_at).strftime("%Y-%m-%d"),
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"sspf-{timezone.localdate():%Y-%m-%d}.csv"
    )
    return response
