"""Area safety work, the Trygg i Göteborg process: places, not people.

A district's sub-areas and collaboration bodies; per period a situation
picture (the police's, the district's and the residents' contributions,
merged into a list of problems); a joint action plan in the columns of the
city's template, its measures in three phases, and their follow-up; rapid
mobilisation meetings; citizen promises. Nothing here names a person but the
staff who take part: free text is about places, plain in the database.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import District
from vault.querysets import TrackedManager


def _history(**options):
    return HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4), **options)


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police")
    DISTRICT = "district", _("The district administration")
    SOCIAL_SERVICES = "social_services", _("Social services")
    SCHOOL = "school", _("School")
    LEISURE = "leisure", _("Leisure")
    HOUSING = "housing", _("Housing company")
    BUSINESS = "business", _("Business")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    RESIDENTS = "residents", _("Residents")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    """An organisation that takes part in the area work (the Police, a housing
    company, a residents' association): bodies' members and measures' owners
    belong to one; mobilisation meetings list them, never individuals."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class CityDistrict(models.Model):
    """A city district (stadsdel: Angered, Östra Göteborg), the level of the
    area work. Its safety coordinators own its situation pictures and plans."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coordinated_districts",
        blank=True,
        verbose_name=_("safety coordinators"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("city district")
        verbose_name_plural = _("city districts")

    def __str__(self):
        return self.name


class SubArea(models.Model):
    """A part of a city district (delområde: Hjällbo, Hammarkullen, Gårdsten):
    one of the areas the case programmes file their cases under and publish
    their figures for (accounts.District)."""

    city_district = models.ForeignKey(
        CityDistrict,
        on_delete=models.PROTECT,
        related_name="sub_areas",
        verbose_name=_("city district"),
    )
    district = models.OneToOneField(
        District, on_delete=models.PROTECT, related_name="sub_area", verbose_name=_("area")
    )

    class Meta:
        ordering = ["city_district__name", "district__name"]
        verbose_name = _("sub-area")
        verbose_name_plural = _("sub-areas")

    def __str__(self):
        return self.district.name


class BodyKind(models.TextChoices):
    MANAGEMENT_GROUP = "management_group", _("Management group")
    SAFETY_COUNCIL = "safety_council", _("Safety council")
    PREPARATION_GROUP = "preparation_group", _("Preparation group")
    LOCAL_SAFETY_GROUP = "local_safety_group", _("Local safety group")


# How often each body meets, as the model prescribes.
BODY_RHYTHM = {
    BodyKind.MANAGEMENT_GROUP: _(
        "About six times a year, and at acute events such as shootings or social unrest."
    ),
    BodyKind.SAFETY_COUNCIL: _("Four times a year."),
    BodyKind.PREPARATION_GROUP: _("Every other week; compiles the situation picture."),
    BodyKind.LOCAL_SAFETY_GROUP: _("In its sub-area, as the local work needs."),
}


class Body(models.Model):
    """A collaboration body of a district. Its members read the district's
    plans and report on the measures they are responsible for."""

    city_district = models.ForeignKey(
        CityDistrict,
        on_delete=models.PROTECT,
        related_name="bodies",
        verbose_name=_("city district"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    name = models.CharField(_("name"), max_length=150)
    sub_area = models.ForeignKey(
        SubArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("sub-area"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="BodyMembership",
        related_name="area_bodies",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["city_district__name", "kind", "name"]
        verbose_name = _("collaboration body")
        verbose_name_plural = _("collaboration bodies")
        constraints = [
            models.UniqueConstraint(fields=["city_district", "name"], name="areas_body_unique"),
            # A local safety group works in one sub-area; the others in the district.
            models.CheckConstraint(
                condition=Q(kind="local_safety_group", sub_area__isnull=False)
                | (~Q(kind="local_safety_group") & Q(sub_area__isnull=True)),
                name="areas_body_sub_area_for_local_groups",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def rhythm(self):
        return BODY_RHYTHM[self.kind]


class BodyMembership(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="area_memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    class Meta:
        ordering = ["body", "organisation__name"]
        verbose_name = _("body membership")
        verbose_name_plural = _("body memberships")
        constraints = [
            models.UniqueConstraint(fields=["body", "user"], name="areas_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.organisation}), {self.body}"


# --- The situation picture ------------------------------------------------------------


class SituationPicture(models.Model):
    """The district's situation picture (lägesbild) for a period of whole months."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    city_district = models.ForeignKey(
        CityDistrict,
        on_delete=models.PROTECT,
        related_name="situation_pictures",
        verbose_name=_("city district"),
    )
    first_month = models.DateField(_("from month"))
    last_month = models.DateField(_("to month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["city_district__name", "-first_month"]
        verbose_name = _("situation picture")
        verbose_name_plural = _("situation pictures")
        permissions = [
            ("view_area_work", _("Can read the area work of their districts")),
            ("manage_area_work", _("Can own the area work of their district")),
            ("report_on_measures", _("Can report on the measures they are responsible for")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_month__lte=models.F("last_month")),
                name="areas_picture_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.city_district} {self.first_month:%Y-%m}–{self.last_month:%Y-%m}"  # noqa: RUF001


class PictureSource(models.TextChoices):
    POLICE = "police", _("The police")
    DISTRICT = "district", _("The district")
    RESIDENTS = "residents", _("Residents and businesses")


class Contribution(models.Model):
    """One side's situation picture, with where it comes from. The residents'
    carries the safety survey's figures and the interviews' notes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    picture = models.ForeignKey(
        SituationPicture,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("situation picture"),
    )
    source = models.CharField(_("from"), max_length=20, choices=PictureSource.choices)
    reference = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where it comes from: a report, a survey, interviews, the police's data."),
    )
    summary = models.TextField(_("the situation as this side sees it"), max_length=10000)
    survey_figures = models.TextField(
        _("figures from the safety survey"), max_length=5000, blank=True
    )
    interview_notes = models.TextField(_("notes from interviews"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["picture", "source", "created_at"]
        verbose_name = _("contribution to the situation picture")
        verbose_name_plural = _("contributions to the situation picture")

    def __str__(self):
        return f"{self.get_source_display()}: {self.reference}"


class Problem(models.Model):
    """A problem of the joint problem description, and the sub-areas it concerns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    picture = models.ForeignKey(
        SituationPicture,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name=_("situation picture"),
    )
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    sub_areas = models.ManyToManyField(
        SubArea, related_name="problems", blank=True, verbose_name=_("sub-areas")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrackedManager()
    history = _history(m2m_fields=[sub_areas])

    class Meta:
        base_manager_name = "objects"
        ordering = ["picture", "created_at"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return self.title


# --- The joint action plan and its follow-up --------------------------------------------


class ActionPlan(models.Model):
    """The joint action plan set on a situation picture; the lessons of its
    follow-up feed the next round's picture."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    picture = models.OneToOneField(
        SituationPicture,
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("situation picture"),
    )
    title = models.CharField(_("title"), max_length=200)
    lessons = models.TextField(_("lessons for the next round"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["-picture__first_month"]
        verbose_name = _("joint action plan")
        verbose_name_plural = _("joint action plans")

    def __str__(self):
        return self.title

    @property
    def city_district(self):
        return self.picture.city_district


class PlanRow(models.Model):
    """A row of the plan, in the template's columns: problem, cause analysis,
    overall effect goal, sub-goals, (measures,) responsible; and, at the
    follow-up, the effect the measures had."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="rows", verbose_name=_("plan")
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.PROTECT, related_name="plan_rows", verbose_name=_("problem")
    )
    cause_analysis = models.TextField(_("cause analysis"), max_length=10000)
    effect_goal = models.TextField(_("overall effect goal"), max_length=2000)
    sub_goals = models.TextField(_("sub-goals"), max_length=5000, blank=True)
    responsible = models.CharField(_("responsible"), max_length=300)
    effect = models.TextField(_("effect"), max_length=10000, blank=True)
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Compared on save: a revision made from an older copy is refused.
    changed_at = models.DateTimeField(auto_now=True)

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["plan", "created_at"]
        verbose_name = _("action plan row")
        verbose_name_plural = _("action plan rows")

    def __str__(self):
        return str(self.problem)


class MeasurePhase(models.IntegerChoices):
    REACTIVE = 1, _("1 Reactive")
    PREVENTIVE = 2, _("2 Preventive, contact-making")
    NEW_CHALLENGES = 3, _("3 New challenges")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CARRIED_OUT = "carried_out", _("Carried out")
    NOT_CARRIED_OUT = "not_carried_out", _("Not carried out")


class CitizenPromise(models.Model):
    """The police's and the district's citizen promise (medborgarlöfte) for a year."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    city_district = models.ForeignKey(
        CityDistrict,
        on_delete=models.PROTECT,
        related_name="citizen_promises",
        verbose_name=_("city district"),
    )
    year = models.PositiveIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["city_district__name", "-year"]
        verbose_name = _("citizen promise")
        verbose_name_plural = _("citizen promises")
        constraints = [
            models.UniqueConstraint(fields=["city_district", "year"], name="areas_promise_unique"),
        ]

    def __str__(self):
        return f"{self.city_district} {self.year}"


class PromiseGoal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    promise = models.ForeignKey(
        CitizenPromise, on_delete=models.CASCADE, related_name="goals", verbose_name=_("promise")
    )
    text = models.CharField(_("goal"), max_length=300)
    position = models.PositiveIntegerField(default=0)

    objects = TrackedManager()
    history = _history()

    class Meta:
        base_manager_name = "objects"
        ordering = ["promise", "position"]
        verbose_name = _("goal of a citizen promise")
        verbose_name_plural = _("goals of citizen promises")

    def __str__(self):
        return self.text


class MobilisationKind(models.TextChoices):
    THREATS = "threats", _("Threats")
    VANDALISM = "vandalism", _("Vandalism")
    DRUGS = "drugs", _("Drugs")
    UNREST = "unrest", _("Social unrest")
    VIOLENCE = "violence", _("Violence or shooting")
    OTHER = "other", _("Other")


class MobilisationMeeting(models.Model):
    """Rapid mobilisation: a meeting with residents and civil society at a
    problem situation. Who took part is a list of organisations, never of
    individuals; its agreed joint actions are measures of the action plan."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    city_district = models.ForeignKey(
        CityDistrict,
        on_delete=models.PROTECT,
        related_name="mobilisations",
        verbose_name=_("city district"),
    )
    sub_area = models.ForeignKey(
        SubArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mobilisations",
        verbose_name=_("sub-area"),
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    situation = models.CharField(
        _("problem situation"), max_length=20, choices=MobilisationKind.choices
    )
    description = models.TextField(_("what happened"), max_length=5000)
    organisations = models.ManyToManyField(
        Organisation, related_name="mobilisations", verbose_name=_("who took part")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrackedManager()
    history = _history(m2m_fields=[organisations])

    class Meta:
        base_manager_name = "objects"
        ordering = ["city_district__name", "-held_on"]
        verbose_name = _("mobilisation meeting")
        verbose_name_plural = _("mobilisation meetings")

    def __str__(self):
        return f"{self.place} {self.held_on}"


class Measure(models.Model):
    """What is to be done in practice, by whom and when; followed up with
    what was carried out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    row = models.ForeignKey(
        PlanRow, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan row")
    )
    description = models.TextField(_("measure"), max_length=5000)
    phase = models.PositiveSmallIntegerField(_("phase"), choices=MeasurePhase.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("responsible organisation"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="area_measures",
        verbose_name=_("responsible person"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    carried_out = models.TextField(_("what was carried out"), max_length=5000, blank=True)
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    mobilisation = models.ForeignKey(
        MobilisationMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("agreed at the mobilisation meeting"),
    )
    serves = models.ManyToManyField(
        PromiseGoal, related_name="measures", blank=True, verbose_name=_("serves the promise")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrackedManager()
    history = _history(m2m_fields=[serves])

    class Meta:
        base_manager_name = "objects"
        ordering = ["row", "phase", "starts_on", "created_at"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [models.Index(fields=["responsible", "status"], name="areas_measure_owner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="areas_measure_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.description[:60]
