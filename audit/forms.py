from datetime import date, datetime, time, timedelta

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Conclusion, ReviewItem, ReviewKind

# Far enough apart for any real search, near enough that a date turned into
# midnight in Stockholm and then UTC can never overflow.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2999, 12, 31)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessEventSearchForm(forms.Form):
    """The auditor's search. Dates are whole days in the local time zone (Europe/Stockholm).

    A person is searched by identity number only in a POST (``posted``; the
    number must not reach a URL, the browser history or a proxy's log); the
    result page carries the person's pseudonymous ``person`` ref instead and
    shows it, with a link to the same search without it. A posted search
    names its person by identity number only: posted with the number empty,
    it is a search about everyone. Without a ``person_lookup``
    (AUDIT_PERSON_LOOKUP unset) the number field is absent.
    """

    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    identity_number = forms.CharField(
        label=_("Person (personal identity number)"),
        max_length=20,
        required=False,
        help_text=_(
            "Personnummer or samordningsnummer. Shows only the events about that person; "
            "leave it empty to search the events about everyone."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("From date"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To date"), required=False, widget=_date_input())
    flagged = forms.BooleanField(
        label=_("Only flagged events (files opened outside the user's assignment)"),
        required=False,
    )

    def __init__(self, data=None, *, person_lookup=None, posted=False):
        if data is not None and not posted:
            data = data.copy()
            data.pop("identity_number", None)
        super().__init__(data)
        self.person_lookup = person_lookup
        self.posted = posted
        self.person_ref = None
        self.person_not_found = False
        if person_lookup is None:
            del self.fields["identity_number"]

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
            )
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean_identity_number(self):
        number = self.cleaned_data.get("identity_number", "").strip()
        if number:
            try:
                found = self.person_lookup(number)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            self.person_ref = found
            # Said no more plainly than "no events": whether a person is
            # registered at all is itself sensitive.
            self.person_not_found = found is None
        return number

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The to date must be on or after the from date."))
        # A posted ``person`` (a page from before the filter was shown, or
        # one made by hand) is checked but never used: an emptied number
        # field must not leave a filter the auditor no longer sees.
        if not self.posted:
            self.person_ref = cleaned.get("person")
        return cleaned

    def search_filters(self):
        """Keyword arguments for selectors.access_events_search."""
        data = self.cleaned_data
        since = until = None
        if data.get("date_from"):
            since = timezone.make_aware(datetime.combine(data["date_from"], time.min))
        if data.get("date_to"):
            # Up to the end of that day: the next midnight, exclusive.
            until = timezone.make_aware(
                datetime.combine(data["date_to"] + timedelta(days=1), time.min)
            )
        return {
            "actor_username": data.get("username") or None,
            "person_ref": self.person_ref,
            "since": since,
            "until": until,
            "flagged": True if data.get("flagged") else None,
        }

    def query_string(self, *, with_person=True):
        """The valid search as a query string, identity number replaced by the person ref.

        ``with_person=False``: the same search about everyone.
        """
        data = self.cleaned_data
        query = QueryDict(mutable=True)
        if data.get("username"):
            query["username"] = data["username"]
        if with_person and self.person_ref is not None:
            query["person"] = str(self.person_ref)
        for name in ("date_from", "date_to"):
            if data.get(name):
                query[name] = data[name].isoformat()
        if data.get("flagged"):
            query["flagged"] = "on"
        return query.urlencode()


class ReviewQueueForm(forms.Form):
    """The review queue's filters; blank means the default (open items, every kind)."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Not reviewed")),
            ("overdue", _("Overdue")),
            ("reviewed", _("Reviewed")),
            ("all", _("All")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Why in the queue"),
        required=False,
        choices=[("", _("Any reason")), *ReviewKind.choices],
    )

    def queue_filters(self):
        """Keyword arguments for selectors.review_queue."""
        return {
            "status": self.cleaned_data.get("status") or "open",
            "kind": self.cleaned_data.get("kind") or None,
        }

    def query_string(self):
        query = QueryDict(mutable=True)
        for name in ("status", "kind"):
            if self.cleaned_data.get(name):
                query[name] = self.cleaned_data[name]
        return query.urlencode()


class ReviewConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=ReviewItem._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=ReviewItem._meta.get_field("note").help_text,
    )


class ReviewReportForm(forms.Form):
    """The month of the review report, as "2026-11"; blank: the month before this one."""

    month = forms.CharField(
        label=_("Month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )

    def clean_month(self):
        text = self.cleaned_data.get("month", "").strip()
        if not text:
            first_of_this_month = timezone.localdate().replace(day=1)
            return (first_of_this_month - timedelta(days=1)).replace(day=1)
        try:
            first = datetime.strptime(text, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                _("Enter a month as year and month, like 2026-11.")
            ) from None
        if not FIRST_DATE <= first <= LAST_DATE:
            raise forms.ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
            )
        return first

    def bounds(self):
        """[since, until) of the month, aware, in the local time zone."""
        first = self.cleaned_data["month"]
        after = (first + timedelta(days=32)).replace(day=1)
        return (
            timezone.make_aware(datetime.combine(first, time.min)),
            timezone.make_aware(datetime.combine(after, time.min)),
        )
