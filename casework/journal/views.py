"""Contacts and journal notes on any programme's case: log, write, edit or
correct, sign. Each programme gets the same views from ``case_record_views``,
told how to load its case and draw its page (``CaseRecordPages``)."""

from types import SimpleNamespace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.integrity import integrity_page
from casework.denials import erased_aware
from casework.journal import selectors, services
from casework.journal.forms import ContactForm, JournalForm
from casework.web import casework_verified, refusals_on
from vault.integrity import unverifiable_fields

SAVED_AS_DRAFT = gettext_lazy("The note is saved as a draft. Sign it when it is final.")


def case_record_views(pages):
    """The contact and journal views of one programme's cases."""

    def context(case, **extra):
        return {
            "case": case,
            "case_kind": case._meta.verbose_name,
            "records": pages.urls,
            **extra,
        }

    def back(case):
        return redirect(pages.urls.detail, pk=case.pk)

    @casework_verified
    @require_http_methods(["GET", "POST"])
    @erased_aware
    def contact_create(request, pk):
        case = pages.load(request, pk)
        form = ContactForm(
            request.POST or None,
            initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            with refusals_on(form) as refused:
                services.contact_record_with_note(
                    case=case,
                    by=request.user,
                    request=request,
                    occurred_at=data["occurred_at"],
                    kind=data["kind"],
                    participants=data["participants"],
                    note=data["note"],
                )
            if not refused:
                messages.success(request, _("The contact is logged."))
                return back(case)
        return render(request, "casework/contact_form.html", context(case, form=form))

    @casework_verified
    @require_POST
    @erased_aware
    def journal_create(request, pk):
        case = pages.load(request, pk)
        form = JournalForm(request.POST)
        if form.is_valid():
            services.journal_entry_write(
                case=case, by=request.user, request=request, text=form.cleaned_data["text"]
            )
            messages.success(request, SAVED_AS_DRAFT)
            return back(case)
        return pages.page(request, case, journal_form=form, status=400)

    @casework_verified
    @require_http_methods(["GET", "POST"])
    @erased_aware
    def journal_edit(request, pk, entry_pk):
        case = pages.load(request, pk)
        entry = selectors.journal_entry_get(case=case, pk=entry_pk)
        if request.method == "GET":
            services.journal_entry_record_view(entry=entry, by=request.user, request=request)
        correcting = entry.is_signed
        if not correcting and unverifiable_fields(entry):
            # Its placeholder must not come back as the new text.
            return integrity_page(request)
        form = JournalForm(
            request.POST or None, initial={} if correcting else {"text": entry.text}
        )
        if request.method == "POST" and form.is_valid():
            with refusals_on(form) as refused:
                services.journal_entry_revise(
                    case=case,
                    entry=entry,
                    by=request.user,
                    request=request,
                    text=form.cleaned_data["text"],
                )
            if not refused:
                messages.success(request, SAVED_AS_DRAFT)
                return back(case)
        return render(
            request,
            "casework/journal_form.html",
            context(case, form=form, entry=entry, correcting=correcting),
        )

    @casework_verified
    @require_http_methods(["GET", "POST"])
    @erased_aware
    def journal_sign(request, pk, entry_pk):
        """GET asks to confirm (signing cannot be undone); POST signs."""
        case = pages.load(request, pk)
        entry = selectors.journal_entry_get(case=case, pk=entry_pk)
        if request.method == "GET":
            if entry.is_signed or entry.created_by_id != request.user.pk:
                return back(case)
            services.journal_entry_record_view(entry=entry, by=request.user, request=request)
            return render(request, "casework/journal_sign.html", context(case, entry=entry))
        try:
            services.journal_entry_sign(entry=entry, by=request.user, request=request)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("The note was already signed."))
        else:
            messages.success(request, _("The note is signed. It can no longer be changed."))
        return back(case)

    return SimpleNamespace(
        contact_create=contact_create,
        journal_create=journal_create,
        journal_edit=journal_edit,
        journal_sign=journal_sign,
    )
