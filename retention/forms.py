from django import forms
from django.utils.translation import gettext_lazy as _

from retention.models import HoldReason


class LegalHoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *HoldReason.choices])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("What the hold waits for, for example the court's case number."),
    )
