"""Trygg settings: read from the environment only.

Production is the default: DEBUG is off, cookies are secure and secrets have
no default. A development machine sets DEBUG=1 (the Makefile does).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name, default, minimum=None):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def envsecret(name, default=None):
    """Read a secret from NAME, or from the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {error}") from None
    value = os.environ.get(name)
    if value:
        return value
    if default is None:
        raise ImproperlyConfigured(
            f"{name} is not set. Set {name} or {name}_FILE (see README, 'Configuration')."
        )
    return default


def envlist(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# DEBUG=1 is development mode: throwaway keys in var/, plain-HTTP cookies,
# local host names, static files from the source tree. Django's DEBUG
# follows it, except with DEBUG_ERROR_PAGES=0 (`make demo` sets it): Django
# then runs with DEBUG off and renders our own 404.html and 500.html, as in
# production, while the rest stays in development mode. Django picks its
# technical error pages on settings.DEBUG alone, for an unknown URL as well
# as for an exception in a view, so this one switch covers both without
# replacing Django's handlers. DEBUG_ERROR_PAGES never turns DEBUG on.
DEVELOPMENT = envbool("DEBUG", False)
DEBUG = DEVELOPMENT and envbool("DEBUG_ERROR_PAGES", True)

# Development gets a throwaway key so a first run needs no set-up; production
# must bring its own.
SECRET_KEY = envsecret(
    "SECRET_KEY", "dev-only-insecure-secret-key-do-not-use" if DEVELOPMENT else None
)
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])


def development_keys():
    """Keys for a development machine, made once and kept in var/ so the demo
    database stays readable between runs. Never used outside development."""
    import json
    import secrets

    path = BASE_DIR / "var" / "development-keys.json"
    keys = json.loads(path.read_text()) if path.exists() else {}
    token = lambda: secrets.token_urlsafe(32)  # noqa: E731 - 32 random bytes
    wanted = {
        "MASTER_KEYS": f"1:{token()}",
        "BLIND_INDEX_KEY": token(),
        "AUDIT_KEYS": f"1:{token()}",
    }
    # A file from before a key existed gets the new one; its others stay.
    if not wanted.keys() <= keys.keys():
        keys = {**wanted, **keys}
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return keys


# Encryption at rest (vault/keyring.py parses and checks these at start).
# MASTER_KEYS: "1:<base64 32 bytes>,2:<...>", the highest version encrypts.
# BLIND_INDEX_KEY: a separate 32-byte key for look-up hashes.
# Each key falls back to the development file on its own, so setting one
# of them in development does not leave the other missing.
_dev_keys = development_keys() if DEVELOPMENT else {}
MASTER_KEYS = envsecret("MASTER_KEYS", _dev_keys.get("MASTER_KEYS"))
BLIND_INDEX_KEY = envsecret("BLIND_INDEX_KEY", _dev_keys.get("BLIND_INDEX_KEY"))
# AUDIT_KEYS: "1:<base64 32 bytes>,2:<...>", the access log's HMAC keys; the
# highest version seals new events and checkpoints, older ones only verify
# (audit/keys.py). Never in the database or its backups.
AUDIT_KEYS = envsecret("AUDIT_KEYS", _dev_keys.get("AUDIT_KEYS"))

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEVELOPMENT else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
SITE_ROOT = os.environ.get("SITE_ROOT", "http://127.0.0.1:8000" if DEVELOPMENT else "")
if not SITE_ROOT:
    raise ImproperlyConfigured(
        "SITE_ROOT is not set: the site's address, e.g. https://trygg.example.se "
        "(links in e-mails, the origin of passkeys)."
    )

INSTALLED_APPS = [
    "vault",
    "accounts",
    "audit",
    "casework",
    "sspf",
    "avhopp",
    "areas",
    "retention",
    "subject_access",
    "intake",
    "accounts.apps.TryggAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Sign-in throttling by user name and address (accounts/throttling.py).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "simple_history",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "audit.middleware.RequestIdMiddleware",
    # Unwrapped data keys live for one request (vault/keycache.py).
    "vault.keycache.DataKeyCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.AccessRuleMiddleware",
    # Stored data that does not verify: recorded, and the integrity page.
    "accounts.integrity.IntegrityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# PostgreSQL through DATABASE_URL; without it an SQLite file under var/ so
# that a first run needs nothing installed.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'trygg.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:start"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two factors. django-otp's own exponential throttling stays on (factor >= 1).
# TOTP tolerance is one 30-second step either side: it absorbs a phone clock
# that is a little off without widening the window further; each code is
# accepted once only (django-otp keeps the last used step).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Trygg")
# Passkeys are a second factor only (accounts/passkeys.py). They belong to
# the site's origin: PASSKEY_ORIGINS (https in production, default SITE_ROOT);
# the relying party is the first origin's host name, which browsers require
# to be a name, not an IP address (so the demo's is http://localhost:8000).
PASSKEY_ORIGINS = envlist(
    "PASSKEY_ORIGINS",
    ["http://localhost:8000"] if DEVELOPMENT else [SITE_ROOT] if SITE_ROOT else [],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_ALLOWED_ORIGINS = PASSKEY_ORIGINS
OTP_WEBAUTHN_RP_ID = urlsplit(PASSKEY_ORIGINS[0]).hostname if PASSKEY_ORIGINS else ""
OTP_WEBAUTHN_RP_NAME = "Trygg"
OTP_TOTP_THROTTLE_FACTOR = envint("OTP_TOTP_THROTTLE_FACTOR", 1, minimum=1)
OTP_TOTP_TOLERANCE = 1
OTP_BACKUP_THROTTLE_FACTOR = envint("OTP_BACKUP_THROTTLE_FACTOR", 1, minimum=1)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
BACKUP_CODE_COUNT = 10

# Sign-in throttling (accounts/throttling.py, README "Lock-out"). Failed
# passwords and codes are counted per user name and client address together:
# after SIGN_IN_SLOW_AFTER the address waits longer before each try, and at
# LOCKOUT_THRESHOLD it is refused for that user name for LOCKOUT_MINUTES.
# The account itself is only slowed, never locked, and only once failures
# from all addresses since its last sign-in reach SIGN_IN_ACCOUNT_CEILING.
LOCKOUT_THRESHOLD = envint("LOCKOUT_THRESHOLD", 5, minimum=1)
LOCKOUT_DURATION = timedelta(minutes=envint("LOCKOUT_MINUTES", 15, minimum=1))
SIGN_IN_SLOW_AFTER = envint("SIGN_IN_SLOW_AFTER", 2, minimum=1)
SIGN_IN_ACCOUNT_CEILING = envint("SIGN_IN_ACCOUNT_CEILING", 30, minimum=1)
SIGN_IN_ACCOUNT_MAX_DELAY = timedelta(
    minutes=envint("SIGN_IN_ACCOUNT_MAX_DELAY_MINUTES", 15, minimum=1)
)
# Proxies in front of the app that append to X-Forwarded-For; 0: the client
# is REMOTE_ADDR (gunicorn's peer). Never more than there really are: every
# entry left of the trusted ones is written by the client.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
# django-axes keeps the per-address counts. The sign-in views ask it
# themselves (accounts/throttling.py): no AxesBackend or AxesMiddleware, so
# its checks for those are silenced; its admin and logs are ours.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's field, named here: axes' default is a lazy look-up of the
# user model, which fails if anything reads the settings before models load.
AXES_USERNAME_FORM_FIELD = "username"
AXES_FAILURE_LIMIT = "accounts.throttling.failure_limit"
AXES_COOLOFF_TIME = "accounts.throttling.cool_off"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_address"
AXES_RESET_ON_SUCCESS = False  # a full sign-in resets, not a password alone
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token", "otp_token", "code", "csrfmiddlewaretoken"]
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W003"]
# Changing second factors needs the password again within this window.
REAUTHENTICATION_WINDOW = timedelta(minutes=envint("REAUTHENTICATION_MINUTES", 5, minimum=1))
# How long a QR code shown for setting up an authenticator app can be confirmed.
TOTP_ENROLMENT_WINDOW = timedelta(minutes=envint("TOTP_ENROLMENT_MINUTES", 10, minimum=1))

# Sessions live in the database so processes stay stateless; they end after
# SESSION_IDLE_TIMEOUT without a request and SESSION_ABSOLUTE_TIMEOUT after
# sign-in whatever happens (enforced server-side by SessionTimeoutMiddleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=envint("SESSION_IDLE_TIMEOUT_MINUTES", 15, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=envint("SESSION_ABSOLUTE_TIMEOUT_HOURS", 10, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE = not DEVELOPMENT
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
if SECURE:
    # __Host- cookies are only sent over HTTPS, to this exact host, for "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SECURE)
# The load balancer checks health over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 63072000 if SECURE else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# The preload token does nothing until someone submits the domain to the
# browsers' list; that step stays a deliberate decision.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# History rows get UUID keys made in Python, so their encrypted values can
# be bound to the row before INSERT, like the rows they copy.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Whitenoise serves from the finders in development and from STATIC_ROOT
# (filled by collectstatic) in production.
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEVELOPMENT
if DEVELOPMENT:
    # Whitenoise would otherwise let browsers keep files for a minute with DEBUG off.
    WHITENOISE_MAX_AGE = 0
    STATIC_ROOT.mkdir(exist_ok=True)
# Documents on files: the sealed blobs (casework/documents). The file system
# by default; for several servers point "documents" at S3-compatible object
# storage with django-storages (README, "Documents"). Only ciphertext is
# stored there.
DOCUMENTS_ROOT = Path(os.environ.get("DOCUMENTS_ROOT") or BASE_DIR / "documents")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": DOCUMENTS_ROOT,
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The largest document a worker may upload, in bytes.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 25 * 1024 * 1024, minimum=1)
# A ClamAV daemon to scan uploads with ("host:port" or a Unix socket path);
# empty: uploads are not scanned (README, "Documents").
DOCUMENT_SCANNER_ADDRESS = os.environ.get("DOCUMENT_SCANNER_ADDRESS", "")
# Uploads larger than this go to a temporary file, not memory; uploads larger
# than the limit are refused without being read in (casework/documents).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None

# Each is a dotted path to a callable that raises on failure.
HEALTH_CHECKS = [
    "accounts.health.database_responds",
    "vault.health.key_ring_opens_the_data",
]
# Under-15 reports: the Gothenburg method's targets and the legal limits.
# How long a guardian consent to share a youth's identity in an SSPF group holds.
SSPF_CONSENT_MONTHS = envint("SSPF_CONSENT_MONTHS", 12, minimum=1)
UNDER15_PROTECTION_HOURS = envint("UNDER15_PROTECTION_HOURS", 24, minimum=1)
UNDER15_FIRST_CONTACT_DAYS = envint("UNDER15_FIRST_CONTACT_DAYS", 7, minimum=1)
UNDER15_ASSESSMENT_DAYS = envint("UNDER15_ASSESSMENT_DAYS", 14, minimum=1)
UNDER15_INVESTIGATION_MONTHS = envint("UNDER15_INVESTIGATION_MONTHS", 4, minimum=1)
# The last quarter of a step's window counts as "due soon".
UNDER15_DUE_SOON_SHARE = 0.25
UNDER15_MAX_AGE = 15
REPORTS_PER_PAGE = 25
# Avhopp: when measurements fall due (avhopp/measurements.py).
AVHOPP_BASELINE_DAYS = envint("AVHOPP_BASELINE_DAYS", 14, minimum=1)
AVHOPP_MEASUREMENT_MONTHS = envint("AVHOPP_MEASUREMENT_MONTHS", 3, minimum=1)
AVHOPP_FOLLOW_UP_MONTHS = (6, 12)
# A measurement due within this many days shows on the worker's start page.
AVHOPP_DUE_SOON_DAYS = envint("AVHOPP_DUE_SOON_DAYS", 30, minimum=0)
AVHOPP_YOUNG_ADULT_AGES = (18, 25)
# Managers' summaries: counts from 1 to k-1 are suppressed (casework/summaries/disclosure.py).
SUMMARY_MIN_COUNT = envint("SUMMARY_MIN_COUNT", 5, minimum=2)
# How old a summary's counts may be before a page computes them again (cron: summaries_refresh).
SUMMARY_SNAPSHOT_MINUTES = envint("SUMMARY_SNAPSHOT_MINUTES", 15, minimum=0)
# Each module has SNAPSHOTS: {name: callable returning the counts}.
SUMMARY_SNAPSHOT_MODULES = ["casework.reports.summary", "sspf.summary", "avhopp.summary"]

# A file opened outside one's assignment stays open this long after the reason.
OPENED_WITH_REASON_MINUTES = envint("OPENED_WITH_REASON_MINUTES", 60, minimum=1)

# Retention (gallring), retention/rules.py states the legal basis of each rule.
# Social-services documentation: years after the last entry (SoL 12 kap. 1 §).
RETENTION_SOCIAL_SERVICES_YEARS = envint("RETENTION_SOCIAL_SERVICES_YEARS", 5, minimum=1)
# A youth known only through SSPF referrals never reported: months after the
# last referral closed (the municipality's decision on SSPF documents).
RETENTION_SSPF_UNREPORTED_MONTHS = envint("RETENTION_SSPF_UNREPORTED_MONTHS", 12, minimum=1)
# Keep the files of persons born on the 5th, 15th and 25th (SoL 12 kap. 2 §).
RETENTION_RESEARCH_BIRTHDAYS = envbool("RETENTION_RESEARCH_BIRTHDAYS", True)
PERSON_SEARCH_LIMIT = 50
# The auditor finds a person's events by identity number through casework's blind index.
AUDIT_PERSON_LOOKUP = "casework.persons.selectors.person_ref_for_identity_number"

# The access log spreads its writes over this many hash chains, so that
# concurrent requests do not queue for one chain head (audit/services.py).
AUDIT_CHAIN_COUNT = envint("AUDIT_CHAIN_COUNT", 8, minimum=1)
# Where audit_checkpoint writes the signed chain heads: a directory on
# another machine's storage, append-only (README, "The access log").
AUDIT_CHECKPOINT_DIR = os.environ.get("AUDIT_CHECKPOINT_DIR", "")
# Lets Django's test flush empty the append-only access log. Never in
# production: the database triggers then refuse every UPDATE and DELETE.
AUDIT_ALLOW_MAINTENANCE = envbool("AUDIT_ALLOW_MAINTENANCE", False)
if AUDIT_ALLOW_MAINTENANCE and not DEVELOPMENT:
    raise ImproperlyConfigured(
        "AUDIT_ALLOW_MAINTENANCE is for the test suite only and needs DEBUG; "
        "unset it in production."
    )
# The log review (README, "Log review"): how many ordinary file openings
# log_review_sample adds each week, and after how many days an unreviewed
# item is overdue. The sample's seed: without one, it is derived from the
# oldest AUDIT_KEYS key (audit/sampling.py).
LOG_REVIEW_SAMPLE_SIZE = envint("LOG_REVIEW_SAMPLE_SIZE", 20, minimum=0)
LOG_REVIEW_OVERDUE_DAYS = envint("LOG_REVIEW_OVERDUE_DAYS", 14, minimum=1)
LOG_REVIEW_SAMPLE_SEED = envsecret("LOG_REVIEW_SAMPLE_SEED", "")

# Each returns a dict with "template" (and its context) or None, for the start page.
START_PAGE_PANELS = [
    "casework.reports.panels.worker_panel",
    "casework.reports.panels.manager_panel",
    "sspf.panels.member_panel",
    "avhopp.panels.worker_panel",
    "avhopp.panels.manager_panel",
    "areas.panels.area_panel",
    "accounts.auditing.panels.review_panel",
]
# The same for a person's page: each programme shows the person's cases.
PERSON_PAGE_PANELS = [
    "casework.reports.panels.person_reports_panel",
    "avhopp.panels.person_cases_panel",
    "casework.disclosures.panels.person_disclosures_panel",
    "casework.persons.documents.person_documents_panel",
]
# Every programme's case model about a person (casework/persons/cases.py).
CASEWORK_CASE_MODELS = ["casework.Under15Report", "avhopp.ExitCase"]

# Each is a dotted path to a callable(stdout=...) that adds demo data.
DEMO_SEEDERS = [
    "sspf.demo.demo_groups_seed",
    "casework.persons.demo.demo_persons_seed",
    "casework.reports.demo.demo_reports_seed",
    "casework.documents.demo.demo_documents_seed",
    "sspf.demo.demo_referrals_seed",
    "avhopp.demo.demo_exit_cases_seed",
    # Two years of history for the managers' summaries.
    "casework.reports.demo.demo_report_history_seed",
    "avhopp.demo.demo_exit_case_history_seed",
    "areas.demo.demo_area_work_seed",
]

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "trygg@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT_SECONDS", 3600, minimum=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request bodies and URLs never go to the log: the default handler
        # would print them with a 500's traceback.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
