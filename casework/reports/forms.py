from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from audit.models import Reason
from casework.dates import age_in_years
from casework.form_fields import (
    CHOOSE,
    DATE_WIDGET,
    DATETIME_FORMATS,
    DATETIME_WIDGET,
    not_in_future,
)
from casework.journal.models import ContactKind
from casework.persons.identity_numbers import parse_identity_number
from casework.reports.access import assignable_workers
from casework.reports.models import (
    EARLY_CLOSE_REASONS,
    LATER_CLOSE_REASONS,
    STEPS,
    AssessmentDecision,
    CloseReason,
    OffenceCategory,
    ReportState,
)


class ReportRegistrationForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Personal identity number"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN. The person is found, or registered if new."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_names = forms.CharField(
        label=_("Given names"),
        max_length=200,
        required=False,
        help_text=_(
            "As in the police report. Needed unless the child is already one of yours; "
            "they are checked against the identity number."
        ),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    police_reference = forms.CharField(
        label=_("Police reference"),
        max_length=50,
        help_text=_("The diary number of the police report, e.g. 5000-K123456-26."),
    )
    offence_category = forms.ChoiceField(
        label=_("Offence"), choices=[("", CHOOSE), *OffenceCategory.choices]
    )
    offence_date = forms.DateField(label=_("Offence date"), widget=DATE_WIDGET)
    received_at = forms.DateTimeField(
        label=_("Report received by social services"),
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_WIDGET,
        help_text=_("Starts the clock for the deadlines."),
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.filter(is_active=True), empty_label=CHOOSE
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("What the report says, briefly. Stored encrypted."),
    )
    link_to_open_report = forms.BooleanField(
        label=_("Register anyway, linked to the open report"), required=False
    )
    open_reason = forms.ChoiceField(
        label=_("Why do you need to open this file?"),
        required=False,
        choices=[("", _("Choose a reason …")), *Reason.stated_choices()],
    )

    def clean_identity_number(self):
        raw = self.cleaned_data["identity_number"].strip()
        self.parsed_number = parse_identity_number(raw)
        return raw

    def clean_offence_date(self):
        value = self.cleaned_data["offence_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The offence date cannot be in the future."))
        return value

    def clean_received_at(self):
        return not_in_future(
            self.cleaned_data["received_at"], _("The report cannot have arrived in the future.")
        )

    def clean(self):
        cleaned = super().clean()
        offence_date = cleaned.get("offence_date")
        received_at = cleaned.get("received_at")
        number = getattr(self, "parsed_number", None)
        if offence_date and received_at and timezone.localtime(received_at).date() < offence_date:
            self.add_error("received_at", _("The report cannot have arrived before the offence."))
        if number and offence_date:
            age = age_in_years(number.birth_date, offence_date)
            if age >= 15:
                self.add_error(
                    "identity_number",
                    _(
                        "The person was %(age)s at the offence. This workflow is for children "
                        "under 15; register the matter as an ordinary report of concern."
                    )
                    % {"age": age},
                )
        return cleaned


class ReportStepForm(forms.Form):
    """One step of the report; the fields depend on the step."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("When"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )

    def __init__(self, *args, step, close_reasons=None, people_met=(), contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step == "record_first_contact":
            self._add_first_contact_fields(people_met, contacts)
        elif step == "assess_protection":
            self.fields["protection_needed"] = forms.TypedChoiceField(
                label=_("Is there an immediate need of protection?"),
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
            )
        elif step == "record_assessment":
            self.fields["decision"] = forms.ChoiceField(
                label=_("Decision"), choices=AssessmentDecision.choices, widget=forms.RadioSelect
            )
        elif step in ("close_on_receipt", "close"):
            allowed = close_reasons or (
                EARLY_CLOSE_REASONS if step == "close_on_receipt" else LATER_CLOSE_REASONS
            )
            self.fields["close_reason"] = forms.ChoiceField(
                label=_("Reason for closing"),
                choices=[("", CHOOSE), *((r.value, r.label) for r in CloseReason if r in allowed)],
            )
            self.fields["confirm_close"] = forms.BooleanField(
                label=_("I have checked the report: a closed report cannot be opened again."),
                error_messages={
                    "required": _("Tick the box to confirm that the report is to be closed.")
                },
            )
        self.fields["at"].label = STEP_TIME_LABELS.get(step, _("When"))

    def _add_first_contact_fields(self, people_met, contacts):
        """The first contact is a meeting (orossamtal) with the child and guardians:
        who was met and how, as a contact entry; or a contact already logged."""
        self.people_met = dict(people_met)
        if contacts:
            self.fields["contact"] = forms.ChoiceField(
                label=_("Already logged the contact?"),
                required=False,
                choices=[
                    ("", _("No, record it here")),
                    *(
                        (
                            str(contact.pk),
                            f"{timezone.localtime(contact.occurred_at):%Y-%m-%d %H:%M} · "
                            f"{contact.get_kind_display()}",
                        )
                        for contact in contacts
                    ),
                ],
                help_text=_("Choose it and its time and participants are used."),
            )
        self.fields["contact_kind"] = forms.ChoiceField(
            label=_("How did you meet?"),
            required=False,
            choices=[("", CHOOSE), *ContactKind.choices],
        )
        self.fields["met"] = forms.MultipleChoiceField(
            label=_("Whom did you meet?"),
            required=False,
            choices=list(people_met),
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["others"] = forms.CharField(
            label=_("Others who took part"),
            required=False,
            max_length=500,
            help_text=_("For example an interpreter or the school counsellor."),
        )

    def clean(self):
        cleaned = super().clean()
        if self.step != "record_first_contact" or cleaned.get("contact"):
            return cleaned
        if not cleaned.get("contact_kind"):
            self.add_error("contact_kind", _("Choose how you met."))
        met = [str(self.people_met[value]) for value in cleaned.get("met", [])]
        others = cleaned.get("others", "").strip()
        if not met and not others:
            self.add_error("met", _("Tick whom you met, or name the others who took part."))
        cleaned["participants"] = ", ".join([*met, *([others] if others else [])])
        return cleaned

    def clean_at(self):
        return not_in_future(self.cleaned_data["at"], _("The time cannot be in the future."))

    def clean_expected_state(self):
        value = self.cleaned_data["expected_state"]
        if value not in ReportState.values:
            raise ValidationError(_("Reload the page and try again."))
        return value

    def step_values(self):
        """What ``report_take_step`` takes from the valid form's answers."""
        cleaned = self.cleaned_data
        values = {
            "at": cleaned["at"],
            "expected_state": cleaned["expected_state"],
            **{name: cleaned.get(name) for name in STEPS[self.step]},
        }
        if self.step == "record_first_contact":
            values.update(
                contact=cleaned.get("contact") or None,
                contact_kind=cleaned.get("contact_kind", ""),
                participants=cleaned.get("participants", ""),
            )
        return values


STEP_TIME_LABELS = {
    "assess_protection": _("Assessed at"),
    "record_first_contact": _("First contact at"),
    "record_assessment": _("Decided at"),
    "start_investigation": _("Investigation started at"),
    "close_on_receipt": _("Closed at"),
    "close": _("Closed at"),
}


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=None,
        empty_label=_("Choose a social worker …"),
        error_messages={
            "required": _("Choose a social worker to assign the report to."),
            "invalid_choice": _(
                "Choose a social worker in the report's unit. A report about a person with "
                "protected identity can only go to a worker who already works with the person."
            ),
        },
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignable_workers(report=report).order_by(
            "first_name", "last_name"
        )


class ReportFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All open"))]
        + [(s.value, s.label) for s in ReportState if s != ReportState.CLOSED],
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.filter(is_active=True),
        empty_label=_("All districts"),
    )


def report_filters(data):
    """The worker's list filters from a query string: (the form, state, district)."""
    form = ReportFilterForm(data or None)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["state"] or None, form.cleaned_data["district"]
