"""The auditor's review pages: the queue, reviewing one event, the monthly report.

Only the auditor reaches them; junk in a URL or a form is answered with the
form again, never a 500; the report counts categories per unit.
"""

import csv
import io
import uuid
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.auditing.views import object_label
from audit.models import AccessEvent, ReviewItem
from audit.services import access_event_record, review_item_conclude
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
QUEUE = reverse("audit:review-queue")
REPORT = reverse("audit:review-report")
REPORT_CSV = reverse("audit:review-report-export")


def at(when, **fields):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return access_event_record(**fields)


def flagged_by(user, when=None, **fields):
    fields = {
        "action": "open_with_reason",
        "actor": user,
        "object_type": "casework.person",
        "object_id": str(uuid.uuid4()),
        "person_ref": uuid.uuid4(),
        "reason": "colleague_absent",
        "flagged": True,
        **fields,
    }
    return at(when, **fields) if when else access_event_record(**fields)


def item_of(event):
    return ReviewItem.objects.get(event=event)


def item_url(item):
    return reverse("audit:review-item", kwargs={"pk": item.pk})


@pytest.fixture
def auditor_client(client, auditor):
    return sign_in(client, auditor)


@pytest.fixture
def item(colleague):
    return item_of(flagged_by(colleague))


# Who reaches the pages: one row per role and page.

PAGES = ["queue", "item", "report", "report-csv"]


def page_url(page, item):
    return {
        "queue": QUEUE,
        "item": item_url(item),
        "report": REPORT,
        "report-csv": REPORT_CSV,
    }[page]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("worker", 403),
        ("colleague", 403),
        ("sspf_member", 403),
        ("manager", 403),
        ("administrator", 403),
        ("auditor", 200),
    ],
)
def test_only_the_auditor_reaches_the_review_pages(
    client, all_role_users, item, page, user, status
):
    sign_in(client, all_role_users[user])
    response = client.get(page_url(page, item))
    assert response.status_code == status


@pytest.mark.parametrize("user", ["worker", "manager", "administrator"])
def test_no_one_else_can_conclude_a_review(client, all_role_users, item, user):
    sign_in(client, all_role_users[user])
    response = client.post(item_url(item), {"conclusion": "justified", "note": ""})
    assert response.status_code == 403
    assert not item_of(item.event).is_reviewed


def test_an_auditor_without_the_permission_is_refused(client, item):
    # The role without audit.review_access_log: an administrator can take it away.
    bare = UserFactory(username="auditor-no-review", role="auditor")
    bare.groups.get().permissions.remove(Permission.objects.get(codename="review_access_log"))
    sign_in(client, bare)
    assert client.get(QUEUE).status_code == 403
    assert client.post(item_url(item), {"conclusion": "justified"}).status_code == 403


def test_the_start_page_shows_the_queue_to_the_auditor_only(client, auditor, worker, colleague):
    flagged_by(colleague, when=timezone.now() - timedelta(days=30))
    flagged_by(colleague)
    content = sign_in(client, auditor).get(reverse("accounts:start")).content.decode()
    assert 'id="review-heading"' in content
    assert 'id="review-overdue"' in content
    assert f'href="{QUEUE}?status=overdue"' in content
    client.logout()
    content = sign_in(client, worker).get(reverse("accounts:start")).content.decode()
    assert 'id="review-heading"' not in content


# The queue.


def test_the_queue_lists_open_items_oldest_first_with_the_overdue_marked(
    auditor_client, colleague, settings
):
    settings.LOG_REVIEW_OVERDUE_DAYS = 14
    old = flagged_by(colleague, when=timezone.now() - timedelta(days=20))
    new = flagged_by(colleague)
    response = auditor_client.get(QUEUE)
    listed = list(response.context["page"].object_list)
    assert [entry.event_id for entry in listed] == [old.pk, new.pk]
    assert [entry.is_overdue for entry in listed] == [True, False]
    content = response.content.decode()
    assert content.count('class="overdue"') == 1
    # Readable objects, as on the log page.
    assert object_label("casework.person", old.object_id) in content
    overdue = auditor_client.get(QUEUE, {"status": "overdue"}).context["page"].object_list
    assert [entry.event_id for entry in overdue] == [old.pk]


def test_the_queue_is_paged(auditor_client, colleague):
    for _ in range(55):
        flagged_by(colleague)
    first = auditor_client.get(QUEUE).context["page"]
    assert len(first.object_list) == 50 and first.paginator.count == 55
    assert len(auditor_client.get(QUEUE, {"page": 2}).context["page"].object_list) == 5


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"kind": "<script>"},
        {"page": "abc"},
        {"page": "99999"},
        {"status": "open", "kind": "sample", "page": "-1"},
    ],
)
def test_junk_in_the_queue_url_is_no_error(auditor_client, item, query):
    response = auditor_client.get(QUEUE, query)
    assert response.status_code == 200
    assert b"<script>" not in response.content


# Reviewing one event.


def test_an_auditor_reviews_an_event(auditor_client, auditor, item):
    page = auditor_client.get(item_url(item))
    assert page.context["can_conclude"]
    response = auditor_client.post(
        item_url(item), {"conclusion": "needs_follow_up", "note": "Ask the manager."}
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    reviewed = item_of(item.event)
    assert (reviewed.reviewed_by, reviewed.conclusion, reviewed.note) == (
        auditor,
        "needs_follow_up",
        "Ask the manager.",
    )
    assert AccessEvent.objects.filter(
        action="log_reviewed", actor_id=auditor.pk, object_id=str(item.event_id)
    ).exists()
    shown = auditor_client.get(item_url(item)).content.decode()
    assert 'id="review-done"' in shown and "Ask the manager." in shown
    assert "<form" not in shown.split('id="review-done"', 1)[1]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"conclusion": "fine"},
        {"conclusion": "misuse", "note": ""},
        {"conclusion": "misuse", "note": "x" * 2001},
        {"conclusion": ["justified", "misuse"], "note": "\x00"},
    ],
)
def test_bad_input_shows_the_form_again_with_what_was_typed(auditor_client, item, data):
    response = auditor_client.post(item_url(item), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not item_of(item.event).is_reviewed
    assert not AccessEvent.objects.filter(action="log_reviewed").exists()


def test_a_misuse_without_a_note_keeps_the_choice(auditor_client, item):
    response = auditor_client.post(item_url(item), {"conclusion": "misuse", "note": "  "})
    form = response.context["form"]
    assert "note" in form.errors
    assert form["conclusion"].value() == "misuse"


def test_an_unknown_item_is_not_found(auditor_client):
    assert (
        auditor_client.get(reverse("audit:review-item", kwargs={"pk": 999999})).status_code == 404
    )
    assert (
        auditor_client.post(reverse("audit:review-item", kwargs={"pk": 999999})).status_code == 404
    )


def test_the_second_auditor_sees_who_reviewed_first(client, auditor, item):
    other = UserFactory(username="auditor2", role="auditor")
    review_item_conclude(item=item, by=auditor, conclusion="justified", note="")
    sign_in(client, other)
    response = client.post(item_url(item), {"conclusion": "misuse", "note": "Wrong."})
    assert response.status_code == 200
    content = response.content.decode()
    # Named in the message: who reviewed, and when.
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("auditor ")
    assert timezone.localtime(item_of(item.event).reviewed_at).strftime("%H:%M") in message
    assert 'id="review-done"' in content
    assert item_of(item.event).conclusion == "justified"


def test_an_auditor_is_not_offered_their_own_event(auditor_client, auditor):
    own = item_of(access_event_record(action="export", actor=auditor))
    response = auditor_client.get(item_url(own))
    assert not response.context["can_conclude"]
    assert 'id="own-event"' in response.content.decode()
    response = auditor_client.post(item_url(own), {"conclusion": "justified"})
    assert response.status_code == 200
    assert not item_of(own.event).is_reviewed


# The monthly report.


@pytest.fixture
def november(worker, colleague, auditor, unit, other_unit, settings):
    """In November 2026: three items from the worker's unit, one from the colleague's,
    one by a user without a unit; and one in December."""
    settings.LOG_REVIEW_OVERDUE_DAYS = 14
    day = datetime(2026, 11, 10, 12, 0, tzinfo=STOCKHOLM)
    worker_items = [item_of(flagged_by(worker, when=day)) for _ in range(3)]
    colleague_item = item_of(flagged_by(colleague, when=day))
    nobody = UserFactory(username="nounit")
    item_of(at(day, action="export", actor=nobody))
    flagged_by(worker, when=datetime(2026, 12, 1, 0, 30, tzinfo=STOCKHOLM))
    review_item_conclude(item=worker_items[0], by=auditor, conclusion="justified", note="")
    review_item_conclude(item=worker_items[1], by=auditor, conclusion="misuse", note="Seen.")
    review_item_conclude(
        item=colleague_item, by=auditor, conclusion="needs_follow_up", note="Ask."
    )
    return {"unit": unit, "other_unit": other_unit}


def test_the_report_counts_per_unit(auditor_client, november):
    response = auditor_client.get(REPORT, {"month": "2026-11"})
    rows = {row["unit_name"] or None: row for row in response.context["rows"]}
    worker_row = rows[november["unit"].name]
    assert (worker_row["total"], worker_row["reviewed"], worker_row["open"]) == (3, 2, 1)
    assert (worker_row["justified"], worker_row["misuse"], worker_row["needs_follow_up"]) == (
        1,
        1,
        0,
    )
    # Still open more than 14 days after November: overdue now.
    assert worker_row["overdue"] == 1
    colleague_row = rows[november["other_unit"].name]
    assert (colleague_row["total"], colleague_row["needs_follow_up"], colleague_row["open"]) == (
        1,
        1,
        0,
    )
    assert rows[None]["unit_id"] is None and rows[None]["total"] == 1
    assert response.context["totals"]["total"] == 5
    content = response.content.decode()
    assert november["unit"].name in content and "Seen." not in content


def test_the_report_csv_has_the_same_counts_and_is_logged(auditor_client, auditor, november):
    response = auditor_client.get(REPORT_CSV, {"month": "2026-11"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    by_unit = {row["unit"]: row for row in table}
    assert by_unit[november["unit"].name]["total"] == "3"
    assert by_unit["total"]["total"] == "5"
    assert AccessEvent.objects.filter(
        action="export", actor_id=auditor.pk, detail="review_report 2026-11"
    ).exists()


@pytest.mark.parametrize("month", ["junk", "2026-13", "0000-01", "2026-1-1", "x" * 50])
def test_a_bad_month_shows_the_form_again(auditor_client, month):
    for url in (REPORT, REPORT_CSV):
        response = auditor_client.get(url, {"month": month})
        assert response.status_code == 200
        assert response.context["form"].errors
