"""The period filter the summaries share: a month, a quarter, a year, or a
custom range of whole months."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Unit
from casework.summaries.disclosure import month_range

YEARS_OFFERED = 4


def _add_months(month, n):
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_choices(today=None):
    """(value, label): the years, quarters and months that can be chosen, newest first."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    choices = [("range", _("Custom range of months"))]
    years = [today.year - n for n in range(YEARS_OFFERED)]
    choices += [(str(year), str(year)) for year in years]
    for year in years:
        for quarter in range(4, 0, -1):
            if datetime.date(year, 3 * quarter - 2, 1) <= this_month:
                choices.append((f"{year}-Q{quarter}", f"{year} Q{quarter}"))
    for n in range(24):
        month = _add_months(this_month, -n)
        choices.append((month.strftime("%Y-%m"), month.strftime("%Y-%m")))
    return choices


def period_months(value, *, first=None, last=None):
    """The first days of the months ``value`` names ("2026", "2026-Q2",
    "2026-05", or "range" with ``first`` and ``last``, dates)."""
    if value == "range":
        return month_range(first, last)
    if len(value) == 4:
        year = int(value)
        return month_range(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    if "-Q" in value:
        year, quarter = value.split("-Q")
        start = datetime.date(int(year), 3 * int(quarter) - 2, 1)
        return month_range(start, _add_months(start, 2))
    year, month = value.split("-")
    return [datetime.date(int(year), int(month), 1)]


class MonthField(forms.DateField):
    """A whole month, typed as YYYY-MM (the browser's month picker)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class SummaryFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    first_month = MonthField(label=_("From month"), required=False)
    last_month = MonthField(label=_("To month"), required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label=_("All districts"),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("All units"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "range":
            first, last = cleaned.get("first_month"), cleaned.get("last_month")
            if not first or not last:
                raise ValidationError(_("Choose the first and the last month of the range."))
            if last < first:
                raise ValidationError(_("The last month cannot be before the first."))
            if (last.year - first.year) * 12 + last.month - first.month >= 12 * YEARS_OFFERED:
                raise ValidationError(
                    _("Choose a range of at most %(years)s years.") % {"years": YEARS_OFFERED}
                )
        return cleaned

    def months(self):
        cleaned = self.cleaned_data
        return period_months(
            cleaned["period"], first=cleaned.get("first_month"), last=cleaned.get("last_month")
        )

    def region(self):
        district, unit = self.cleaned_data.get("district"), self.cleaned_data.get("unit")
        return (district.pk if district else None, unit.pk if unit else None)


def unbound_or(request_get):
    """The filter form from the query string, or with its defaults when there is none."""
    data = request_get if request_get.get("period") else {"period": str(timezone.localdate().year)}
    return SummaryFilterForm(data)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = [this_year - n for n in range(YEARS_OFFERED)]
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].initial = this_year - 1

    def chosen(self):
        return self.cleaned_data["year"] if self.is_valid() else self.fields["year"].initial
