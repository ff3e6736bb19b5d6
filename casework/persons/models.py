"""Persons: the people the files are about.

Everything that identifies or describes a person is an encrypted field under
the person's own data key; erasing that key (``Person.erase``) shreds all of
it, history rows included. Look-ups go through keyed blind indexes.
"""

import unicodedata
import uuid

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import District, Unit
from casework.documents.models import documents_shred
from casework.persons.cases import case_models
from vault.fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    blank_encrypted_fields,
)
from vault.keyring import blind_index
from vault.models import DataKey
from vault.querysets import TrackedManager

IDENTITY_NUMBER_INDEX = "identity-number"
NAME_TOKEN_INDEX = "name-token"


def identity_number_index(digits12):
    return blind_index(IDENTITY_NUMBER_INDEX, digits12)


def name_tokens(*names):
    """Normalised words of a name: case and accents folded, so "Åsa" finds "åsa"
    and "Asa"; punctuation splits ("Lind-Berg" is "lind" and "berg")."""
    tokens = set()
    for name in names:
        folded = unicodedata.normalize("NFKD", name or "").casefold()
        plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
        word = ""
        for ch in plain + " ":
            if ch.isalnum():
                word += ch
            else:
                if len(word) >= 2:
                    tokens.add(word)
                word = ""
    return tokens


def name_token_index(token):
    return blind_index(NAME_TOKEN_INDEX, token)


# Persons born on these days of a month are the research sample the law keeps
# from erasure (socialtjänstförordningen 7 kap. 2 §; retention/rules.py).
RESEARCH_BIRTH_DAYS = (5, 15, 25)


class Gender(models.TextChoices):
    GIRL = "female", _("Girl / woman")
    BOY = "male", _("Boy / man")
    OTHER = "other", _("Other")


def shred(instance, data_key, *, by):
    """Empty ``instance``'s encrypted fields, mark it erased, shred its
    documents (and those sealed under ``data_key``), destroy ``data_key``.

    Every encrypted field is nullable for this: erased means empty. Saved
    while the key still exists (the history row of the erasure holds no
    values), and the key is destroyed in the same transaction.
    """
    blank_encrypted_fields(instance)
    instance.erased_at = timezone.now()
    instance._history_user = by
    instance.save()
    documents_shred(sealed_under=data_key, owner=instance, by=by)
    data_key.destroy()
    instance.data_key = data_key


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="person", editable=False
    )
    given_names = EncryptedTextField(_("given names"), max_length=200, null=True)
    family_name = EncryptedTextField(_("family name"), max_length=200, null=True)
    # Normalised to twelve digits (YYYYMMDDNNNC); empty when not known.
    identity_number = EncryptedTextField(_("personal identity number"), blank=True, null=True)
    identity_number_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    # Categorical, like district: statistics count by it without decrypting.
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    address = EncryptedTextField(_("address"), blank=True, null=True, max_length=500)
    guardians = EncryptedJSONField(_("guardians"), default=list, blank=True, null=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("district"),
    )
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("responsible unit"),
    )
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    # Derived from the encrypted date of birth (research_birthday_refresh), so
    # that retention can keep the research sample in SQL without decrypting
    # every file. One bit, shared by a tenth of all persons. None: not known
    # yet (persons registered before the column; retention_run fills it in).
    born_on_research_day = models.BooleanField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedManager()
    # The blind index stays out of history: erasure deletes it, and a copy in
    # a history row would still confirm a guessed number.
    history = HistoricalRecords(
        excluded_fields=["identity_number_index"],
        history_id_field=models.UUIDField(default=uuid.uuid4),
        cascade_delete_history=False,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        base_manager_name = "objects"
        permissions = [
            ("view_person_file", _("Can open a person's file")),
            ("register_person", _("Can register a person")),
        ]

    def __str__(self):
        # Never the name: str() ends up in logs and error reports.
        return f"Person {str(self.id)[:8]}"

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def reference(self):
        """A short pseudonymous reference for lists and e-mails."""
        return str(self.id)[:8].upper()

    @property
    def identity_number_display(self):
        number = self.identity_number
        return f"{number[:8]}-{number[8:]}" if number else ""

    @property
    def full_name(self):
        return f"{self.given_names} {self.family_name}".strip()

    def research_birthday_refresh(self):
        """Set ``born_on_research_day`` from the date of birth."""
        born = self.date_of_birth
        self.born_on_research_day = born is not None and born.day in RESEARCH_BIRTH_DAYS

    def refresh_name_tokens(self):
        """Replace the blind-indexed name tokens after a name change."""
        self.name_tokens.all().delete()
        PersonNameToken.objects.bulk_create(
            PersonNameToken(person=self, token=name_token_index(token))
            for token in sorted(name_tokens(self.given_names, self.family_name))
        )

    @transaction.atomic
    def erase(self, *, by=None):
        """Crypto-shred: destroy the person's data key and the keys of every
        case about them, so that every value ever stored for this person,
        history rows included, can no longer be decrypted, and drop the
        blind indexes that could confirm a guess."""
        data_key = DataKey.objects.select_for_update().get(pk=self.data_key_id)
        for model in case_models():
            for case in model.objects.filter(person=self, erased_at__isnull=True):
                case.erase(by=by)
        # The disclosure log's texts are sealed under this key: emptied, as the
        # cases' records are, so the rows stay savable and say nothing.
        for disclosure in self.disclosures.all():
            blank_encrypted_fields(disclosure)
            disclosure._history_user = by
            disclosure.save()
        self.name_tokens.all().delete()
        self.identity_number_index = None
        # Derived from the date of birth, which goes with the key.
        self.born_on_research_day = None
        shred(self, data_key, by=by)


class PersonNameToken(models.Model):
    """Keyed hashes of the words of a person's name, for search without decryption.

    The trade-off: exact words only (no prefixes or fuzzy matching), since
    each prefix would be another hash to compare and a finer frequency
    signal. Someone with the database and the blind-index key could test a
    guessed name; without the key, the tokens say nothing beyond how many
    persons share a word.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["token"], name="casework_name_token")]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="casework_name_token_once")
        ]

    def __str__(self):
        return "name token"
