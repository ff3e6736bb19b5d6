from django import forms
from django.utils.translation import gettext_lazy as _

from casework.disclosures.models import DisclosureKind, LegalGround
from casework.form_fields import DATETIME_FORMATS, DATETIME_WIDGET

_BLANK = [("", "---------")]


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=_BLANK
        + [choice for choice in DisclosureKind.choices if choice[0] != "report_of_concern"],
    )
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=300,
        help_text=_("The authority or person the data went to, for example Polisen Region Väst."),
    )
    legal_ground = forms.ChoiceField(label=_("Legal ground"), choices=_BLANK + LegalGround.choices)
    content = forms.CharField(
        label=_("What was disclosed"), max_length=2000, widget=forms.Textarea({"rows": 4})
    )
    disclosed_at = forms.DateTimeField(
        label=_("When"), input_formats=DATETIME_FORMATS, widget=DATETIME_WIDGET
    )
