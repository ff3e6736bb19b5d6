from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from casework.persons.identity_numbers import parse_identity_number
from casework.persons.models import Gender


class PersonForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Personal identity number"),
        required=False,
        max_length=20,
        help_text=_("YYYYMMDD-NNNN. A coordination number works too. Leave empty if unknown."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_("Taken from the identity number when it is given. Format: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", _("Not stated")), *Gender.choices]
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.filter(is_active=True),
        empty_label=_("Not stated"),
    )
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea({"rows": 3})
    )
    protected_identity = forms.BooleanField(
        label=_("Protected identity"),
        required=False,
        help_text=_(
            "Only the workers assigned to the person can open the file; colleagues cannot "
            "open it even with a reason."
        ),
    )

    def clean_identity_number(self):
        raw = self.cleaned_data["identity_number"].strip()
        if raw:
            parse_identity_number(raw)  # raises with a message per kind of error
        return raw

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("identity_number")
        born = cleaned.get("date_of_birth")
        if (
            raw
            and born
            and "identity_number" not in self.errors
            and parse_identity_number(raw).birth_date != born
        ):
            self.add_error(
                "date_of_birth", _("The date of birth does not match the identity number.")
            )
        return cleaned


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(
        label=_("Relation"), max_length=100, required=False, help_text=_("For example mother.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)


GuardianFormSet = forms.formset_factory(GuardianForm, extra=2, max_num=4)


def guardians_typed(formset):
    """The guardians filled in on a valid GuardianFormSet, as stored on the person."""
    return [
        {key: value for key, value in guardian.cleaned_data.items() if value}
        for guardian in formset
        if guardian.cleaned_data
    ]


PERSON_FIELDS = (
    "identity_number",
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "address",
    "district",
    "protected_identity",
)


def person_values(form, guardian_formset):
    """What the person services take from a valid PersonForm and its guardians."""
    return {
        **{name: form.cleaned_data[name] for name in PERSON_FIELDS},
        "guardians": guardians_typed(guardian_formset),
    }


def person_initial(person):
    """The PersonForm's initial values for editing ``person``."""
    initial = {name: getattr(person, name) for name in PERSON_FIELDS}
    initial["identity_number"] = person.identity_number_display
    return initial


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or identity number"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class OpenWithReasonForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you need to open this file?"))

    def __init__(self, *args, reason_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("Choose a reason …")), *reason_choices]
