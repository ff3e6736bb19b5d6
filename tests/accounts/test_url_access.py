"""Every URL pattern is walked: none is reachable without the sign-in it declares.

Adding a URL means declaring its rule (accounts.access); a public or
second-factor-stage page must also be listed here, on purpose.
"""

import re
import uuid

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from accounts import access
from config import urls as project_urls
from tests.conftest import sign_in
from tests.factories import totp_device_for

PUBLIC_VIEWS = {
    "accounts:login",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "accounts:set-language",
    "accounts:health",
    # The police intake API: a sending system has no session and no second
    # factor; every operation demands the sender's token (intake/api.py).
    "intake:notification-create",
    "intake:notification-receipt",
}
SECOND_FACTOR_STAGE_VIEWS = {
    "accounts:logout",
    "accounts:verify",
    "accounts:enrol",
    # Signing in with a passkey is the second step itself (accounts/passkeys.py).
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
}

CONVERTER_SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "path": "1", "slug": "x"}


def _sample_route(route):
    def substitute(match):
        converter = match.group(1) or "str"
        return CONVERTER_SAMPLES.get(converter, "x")

    return re.sub(r"<(?:(\w+):)?\w+>", substitute, route)


def _sample_regex(regex):
    """A concrete path for an admin-style regex: first alternative of each group."""
    regex = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def substitute(match):
        body = match.group(2)
        if body == ".*":
            return "missing-page/"
        return body.split("|")[0]

    return re.sub(r"\(\?P<(\w+)>([^()]*)\)", substitute, regex)


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner_namespace = namespace
            if pattern.namespace:
                inner_namespace = f"{namespace}{pattern.namespace}:"
            yield from _walk(
                pattern.url_patterns, prefix + _sample(pattern.pattern), inner_namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"
            yield "/" + prefix + _sample(pattern.pattern), name, pattern


def _sample(pattern):
    text = str(pattern)
    if hasattr(pattern, "_route"):
        return _sample_route(text)
    return _sample_regex(text)


ALL_URLS = sorted({(url, name) for url, name, _pattern in _walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_known_pages():
    names = {name for _url, name in ALL_URLS}
    assert {"accounts:start", "accounts:login", "admin:index", "accounts:security"} <= names
    assert {"areas:district-detail", "areas:plan-detail", "areas:measure-report"} <= names
    assert len(ALL_URLS) > 30  # the admin's model pages are walked too


def test_every_view_outside_the_admin_declares_an_access_rule():
    undeclared = [
        name
        for _url, name, pattern in _walk(get_resolver().url_patterns)
        if not name.startswith("admin:") and not hasattr(pattern.callback, "access_rule")
    ]
    assert undeclared == []


def test_public_and_second_factor_pages_are_exactly_the_listed_ones():
    public, second_factor = set(), set()
    for _url, name, pattern in _walk(get_resolver().url_patterns):
        rule = getattr(pattern.callback, "access_rule", None)
        if rule is not None and rule.stage == access.PUBLIC:
            public.add(name)
        if rule is not None and rule.stage == access.SECOND_FACTOR_STAGE:
            second_factor.add(name)
    assert public == PUBLIC_VIEWS
    assert second_factor == SECOND_FACTOR_STAGE_VIEWS


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), ALL_URLS)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, url, name):
    response = client.get(url)
    if name in PUBLIC_VIEWS:
        assert not response.get("Location", "").startswith(reverse("accounts:login"))
        assert response.status_code != 500
    else:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "name"), ALL_URLS)
def test_it_sends_a_password_only_session_to_the_second_factor(client, worker, url, name):
    sign_in(client, worker, verified=False)
    totp_device_for(worker)  # so the second step is verification, not enrolment
    response = client.get(url)
    if name in PUBLIC_VIEWS:
        assert not response.get("Location", "").startswith(reverse("accounts:verify"))
        assert response.status_code != 500
    elif name in SECOND_FACTOR_STAGE_VIEWS:
        # Reachable; enrolment itself sends a user who has a device to verify.
        assert not response.get("Location", "").startswith(reverse("accounts:login"))
        assert response.status_code != 500
    else:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:verify") + "?next=")


def test_a_user_without_a_device_is_sent_to_enrolment_not_let_in(client, worker):
    sign_in(client, worker, verified=False)
    response = client.get(reverse("accounts:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:enrol"))


def undeclared_view(request):
    return HttpResponse("secret")


urlpatterns = [
    path("undeclared/", undeclared_view, name="undeclared"),
    *project_urls.urlpatterns,
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_it_refuses_a_view_without_a_rule_even_when_verified(client, worker):
    sign_in(client, worker)
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"secret" not in response.content
