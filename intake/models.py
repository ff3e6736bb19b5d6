"""The systems that send police notifications to the intake API (intake/api.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Unit
from vault.querysets import TrackedManager


class IntakeSender(models.Model):
    """A sending system (the police's notification service, say) and its token.

    The token is stored only as a keyed hash (``intake.services.token_digest``,
    HMAC under the blind-index key kept outside the database): whoever reads
    the table cannot call the API. It is shown once, when made.

    ``account`` is the sender's service account: an inactive user with no
    password and no role, who cannot sign in. Reports, persons and their
    history rows need a user who made them (``created_by``), and the access
    log's search by user then finds every call of the sender.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving unit"),
        help_text=_("The unit whose managers assign the reports this system sends."),
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="intake_sender",
        editable=False,
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive sender's token is refused.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = TrackedManager()
    # Who activated, deactivated or moved the sender, and when; the token's
    # hash stays out of the history rows.
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["name"]
        base_manager_name = "objects"
        verbose_name = _("intake sender")
        verbose_name_plural = _("intake senders")

    def __str__(self):
        return self.name
