"""The area work's forms. Choices are limited to the city district's own
sub-areas, members and promises; services check the same again."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import (
    MeasurePhase,
    MeasureStatus,
    MobilisationKind,
    Organisation,
    PictureSource,
    PromiseGoal,
    SubArea,
)
from casework.form_fields import CHOOSE, DATE_WIDGET
from casework.summaries.periods import MonthField


def _text(label, *, rows=4, max_length=5000, required=True, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea({"rows": rows}),
    )


class PictureForm(forms.Form):
    first_month = MonthField(label=_("From month"))
    last_month = MonthField(label=_("To month"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_month"), cleaned.get("last_month")
        if first and last and last < first:
            self.add_error("last_month", _("The period cannot end before it starts."))
        return cleaned


class ContributionForm(forms.Form):
    source = forms.ChoiceField(label=_("From"), choices=[("", CHOOSE), *PictureSource.choices])
    reference = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where it comes from: a report, a survey, interviews, the police's data."),
    )
    summary = _text(_("The situation as this side sees it"), rows=6, max_length=10000)
    survey_figures = _text(
        _("Figures from the safety survey"),
        required=False,
        help_text=_("Residents' and businesses' contribution: the survey's figures."),
    )
    interview_notes = _text(
        _("Notes from interviews"),
        required=False,
        max_length=10000,
        help_text=_("About places and what residents experience; no names."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") != PictureSource.RESIDENTS:
            for name in ("survey_figures", "interview_notes"):
                if cleaned.get(name):
                    self.add_error(
                        name,
                        _("Survey figures and interviews come from residents and businesses."),
                    )
        return cleaned


class ProblemForm(forms.Form):
    title = forms.CharField(
        label=_("Problem"), max_length=200, help_text=_("For example: open drug dealing.")
    )
    description = _text(_("Description"), required=False)
    sub_areas = forms.ModelMultipleChoiceField(
        label=_("Sub-areas it concerns"),
        queryset=SubArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, city_district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_areas"].queryset = city_district.sub_areas.select_related("district")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class PlanReviseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    lessons = _text(
        _("Lessons for the next round"),
        required=False,
        max_length=10000,
        help_text=_("What the follow-up taught; shown when the next situation picture is made."),
    )


class RowForm(forms.Form):
    problem = forms.ModelChoiceField(label=_("Problem"), queryset=None, empty_label=CHOOSE)
    cause_analysis = _text(_("Cause analysis"), max_length=10000)
    effect_goal = _text(_("Overall effect goal"), rows=2, max_length=2000)
    sub_goals = _text(_("Sub-goals"), rows=3, required=False)
    responsible = forms.CharField(
        label=_("Responsible"),
        max_length=300,
        help_text=_("The organisations that answer for the row."),
    )
    seen_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = plan.picture.problems.all()


class FollowUpForm(forms.Form):
    effect = _text(
        _("Effect"),
        rows=4,
        max_length=10000,
        help_text=_("What the measures achieved, as the follow-up found."),
    )


class MeasureForm(forms.Form):
    row = forms.ModelChoiceField(label=_("Problem in the plan"), queryset=None, empty_label=CHOOSE)
    description = _text(_("Measure"), rows=3, help_text=_("What is to be done in practice."))
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", CHOOSE), *MeasurePhase.choices],
        coerce=int,
    )
    organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.all(),
        empty_label=CHOOSE,
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=None, empty_label=CHOOSE
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_WIDGET, required=False)
    serves = forms.ModelMultipleChoiceField(
        label=_("Serves the citizen promise"),
        queryset=PromiseGoal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, city_district, rows, **kwargs):
        """``rows``: the plan rows the measure may go under (one is chosen for you)."""
        super().__init__(*args, **kwargs)
        self.fields["row"].queryset = rows
        if len(rows) == 1:
            self.fields["row"].initial = rows[0].pk
        self.fields["responsible"].queryset = (
            get_user_model()
            .objects.filter(
                Q(area_bodies__city_district=city_district)
                | Q(coordinated_districts=city_district)
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        self.fields["serves"].queryset = PromiseGoal.objects.filter(
            promise__city_district=city_district
        ).select_related("promise")
        self.fields["starts_on"].initial = timezone.localdate()


class MeasureReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Carried out?"),
        choices=[
            (MeasureStatus.CARRIED_OUT, MeasureStatus.CARRIED_OUT.label),
            (MeasureStatus.NOT_CARRIED_OUT, MeasureStatus.NOT_CARRIED_OUT.label),
        ],
        widget=forms.RadioSelect,
        initial=MeasureStatus.CARRIED_OUT,
    )
    carried_out = _text(_("What was carried out"), rows=3)
    reported_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        self.fields["carried_out"].required = False

    def clean_reported_on(self):
        day = self.cleaned_data["reported_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class MobilisationForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200)
    sub_area = forms.ModelChoiceField(
        label=_("Sub-area"), queryset=None, required=False, empty_label=_("The whole district")
    )
    situation = forms.ChoiceField(
        label=_("Problem situation"), choices=[("", CHOOSE), *MobilisationKind.choices]
    )
    description = _text(
        _("What happened"), help_text=_("About the place and the events; no names.")
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations that took part"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Organisations, not individuals."),
    )

    def __init__(self, *args, city_district, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_area"].queryset = city_district.sub_areas.select_related("district")

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class PromiseForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    goals = _text(
        _("Goals"),
        rows=4,
        max_length=3000,
        help_text=_("One per line, for example: less insecurity in Hammarkullen."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_goals(self):
        return [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]
