from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaultConfig(AppConfig):
    name = "vault"
    verbose_name = _("Encryption keys")

    def ready(self):
        from vault import checks, keyring  # noqa: F401 - registers the system check

        # Parse the key material now: missing or malformed keys stop the
        # process at start instead of failing at the first read or write.
        keyring.key_ring()
        keyring.blind_index_key_check()
