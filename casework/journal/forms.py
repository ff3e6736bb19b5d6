from django import forms
from django.utils.translation import gettext_lazy as _

from casework.form_fields import CHOOSE, DATETIME_FORMATS, DATETIME_WIDGET, not_in_future
from casework.journal.models import ContactKind


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Time"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )
    kind = forms.ChoiceField(
        label=_("Kind of contact"), choices=[("", CHOOSE), *ContactKind.choices]
    )
    participants = forms.CharField(
        label=_("Participants"),
        required=False,
        max_length=1000,
        help_text=_("Who took part, e.g. the youth, a guardian, the school counsellor."),
    )
    note = forms.CharField(
        label=_("Journal note"),
        required=False,
        max_length=20000,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Saved as a draft; sign it when it is final."),
    )

    def clean_occurred_at(self):
        return not_in_future(
            self.cleaned_data["occurred_at"], _("A contact cannot be in the future.")
        )


class JournalForm(forms.Form):
    text = forms.CharField(
        label=_("Journal note"), max_length=20000, widget=forms.Textarea({"rows": 8})
    )
