"""Under `make demo` a 404 or a 500 shows our own pages, not Django's technical ones.

The demo's environment is read from the Makefile (`make -n demo`), its
settings from config/settings.py in a subprocess with that environment, and
the pages are then rendered here with the DEBUG those settings give.
"""

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import path

from accounts import access
from config import urls as project_urls
from tests.conftest import sign_in, swedish

ROOT = Path(__file__).resolve().parents[2]


def demo_server_environment():
    """The variables `make demo` sets on the command that runs the server."""
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    [server] = [line for line in result.stdout.splitlines() if "runserver" in line]
    variables = {}
    for word in shlex.split(server):
        name, equals, value = word.partition("=")
        if not equals:
            break
        variables[name] = value
    return variables


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('demo') / 'db.sqlite3'}",
        **demo_server_environment(),
    }
    names = ["DEBUG", "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "WHITENOISE_USE_FINDERS"]
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@access.public
def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("failing/", failing_view), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def is_technical_page(response):
    content = response.content.decode()
    return "DEBUG = True" in content or "Traceback" in content


def test_the_demo_server_runs_with_debug_off_and_the_rest_in_development_mode(demo_settings):
    assert demo_settings == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "SESSION_COOKIE_SECURE": False,
        "WHITENOISE_USE_FINDERS": True,
    }


@pytest.mark.django_db
def test_it_shows_our_own_page_for_an_unknown_address(client, worker, settings, demo_settings):
    settings.DEBUG = demo_settings["DEBUG"]
    sign_in(client, worker)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert swedish("The page was not found") in response.content.decode()
    assert not is_technical_page(response)


@pytest.mark.django_db
def test_it_shows_our_own_page_for_an_error(settings, demo_settings):
    settings.DEBUG = demo_settings["DEBUG"]
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/failing/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
    assert not is_technical_page(response)


@pytest.mark.django_db
def test_the_check_would_see_djangos_technical_page(client, settings):
    # Guards the test above: with DEBUG on, the same request is caught.
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert is_technical_page(response)
