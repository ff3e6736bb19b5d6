"""The categorical scales of an exit case: what statistics count without decrypting.

Stable lowercase values (they are stored and counted); labels are translated.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Track(models.TextChoices):
    EXIT = "exit", _("Gang exit")
    PREVENTION = "prevention", _("Prevention (anti-gang team)")


class ReferralSource(models.TextChoices):
    SELF = "self", _("The person themselves")
    FAMILY = "family", _("Family")
    POLICE = "police", _("Police")
    PROBATION = "probation", _("Probation or prison (Kriminalvården)")
    SOCIAL_SERVICES = "social_services", _("Social services")
    SCHOOL = "school", _("School")
    OTHER_ORGANISATION = "other_organisation", _("Other organisation")


class TargetGroup(models.TextChoices):
    # The exit track.
    CRIMINAL_LIFESTYLE = "criminal_lifestyle", _("Criminal lifestyle")
    TERRITORIAL_GANG = "territorial_gang", _("Territorial gang environment")
    GIRLS_IN_GANGS = "girls_in_gangs", _("Girls in gang environments")
    AGE_18_25 = "age_18_25", _("Age 18–25")  # noqa: RUF001 (an en dash in a range)
    VIOLENT_EXTREMISM = "violent_extremism", _("Violent extremism")
    # The prevention track (the Hisingen anti-gang team).
    IN_CRIMINALITY = "in_criminality", _("Already in criminality")
    STARTING_CAREER = "starting_career", _("Starting a criminal career")
    RECRUITMENT_EXPOSED = "recruitment_exposed", _("Exposed to recruitment attempts")


TRACK_TARGET_GROUPS = {
    Track.EXIT: (
        TargetGroup.CRIMINAL_LIFESTYLE,
        TargetGroup.TERRITORIAL_GANG,
        TargetGroup.GIRLS_IN_GANGS,
        TargetGroup.AGE_18_25,
        TargetGroup.VIOLENT_EXTREMISM,
    ),
    Track.PREVENTION: (
        TargetGroup.IN_CRIMINALITY,
        TargetGroup.STARTING_CAREER,
        TargetGroup.RECRUITMENT_EXPOSED,
    ),
}


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    ACUTE = "acute", _("Acute")


class Occupation(models.TextChoices):
    FULL_TIME_JOB = "full_time_job", _("Full-time job")
    PART_TIME_JOB = "part_time_job", _("Part-time job")
    STUDIES = "studies", _("Studies")
    TRAINING = "training", _("Internship or training")
    OTHER = "other", _("Other occupation")
    NONE = "none", _("No occupation")


class Level(models.TextChoices):
    """Drug use, criminality and contact with the criminal network. Ordered:
    "ceased" and "reduced" are derived from a move down the scale."""

    NONE = "none", _("None")
    OCCASIONAL = "occasional", _("Occasional")
    REGULAR = "regular", _("Regular")


# Position on the scale, lower is better.
LEVEL_RANK = {Level.NONE: 0, Level.OCCASIONAL: 1, Level.REGULAR: 2}


class Housing(models.TextChoices):
    OWN = "own", _("Own housing")
    WITH_FAMILY = "with_family", _("With family")
    PROTECTED = "protected", _("Protected housing")
    TEMPORARY = "temporary", _("Temporary housing")
    HOMELESS = "homeless", _("Homeless")


class Occasion(models.TextChoices):
    """When a measurement was taken."""

    BASELINE = "baseline", _("At intake (baseline)")
    DURING = "during", _("During the programme")
    CLOSURE = "closure", _("At closure")
    FOLLOW_UP_6 = "follow_up_6", _("Follow-up after 6 months")
    FOLLOW_UP_12 = "follow_up_12", _("Follow-up after 12 months")
