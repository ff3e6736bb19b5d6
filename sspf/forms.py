from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.form_fields import CHOOSE, DATE_WIDGET, DATETIME_FORMATS, DATETIME_WIDGET
from casework.persons.identity_numbers import parse_identity_number
from sspf.models import ConcernCategory, ConsentMethod, Organisation, ReferralCloseReason


class ReferralForm(forms.Form):
    group = forms.ModelChoiceField(label=_("SSPF group"), queryset=None, empty_label=CHOOSE)
    about = forms.ChoiceField(
        label=_("The concern is about"),
        choices=[("youth", _("A youth")), ("place", _("A place or a group of youths"))],
        widget=forms.RadioSelect,
        initial="youth",
    )
    identity_number = forms.CharField(
        label=_("The youth's personal identity number"),
        max_length=20,
        required=False,
        help_text=_("YYYYMMDD-NNNN. The group sees it only where a consent holds."),
    )
    given_names = forms.CharField(label=_("Given names"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    place = forms.CharField(
        label=_("Place or group"),
        max_length=300,
        required=False,
        help_text=_("For example Hammarkullen centrum, evenings."),
    )
    category = forms.ChoiceField(
        label=_("What is the concern?"), choices=[("", CHOOSE), *ConcernCategory.choices]
    )
    concern = forms.CharField(
        label=_("What gives concern"),
        max_length=5000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_(
            "What you have seen or heard. Write no name, address or school class here: the "
            "group reads it also where the youth may not be named."
        ),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        if len(groups) == 1:
            self.fields["group"].initial = groups[0].pk

    def clean_identity_number(self):
        raw = self.cleaned_data["identity_number"]
        if raw:
            parse_identity_number(raw)  # a clear message for a mistyped number
        return raw

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("about") == "youth":
            for name in ("identity_number", "given_names", "family_name"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a concern about a youth."))
            cleaned["place"] = ""
        elif cleaned.get("about") == "place":
            if not cleaned.get("place"):
                self.add_error("place", _("Name the place or the group."))
            cleaned.update(identity_number="", given_names="", family_name="")
        return cleaned

    def referral_values(self):
        return {
            name: self.cleaned_data[name]
            for name in (
                "group",
                "category",
                "concern",
                "identity_number",
                "given_names",
                "family_name",
                "place",
            )
        }


class ReferralStepForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", CHOOSE), *ReferralCloseReason.choices],
        required=False,
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step == "close":
            self.fields["close_reason"].required = True
        else:
            del self.fields["close_reason"]

    def step_values(self):
        values = {"expected_state": self.cleaned_data["expected_state"]}
        if self.step == "close":
            values["close_reason"] = self.cleaned_data["close_reason"]
        return values


class ConsentForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Consent given")), ("no", _("Consent refused"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    guardian_one = forms.BooleanField(label=_("The first guardian agrees"), required=False)
    guardian_two = forms.BooleanField(
        label=_("The second guardian agrees"),
        required=False,
        help_text=_("Leave unticked where the youth has one guardian only."),
    )
    youth_agrees = forms.BooleanField(
        label=_("The youth agrees"),
        required=False,
        help_text=_("Needed as well when the youth is 15 or older."),
    )
    youth_view = forms.CharField(
        label=_("The youth's own view"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    method = forms.ChoiceField(
        label=_("How was it given?"), choices=[("", CHOOSE), *ConsentMethod.choices]
    )
    given_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    organisations = forms.MultipleChoiceField(
        label=_("Which organisations may know who the youth is?"),
        choices=Organisation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("Leave empty for the usual period."),
    )

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def consent_values(self):
        return dict(self.cleaned_data)


class WithdrawConsentForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DATE_WIDGET)


class ReportOfConcernForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I report concern for this youth to social services (orosanmälan). "
            "This cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the report of concern.")},
    )


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Time"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )
    venue = forms.CharField(label=_("Place"), max_length=200, required=False)


class MinutesForm(forms.Form):
    discussion = forms.CharField(
        label=_("What was discussed"),
        max_length=10000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        label=_("Agreed action"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    responsible_member = forms.ModelChoiceField(
        label=_("Responsible member"), queryset=None, empty_label=CHOOSE
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE_WIDGET)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_member"].queryset = members
        self.fields["responsible_member"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username}"
        )
