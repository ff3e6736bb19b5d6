from datetime import timedelta

from django.utils import translation

from casework.templatetags.casework import duration


def test_it_reads_like_a_person_would_say_it():
    with translation.override("en"):
        assert duration(timedelta(days=1, hours=16)) == "1 day 16 hours"
        assert duration(timedelta(hours=3, minutes=5)) == "3 hours 5 minutes"
        assert duration(timedelta(minutes=1)) == "1 minute"
        assert duration(timedelta(seconds=20)) == "less than a minute"
        assert duration(None) == ""


def test_it_speaks_swedish():
    with translation.override("sv"):
        assert duration(timedelta(days=2, hours=1)) == "2 dygn 1 timme"
