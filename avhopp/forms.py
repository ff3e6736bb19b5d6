"""The exit case's forms: registration, intake, steps, plan, measurements."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from audit.models import Reason
from avhopp import instruments
from avhopp.access import assignable_workers
from avhopp.models import (
    FINAL_STATES,
    STEPS,
    CloseReason,
    DeclineReason,
    DropoutReason,
    ExitCaseState,
    InterventionKind,
    InterventionStatus,
    PauseReason,
)
from avhopp.scales import (
    TRACK_TARGET_GROUPS,
    Housing,
    Level,
    Occasion,
    Occupation,
    ReferralSource,
    RiskLevel,
    Track,
)
from casework.form_fields import (
    CHOOSE,
    DATE_WIDGET,
    DATETIME_FORMATS,
    DATETIME_WIDGET,
    not_in_future,
)
from casework.persons.identity_numbers import parse_identity_number


def _choices(choices):
    return [("", CHOOSE), *choices]


class ExitCaseRegistrationForm(forms.Form):
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
            "Needed unless the person is already one of yours; they are checked against "
            "the identity number."
        ),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    track = forms.ChoiceField(
        label=_("Track"), choices=Track.choices, widget=forms.RadioSelect, initial=Track.EXIT
    )
    referral_source = forms.ChoiceField(
        label=_("Who made the inquiry?"), choices=_choices(ReferralSource.choices)
    )
    inquiry_at = forms.DateTimeField(
        label=_("Inquiry received"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.filter(is_active=True),
        empty_label=CHOOSE,
        required=False,
        help_text=_("Where the person lives; the person's district if left empty."),
    )
    inquiry_note = forms.CharField(
        label=_("The inquiry"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("What the person or the referrer asks for, briefly. Stored encrypted."),
    )
    protected = forms.BooleanField(
        label=_("Protected case"),
        required=False,
        help_text=_(
            "Only you and your unit manager will see the case; the person is hidden from "
            "searches and look-ups of everyone else."
        ),
    )
    open_reason = forms.ChoiceField(
        label=_("Why do you need to open this file?"),
        required=False,
        choices=[("", _("Choose a reason …")), *Reason.stated_choices()],
    )

    def clean_identity_number(self):
        raw = self.cleaned_data["identity_number"].strip()
        parse_identity_number(raw)
        return raw

    def clean_inquiry_at(self):
        return not_in_future(
            self.cleaned_data["inquiry_at"], _("The inquiry cannot have arrived in the future.")
        )


class IntakeForm(forms.Form):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), widget=forms.CheckboxSelectMultiple
    )
    age_exception_justification = forms.CharField(
        label=_("Why the 18–25 group applies outside that age"),  # noqa: RUF001
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_(
            "Only by exception: earlier interventions, or a large impact on the local community."
        ),
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )
    threat_assessment = forms.CharField(
        label=_("Threat and risk assessment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, track, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].choices = [
            (group.value, group.label) for group in TRACK_TARGET_GROUPS[Track(track)]
        ]


STEP_TIME_LABELS = {
    "start_intake": _("Intake started at"),
    "activate": _("Taken in at"),
    "decline": _("Declined at"),
    "pause": _("Paused at"),
    "resume": _("Resumed at"),
    "complete": _("Completed at"),
    "start_follow_up": _("Follow-up started at"),
    "drop_out": _("Dropped out at"),
    "close": _("Closed at"),
}
REASON_FIELDS = {
    "decline_reason": (_("Reason for declining"), DeclineReason),
    "pause_reason": (_("Reason for pausing"), PauseReason),
    "dropout_reason": (_("Reason for dropping out"), DropoutReason),
    "close_reason": (_("Reason for closing"), CloseReason),
}


class StepForm(forms.Form):
    """One step of the case; the fields depend on the step."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("When"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )

    def __init__(self, *args, step, close_reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        for name in STEPS[step]:
            if name in REASON_FIELDS:
                label, choices = REASON_FIELDS[name]
                offered = [
                    (value, text)
                    for value, text in choices.choices
                    if name != "close_reason" or close_reasons is None or value in close_reasons
                ]
                self.fields[name] = forms.ChoiceField(label=label, choices=_choices(offered))
            else:
                self.fields[name] = forms.CharField(
                    label=_("Reason for the decision"),
                    max_length=2000,
                    widget=forms.Textarea({"rows": 2}),
                    help_text=_("Why the person is taken into the programme. Stored encrypted."),
                )
        self.fields["at"].label = STEP_TIME_LABELS.get(step, _("When"))

    def clean_at(self):
        return not_in_future(self.cleaned_data["at"], _("The time cannot be in the future."))

    def clean_expected_state(self):
        value = self.cleaned_data["expected_state"]
        if value not in ExitCaseState.values:
            raise ValidationError(_("Reload the page and try again."))
        return value

    def step_values(self):
        cleaned = self.cleaned_data
        return {
            "at": cleaned["at"],
            "expected_state": cleaned["expected_state"],
            **{name: cleaned.get(name) for name in STEPS[self.step]},
        }


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Goal"),
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("What the person wants to reach, in their words. Stored encrypted."),
    )


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Intervention"), choices=_choices(InterventionKind.choices))
    status = forms.ChoiceField(
        label=_("Status"), choices=InterventionStatus.choices, initial=InterventionStatus.PLANNED
    )
    responsible_user = forms.ModelChoiceField(
        label=_("Responsible worker"),
        queryset=None,
        required=False,
        empty_label="–",  # noqa: RUF001
    )
    responsible_organisation = forms.CharField(
        label=_("Or partner organisation"),
        max_length=200,
        required=False,
        help_text=_("For example the probation service. Stored encrypted."),
    )
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_user"].queryset = assignable_workers(case=case).order_by(
            "first_name", "last_name"
        )

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class InterventionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)
    starts_on = forms.DateField(label=_("Start"), required=False, widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("End"), required=False, widget=DATE_WIDGET)


class MeasurementForm(forms.Form):
    """Where the person stands, and the AUDIT and DUDIT answers (optional, but
    every item once begun)."""

    occasion = forms.ChoiceField(label=_("Occasion"))
    measured_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    occupation = forms.ChoiceField(label=_("Occupation"), choices=_choices(Occupation.choices))
    drug_use = forms.ChoiceField(label=_("Drug use"), choices=_choices(Level.choices))
    criminality = forms.ChoiceField(label=_("Criminality"), choices=_choices(Level.choices))
    housing = forms.ChoiceField(label=_("Housing"), choices=_choices(Housing.choices))
    network_contact = forms.ChoiceField(
        label=_("Contact with the criminal network"), choices=_choices(Level.choices)
    )

    INSTRUMENTS = (("audit", instruments.AUDIT), ("dudit", instruments.DUDIT))

    def __init__(self, *args, occasions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = [(o, Occasion(o).label) for o in occasions]
        for code, instrument in self.INSTRUMENTS:
            for item in instrument.items:
                self.fields[f"{code}_{item.number}"] = forms.TypedChoiceField(
                    label=f"{item.number}. {item.question}",
                    choices=[
                        ("", "–"),  # noqa: RUF001
                        *((str(i), label) for i, (label, _p) in enumerate(item.options)),
                    ],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def instrument_fields(self, code):
        return [self[name] for name in self.fields if name.startswith(f"{code}_")]

    def _answers_given(self, code):
        return any(
            self[name].value() not in (None, "") or self[name].errors
            for name in self.fields
            if name.startswith(f"{code}_")
        )

    def audit_answers_given(self):
        return self._answers_given("audit")

    def dudit_answers_given(self):
        return self._answers_given("dudit")

    def audit_fields(self):
        return self.instrument_fields("audit")

    def dudit_fields(self):
        return self.instrument_fields("dudit")

    def base_fields_shown(self):
        return [
            self[name]
            for name in (
                "occasion",
                "measured_on",
                "occupation",
                "drug_use",
                "criminality",
                "housing",
                "network_contact",
            )
        ]

    def clean_measured_on(self):
        value = self.cleaned_data["measured_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        for code, instrument in self.INSTRUMENTS:
            answers = [cleaned.get(f"{code}_{item.number}") for item in instrument.items]
            given = [answer for answer in answers if answer is not None]
            if given and len(given) != len(answers):
                for item, answer in zip(instrument.items, answers, strict=True):
                    if answer is None:
                        self.add_error(
                            f"{code}_{item.number}",
                            _("Answer every question, or none of %(instrument)s.")
                            % {"instrument": instrument.name},
                        )
                cleaned[f"{code}_answers"] = None
            else:
                cleaned[f"{code}_answers"] = answers if given else None
        return cleaned

    def measurement_values(self):
        cleaned = self.cleaned_data
        return {
            name: cleaned[name]
            for name in (
                "occasion",
                "measured_on",
                "occupation",
                "drug_use",
                "criminality",
                "housing",
                "network_contact",
                "audit_answers",
                "dudit_answers",
            )
        }


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=None,
        empty_label=_("Choose a social worker …"),
        error_messages={
            "required": _("Choose a social worker to assign the case to."),
            "invalid_choice": _("Choose a social worker in the case's unit."),
        },
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignable_workers(case=case).order_by(
            "first_name", "last_name"
        )


class UnitFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *ExitCaseState.choices]
    )
    track = forms.ChoiceField(
        label=_("Track"), required=False, choices=[("", _("Both tracks")), *Track.choices]
    )


class WorkerFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All that have not ended")),
            *(
                (value, label)
                for value, label in ExitCaseState.choices
                if value not in FINAL_STATES
            ),
        ],
    )


class SummaryOptionsForm(forms.Form):
    """The programme's own choices on its summary page, beside the period and area."""

    track = forms.ChoiceField(
        label=_("Track"), choices=Track.choices, required=False, initial=Track.EXIT
    )
    occasion = forms.ChoiceField(
        label=_("Outcomes measured"),
        required=False,
        choices=[
            (Occasion.CLOSURE, _("At closure")),
            (Occasion.FOLLOW_UP_6, _("Follow-up after 6 months")),
            (Occasion.FOLLOW_UP_12, _("Follow-up after 12 months")),
        ],
        initial=Occasion.CLOSURE,
    )

    def choice(self, name):
        value = self.cleaned_data.get(name) if self.is_valid() else ""
        return value or self.fields[name].initial
