"""A document on a report in a real browser: the worker adds a scan from the
report's page, a disguised program is refused with what was typed kept, the
document shows in the timeline, and its preview draws the image from the
decrypted stream without a Content-Security-Policy complaint.

Same set-up as tests/casework/test_browser_report_journey.py: the database
is seeded before the browser starts and not touched while it runs.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.demo import demo_seed
from casework.models import Under15Report
from casework.persons.demo import demo_persons_seed
from casework.reports.demo import demo_reports_seed
from tests.browser import assert_no_browser_problems, browser_sign_in
from tests.conftest import swedish
from tests.documents import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Inskannad underrättelse"


@pytest.fixture
def seeded(transactional_db):
    users = {seeded.user.username: seeded for seeded in demo_seed()}
    demo_persons_seed()
    demo_reports_seed()
    worker = users["socialsekreterare"]
    report = Under15Report.objects.filter(assigned_to=worker.user).order_by("received_at").first()
    return worker, reverse("casework:report-detail", kwargs={"pk": report.pk})


def test_a_worker_adds_a_scan_and_sees_it(live_server, seeded, page, console_messages):
    worker, report_url = seeded
    browser_sign_in(page, live_server, worker)
    page.goto(live_server.url + report_url)
    page.get_by_role("link", name=swedish("Add a document"), exact=True).click()

    def fill(upload):
        page.get_by_label(swedish("Title"), exact=True).fill(TITLE)
        page.get_by_label(swedish("Document type"), exact=True).select_option(
            "police_notification"
        )
        page.get_by_label(swedish("File"), exact=True).set_input_files(upload)
        page.get_by_role("button", name=swedish("Add the document"), exact=True).click()

    # A program named like a PDF: refused, the title still there.
    fill(
        {
            "name": "underrattelse.pdf",
            "mimeType": "application/pdf",
            "buffer": samples.executable(),
        }
    )
    expect(page.get_by_role("alert").first).to_contain_text(
        swedish(
            "This kind of file cannot be added. Allowed: %(formats)s. "
            "The kind is read from the file's content, not from its name."
        ).split("%(formats)s")[0]
    )
    expect(page.get_by_label(swedish("Title"), exact=True)).to_have_value(TITLE)

    fill({"name": "scan.png", "mimeType": "image/png", "buffer": samples.png()})
    expect(page).to_have_url(live_server.url + report_url + "#documents")
    entry = page.locator(".timeline__item--document")
    expect(entry).to_contain_text(TITLE)

    entry.get_by_role("link", name=swedish("Show"), exact=True).click()
    image = page.locator("img.document-preview")
    expect(image).to_be_visible()
    # 1: the sample is one pixel wide; 0 would be an image that did not load.
    width = image.evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => { img.onload = () => done(img.naturalWidth);"
        " img.onerror = () => done(0); })"
    )
    assert width == 1
    assert_no_browser_problems(console_messages)
