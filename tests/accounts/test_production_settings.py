"""Production settings, read from config/settings.py in a clean environment."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    "SECRET_KEY": "production-like-secret-key-for-tests-" + "x" * 40,
    "ALLOWED_HOSTS": "trygg.example.se",
    "SITE_ROOT": "https://trygg.example.se",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "MASTER_KEYS": "1:" + base64.urlsafe_b64encode(b"m" * 32).decode(),
    "BLIND_INDEX_KEY": base64.urlsafe_b64encode(b"b" * 32).decode(),
    "AUDIT_KEYS": "1:" + base64.urlsafe_b64encode(b"a" * 32).decode(),
}
COPIED_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "PASSWORD_HASHERS",
    "OTP_TOTP_THROTTLE_FACTOR",
    "OTP_TOTP_TOLERANCE",
]


def run_python(code, env=PRODUCTION_ENV):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def production_settings():
    names = json.dumps(COPIED_SETTINGS)
    result = run_python(
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_is_the_default(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production_settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production_settings["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert production_settings["OTP_TOTP_THROTTLE_FACTOR"] >= 1
    assert production_settings["OTP_TOTP_TOLERANCE"] in (0, 1)


def test_it_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_python("import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_refuses_to_start_without_its_address():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SITE_ROOT"}
    result = run_python("import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "SITE_ROOT is not set" in result.stderr


def test_passkeys_belong_to_the_sites_address(production_settings):
    result = run_python(
        "from django.conf import settings as s; "
        "print(s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS, "
        "s.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN)"
    )
    assert result.stdout.split(" ", 1) == [
        "trygg.example.se",
        "['https://trygg.example.se'] False\n",
    ]


def test_it_refuses_to_start_without_audit_keys():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "AUDIT_KEYS"}
    result = run_python("import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "AUDIT_KEYS is not set" in result.stderr


def test_it_refuses_to_start_with_a_malformed_audit_key():
    env = {**PRODUCTION_ENV, "AUDIT_KEYS": "1:tooshort"}
    result = run_python("import django; django.setup()", env=env)
    assert result.returncode != 0
    assert "AUDIT_KEYS version 1" in result.stderr


def test_it_reads_secrets_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "y" * 50 + "\n")
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    env["SECRET_KEY_FILE"] = str(secret_file)
    result = run_python("from django.conf import settings; print(settings.SECRET_KEY)", env=env)
    assert result.stdout.strip() == "from-a-file-" + "y" * 50


def test_a_bad_value_is_a_clear_error():
    env = {**PRODUCTION_ENV, "SESSION_IDLE_TIMEOUT_MINUTES": "soon"}
    result = run_python("import django; django.setup()", env=env)
    assert "SESSION_IDLE_TIMEOUT_MINUTES must be a whole number" in result.stderr


def test_the_deploy_check_is_clean():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=PRODUCTION_ENV,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_a_case_page_sends_the_security_headers_and_cookie_attributes(production_settings, worker):
    # Test users' passwords use the fast test hasher; keep it.
    overrides = {k: v for k, v in production_settings.items() if k != "PASSWORD_HASHERS"}
    with override_settings(**overrides):
        client = Client(HTTP_HOST="trygg.example.se")
        # Plain HTTP is sent to HTTPS.
        response = client.get(reverse("accounts:login"))
        assert response.status_code == 301
        assert response["Location"].startswith("https://")

        login_page = client.get(reverse("accounts:login"), secure=True)
        csrf_cookie = login_page.cookies["__Host-csrftoken"]
        assert csrf_cookie["secure"]
        assert csrf_cookie["httponly"]
        assert csrf_cookie["path"] == "/"
        assert not csrf_cookie["domain"]

        sign_in(client, worker)
        response = client.get(reverse("accounts:start"), secure=True)
        assert response.status_code == 200
        assert response["Strict-Transport-Security"].startswith("max-age=")
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
        csp = response["Content-Security-Policy"]
        assert "default-src 'none'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "<script>" not in response.content.decode()

        # A new session cookie is set at sign-in: check its attributes.
        client.post(
            reverse("accounts:logout"), secure=True, HTTP_REFERER="https://trygg.example.se/"
        )
        response = client.post(
            reverse("accounts:login"),
            {"username": "worker", "password": "correct-horse-battery"},
            secure=True,
        )
        session_cookie = response.cookies["__Host-sessionid"]
        assert session_cookie["secure"]
        assert session_cookie["httponly"]
        assert session_cookie["samesite"] == "Lax"
        assert session_cookie["path"] == "/"
        assert not session_cookie["domain"]
        assert not session_cookie["max-age"]  # ends with the browser
