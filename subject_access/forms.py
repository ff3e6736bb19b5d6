from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subject_access.models import DeliveryMethod, WithholdingGround


class PersonFindForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Personal identity number"),
        max_length=20,
        help_text=_("Of the person who asks for a copy of their data."),
    )


class RequestForm(forms.Form):
    received_on = forms.DateField(
        label=_("Request received"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithholdForm(forms.Form):
    item_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    ground = forms.ChoiceField(label=_("Legal ground"), choices=WithholdingGround.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label=_("Delivered how"), choices=DeliveryMethod.choices)
