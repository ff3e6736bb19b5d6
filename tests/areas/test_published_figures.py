"""The district page shows only what the managers' summaries publish: for each
sub-area, the summary filtered to that area and period, never a view the
summaries do not offer; and with the summaries' own views, no suppressed
figure can be worked out (the exact rational audit of the summaries)."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from casework.reports import summary as report_summary
from casework.summaries import disclosure
from casework.summaries.disclosure import month_range, region_leaves, regions, view_blocks
from tests.casework.test_disclosure_audit import audit
from tests.casework.test_summaries import report
from tests.conftest import sign_in, swedish
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
FULL_YEAR = month_range(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 1))
PERIODS = [
    ("2025-01", "2025-12"),  # the year
    ("2025-01", "2025-06"),  # the situation picture's half year
    ("2025-02", "2025-02"),  # one month
    ("2025-01", "2025-03"),  # a quarter
    ("2025-03", "2025-05"),  # a custom range
]


@pytest.fixture
def reports(angered, worker, unit):
    """Hjällbo: 14 reports over the half year, some decided; Hammarkullen, in
    the same unit: 3, too few to show on their own."""
    hjallbo = angered.sub_areas.get(district__name="Hjällbo").district
    hammarkullen = angered.sub_areas.get(district__name="Hammarkullen").district
    unit.districts.add(hammarkullen)
    for n in range(14):
        report(worker, hjallbo, month=1 + n % 6, decision="no_investigation" if n % 3 else "")
    for month in (2, 3, 5):
        report(worker, hammarkullen, month=month)
    # Elsewhere in the city, outside Angered.
    other = DistrictFactory(name="Kortedala")
    unit.districts.add(other)
    for n in range(7):
        report(worker, other, month=1 + n % 6)
    return hjallbo, hammarkullen


ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>')


def _figure_rows(html):
    return ROW.findall(html)


def _sub_area_detail(page, name):
    """The <details> of one sub-area on the district page."""
    start = page.index(f"<summary>{name}")
    return page[start : page.index("</details>", start)]


def _reports_block(html, heading):
    start = html.index(f"<h3>{heading}" if "<h3>" in html else f">{heading}")
    rest = html[start + 1 :]
    ends = [rest.find(marker) for marker in ("<h3>", "<h2", "</section>") if rest.find(marker) > 0]
    return rest[: min(ends)] if ends else rest


def test_each_sub_area_shows_exactly_what_the_summary_filtered_to_it_shows(
    client, coordinator, manager, angered, reports
):
    hjallbo, _hammarkullen = reports
    sign_in(client, coordinator)
    area_page = client.get(
        reverse("areas:district-detail", kwargs={"pk": angered.pk}),
        {"first_month": "2025-01", "last_month": "2025-12"},
    ).content.decode()
    client.logout()
    sign_in(client, manager)
    summary_page = client.get(
        reverse("casework:report-summary"),
        {
            "period": "range",
            "first_month": "2025-01",
            "last_month": "2025-12",
            "district": hjallbo.pk,
        },
    ).content.decode()
    heading = swedish("Reports by the month they arrived")
    assert heading in summary_page
    area_rows = _figure_rows(_reports_block(_sub_area_detail(area_page, "Hjällbo"), heading))
    summary_rows = _figure_rows(summary_page.split(heading, 1)[1].split("</section>", 1)[0])
    assert area_rows  # decisions, sources, steps in time: there is something to compare
    assert set(area_rows) <= set(summary_rows)
    # 9 of Hjällbo's 14 decided "no investigation", on both pages alike.
    assert (swedish("No investigation"), "9", "64 %") in area_rows


def test_the_totals_table_shows_a_small_sub_area_as_not_shown(
    client, coordinator, angered, reports
):
    sign_in(client, coordinator)
    page = client.get(
        reverse("areas:district-detail", kwargs={"pk": angered.pk}),
        {"first_month": "2025-01", "last_month": "2025-12"},
    ).content.decode()
    table = page.split('id="published-figures"', 1)[1].split("</table>", 1)[0]
    rows = dict(
        (name, cells)
        for name, cells in re.findall(r'<th scope="row">(.*?)</th>((?:<td>.*?</td>)+)', table)
    )
    hjallbo = re.findall(r"<td>(.*?)</td>", rows["Hjällbo"])
    hammarkullen = re.findall(r"<td>(.*?)</td>", rows["Hammarkullen"])
    assert hjallbo[0] == "14"
    # Three reports: not even "<5" is shown, as on the summary for that area.
    assert hammarkullen[0] == "–"  # noqa: RUF001
    # No city-district total: Angered's 17 would give Hammarkullen away as 17 - 14.
    assert "17" not in table


def _offered_views(leaves):
    """Every view the managers' summary filters offer over the year."""
    intervals = [
        FULL_YEAR[i : j + 1] for i in range(len(FULL_YEAR)) for j in range(i, len(FULL_YEAR))
    ]
    return {
        frozenset(view_blocks(months, region_leaves(leaves, district, unit)))
        for months, (district, unit) in itertools.product(intervals, regions(leaves))
    }


def test_the_district_page_asks_for_no_view_the_summaries_do_not_offer_and_none_is_revealed(
    client, coordinator, angered, reports, monkeypatch
):
    asked = []
    original = disclosure.Section.view

    def recording(section, blocks):
        if tuple(table.name for table in section.tables) == tuple(
            table.name for table in report_summary.TABLES
        ):
            asked.append(frozenset(blocks) & section.blocks)
        return original(section, blocks)

    monkeypatch.setattr(disclosure.Section, "view", recording)
    sign_in(client, coordinator)
    for first, last in PERIODS:
        response = client.get(
            reverse("areas:district-detail", kwargs={"pk": angered.pk}),
            {"first_month": first, "last_month": last},
        )
        assert response.status_code == 200
    monkeypatch.setattr(disclosure.Section, "view", original)
    assert asked

    section = report_summary.report_section()
    leaves = {block.leaf for block in section.blocks}
    offered = {view & section.blocks for view in _offered_views(leaves)}
    assert set(asked) <= offered, "the area page asked for a view no summary filter offers"

    # The audit over everything the summaries and the area page show together.
    shown, determined = audit(section, views=offered | set(asked))
    assert shown
    assert any(not section.view(blocks).shown for blocks in asked)  # Hammarkullen's three
    assert determined == []
