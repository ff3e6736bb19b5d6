"""What a summary page shows of a View: every figure in words, suppressed
ones as "<k" (a count from 1 to k-1) or a cross (hidden so that no other can be
worked out), shares only where both counts are shown."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from audit.services import access_event_record
from casework.summaries.disclosure import region_leaves, view_blocks

HIDDEN = "×"  # noqa: RUF001 (the sign statistics offices use)


@dataclass(frozen=True)
class Figure:
    label: str
    text: str
    share: str


def cell_text(cell, k):
    if cell.shown:
        return str(cell.value)
    return f"<{k}" if cell.below_k else HIDDEN


def share_text(value):
    return "" if value is None else f"{round(value * 100)} %"


def section_view(section, *, months, region, leaves):
    district, unit = region
    return section.view(view_blocks(months, region_leaves(leaves, district, unit)))


def table_figures(view, table, labels, k, *, share_of=None):
    """The figures of ``table`` in ``view``, each with its share of the total
    (or of ``share_of``, a Cell)."""
    if not view.shown:
        return []
    return [
        Figure(
            label=str(labels[table.name].get(category, category)),
            text=cell_text(view.tables[table.name][category], k),
            share=share_text(view.share(table.name, category, of=share_of)),
        )
        for category in table.categories
    ]


def summary_viewed(request, *, object_type, detail):
    """Log that a summary (or its export) was shown: no person in it, but who
    looked at what is still the log's business."""
    access_event_record(
        action="view", request=request, object_type=object_type, object_id="", detail=detail
    )


def csv_response(filename, sections):
    """``sections``: (title, [Figure]) as the page shows them, suppression applied."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Table"), _("Row"), _("Count"), _("Share")])
    for title, figures in sections:
        for figure in figures:
            writer.writerow([title, figure.label, figure.text, figure.share])
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
