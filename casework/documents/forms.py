from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.documents.content import ACCEPTED
from casework.documents.models import DocumentType

_BLANK = [("", "---------")]
# What the file picker offers first; the content decides (content.py).
ACCEPT = ",".join(sorted({f".{f.extension}" for f in ACCEPTED} | {".jpeg", ".heif"}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    document_type = forms.ChoiceField(label=_("Document type"))
    document_date = forms.DateField(
        label=_("Date of the document"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = forms.FileField(
        label=_("File"),
        # The form checks nothing about the file but that one came: the service
        # decides the rest from its content, with its own messages.
        required=False,
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args, types, **kwargs):
        kwargs.setdefault("initial", {"document_date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        labels = dict(DocumentType.choices)
        self.fields["document_type"].choices = _BLANK + [(t, labels[t]) for t in types]
