import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import sign_in, swedish

pytestmark = pytest.mark.django_db


def test_swedish_is_the_default(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="sv">' in content
    assert swedish("Sign in to Trygg") in content


def test_swedish_even_when_the_browser_asks_for_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()


def test_english_can_be_chosen_and_sticks(client, worker):
    sign_in(client, worker)
    response = client.post(
        reverse("accounts:set-language"), {"language": "en", "next": reverse("accounts:start")}
    )
    assert response["Location"] == reverse("accounts:start")
    content = client.get(reverse("accounts:start")).content.decode()
    assert '<html lang="en">' in content
    assert "My cases" in content


def test_every_message_has_a_swedish_translation():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "locale/sv/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if 'msgstr ""' in e and "msgstr[" not in e and e.rstrip().endswith('msgstr ""')
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_current():
    """The committed .mo must carry the latest .po (run `make messages`)."""
    with translation.override("sv"):
        assert translation.gettext("Security") != "Security"
