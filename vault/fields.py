"""Encrypted model fields: AES-256-GCM under a per-person data key.

Stored form: ``tg1:`` + base64(data-key id ‖ nonce ‖ ciphertext+tag). The
associated data binds each value to its table, column, row and data key,
so a value copied to another row or column no longer decrypts. Values are
decrypted on each read: what was read from the database stays sealed on
the instance.

Writes go through ``Model.save()`` and ``bulk_create()`` only, which call
``pre_save`` with the row at hand. Anything else that would send a plain
value to the database (``QuerySet.update()``, ``bulk_update()``, a filter on
the column) raises ``EncryptedFieldMisuse`` instead of storing plaintext.
"""

import datetime
import json

from django import forms
from django.core import checks, exceptions
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from vault import crypto, keycache
from vault.integrity import Unverifiable, value_unverifiable
from vault.models import DataKey, DataKeyUnwrapFailed, DecryptionFailed

SYSTEM_KEY = "system"


class EncryptedFieldMisuse(Exception):
    """A plain value was about to reach an encrypted column."""


class Sealed(str):
    """Ciphertext as read from the database, opened only when the attribute is read."""

    __slots__ = ()

    def __repr__(self):
        return "<Sealed>"


class _ForStorage(str):
    """Ciphertext that pre_save made for this row; the only thing we send to the database."""

    __slots__ = ()


class EncryptedAttribute(DeferredAttribute):
    # A data descriptor (it defines __set__), so every read comes through
    # __get__ and opens the ciphertext, even though the raw value sits in
    # the instance's __dict__ under the same name.
    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            try:
                return self.field.open(instance, value)
            except DataKeyUnwrapFailed:
                raise
            except DecryptionFailed as error:
                return self.field.unverifiable(instance, error)
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Encrypted text. ``key`` names the DataKey: an attribute path such as
    ``"data_key"`` or ``"person.data_key"``, or ``"system"`` for secrets that
    belong to no person."""

    descriptor_class = EncryptedAttribute

    def __init__(self, *args, key="data_key", row="pk", **kwargs):
        self.key_path = key
        # The attribute that identifies the row: the primary key, or a UUID
        # field where a library needs an integer primary key (django-otp).
        self.row_attribute = row
        max_length = kwargs.get("max_length")
        if max_length:
            kwargs["validators"] = [*kwargs.get("validators", []), MaxLengthValidator(max_length)]
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        if self.key_path != "data_key":
            kwargs["key"] = self.key_path
        if self.row_attribute != "pk":
            kwargs["row"] = self.row_attribute
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        opts = self.model._meta
        row_field = opts.pk if self.row_attribute == "pk" else opts.get_field(self.row_attribute)
        if not (isinstance(row_field, models.UUIDField) and callable(row_field.default)):
            errors.append(
                checks.Error(
                    "A model with encrypted fields needs a UUID row id made in Python "
                    "(default=uuid.uuid4), so each value can be bound to its row before INSERT.",
                    obj=self,
                    id="vault.E001",
                )
            )
        if self.unique or self.db_index:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed; use a blind index.",
                    obj=self,
                    id="vault.E002",
                )
            )
        return errors

    # Conversion between Python values and the text that gets encrypted.
    def serialise(self, value):
        return str(value)

    def deserialise(self, text):
        return text

    # Encryption.
    def data_key_for(self, instance):
        if self.key_path == SYSTEM_KEY:
            return DataKey.system_key()
        if "." not in self.key_path:
            known = keycache.known_key(getattr(instance, f"{self.key_path}_id", None))
            if known is not None:
                return known
        target = instance
        for part in self.key_path.split("."):
            target = getattr(target, part)
            if target is None:
                raise EncryptedFieldMisuse(
                    f"{instance._meta.label}.{self.name}: no data key at {self.key_path!r}"
                )
        return target

    def _row_id(self, instance):
        return getattr(instance, self.row_attribute)

    def _binding(self, instance, key_id):
        return crypto.value_binding(
            instance._meta.db_table, self.column, self._row_id(instance), key_id
        )

    def seal(self, instance, value):
        if self._row_id(instance) is None:
            raise EncryptedFieldMisuse(
                f"{instance._meta.label}.{self.name}: the row has no primary key to bind to"
            )
        data_key = self.data_key_for(instance)
        return crypto.value_seal(
            raw_key=keycache.raw_key(data_key),
            key_id=data_key.id,
            binding=self._binding(instance, data_key.id),
            plaintext=self.serialise(value),
        )

    def open(self, instance, sealed):
        where = f"{instance._meta.db_table}.{self.column} of row {self._row_id(instance)}"
        try:
            key_id = crypto.value_key_id(sealed)
        except crypto.CiphertextInvalid as error:
            raise DecryptionFailed(f"{where} {error}") from None
        data_key = self.data_key_for(instance)
        if data_key.id != key_id:
            raise DecryptionFailed(f"{where} was sealed under another data key")
        try:
            plaintext = crypto.value_open(
                raw_key=keycache.raw_key(data_key),
                key_id=key_id,
                binding=self._binding(instance, key_id),
                sealed=sealed,
            )
        except crypto.CiphertextInvalid as error:
            raise DecryptionFailed(f"{where} {error}") from None
        return self.deserialise(plaintext)

    def unverifiable(self, instance, error):
        """A stored value did not verify: tell, then a placeholder or the error
        (vault/integrity.py)."""
        value_unverifiable.send(
            sender=type(instance),
            instance=instance,
            field=self,
            row=self._row_id(instance),
            problem=str(error),
        )
        if type(self) is EncryptedTextField and self.key_path != SYSTEM_KEY:
            return Unverifiable()
        raise error

    # Django hooks.
    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None:
            return None
        if isinstance(value, Unverifiable):
            raise DecryptionFailed(
                f"{model_instance._meta.db_table}.{self.column} of row "
                f"{self._row_id(model_instance)}: a value that did not verify is not stored"
            )
        if isinstance(value, Sealed):
            # Unchanged since it was read: prove it belongs to this row
            # (a copied instance with a new pk would otherwise store
            # ciphertext that can never be opened).
            self.open(model_instance, value)
            return _ForStorage(value)
        return _ForStorage(self.seal(model_instance, value))

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or isinstance(value, _ForStorage):
            return value if value is None else str(value)
        raise EncryptedFieldMisuse(
            f"{self.model._meta.label}.{self.name} is encrypted: write it with save() or "
            "bulk_create(), never update(), bulk_update() or a filter on its value"
        )

    def get_prep_value(self, value):
        return value

    def to_python(self, value):
        if isinstance(value, Sealed):
            raise EncryptedFieldMisuse("to_python() got ciphertext; read the attribute instead")
        return super().to_python(value)

    def value_to_string(self, obj):
        # dumpdata would write every person in clear to a file.
        raise EncryptedFieldMisuse(
            f"{self.model._meta.label}.{self.name} is encrypted and is not serialised"
        )


def blank_encrypted_fields(instance):
    """Empty every encrypted field of ``instance`` (erasure: nothing left to shred)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, EncryptedTextField):
            setattr(instance, field.attname, None)


class EncryptedDateField(EncryptedTextField):
    def serialise(self, value):
        if not isinstance(value, datetime.date):
            value = self.to_python(value)
        return value.isoformat()

    def deserialise(self, text):
        return datetime.date.fromisoformat(text)

    def to_python(self, value):
        if value is None or isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise exceptions.ValidationError(
                _("Enter a valid date."), code="invalid", params={"value": value}
            ) from None

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})


class EncryptedJSONField(EncryptedTextField):
    def serialise(self, value):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def deserialise(self, text):
        return json.loads(text)

    def to_python(self, value):
        return value

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})
