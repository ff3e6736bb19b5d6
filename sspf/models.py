"""SSPF groups (samverkan skola, socialtjänst, polis, fritid), one per local area."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import District


class Organisation(models.TextChoices):
    SCHOOL = "school", _("School")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    LEISURE = "leisure", _("Leisure")


class SspfGroup(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="sspf_groups", verbose_name=_("district")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SspfMembership",
        related_name="sspf_groups",
        verbose_name=_("members"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SSPF group")
        verbose_name_plural = _("SSPF groups")

    def __str__(self):
        return self.name


class SspfMembership(models.Model):
    group = models.ForeignKey(
        SspfGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sspf_memberships",
        verbose_name=_("user"),
    )
    organisation = models.CharField(_("organisation"), max_length=20, choices=Organisation.choices)

    class Meta:
        ordering = ["group__name", "organisation"]
        verbose_name = _("SSPF membership")
        verbose_name_plural = _("SSPF memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="sspf_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_organisation_display()}), {self.group}"
