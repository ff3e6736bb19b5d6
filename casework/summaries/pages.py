"""What a summary page shows of a View: every figure in words, suppressed
ones as "<k" (a count from 1 to k-1) or a cross (hidden so that no other can be
worked out), shares only where both counts are shown."""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.translation import gettext as _

from casework.summaries.disclosure import region_leaves, view_blocks
from casework.summaries.services import summary_viewed

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


@dataclass
class SummaryBlock:
    """One population on a summary page: its heading, the total and its
    tables (title, figures, chart), and further figures (medians) in words."""

    heading: str
    total_label: str
    view: object
    tables: list
    extra: list


def trend_figures(section, *, months, region, leaves, k):
    """The total of each month of the period (each quarter past a year), as
    the same suppression shows it: a month finer than the building blocks
    shows as hidden, the whole period is still counted."""
    from casework.summaries.disclosure import region_leaves, view_blocks

    area = region_leaves(leaves, *region)
    steps = [[month] for month in months]
    if len(months) > 12:
        steps = [months[n : n + 3] for n in range(0, len(months), 3)]
    figures = []
    for step in steps:
        view = section.view(view_blocks(step, area))
        label = f"{step[0]:%Y-%m}" if len(step) == 1 else f"{step[0]:%Y-%m}–{step[-1]:%Y-%m}"  # noqa: RUF001
        figures.append(
            Figure(
                label, cell_text(view.total, k) if not view.shown else str(view.total.value), ""
            )
        )
    return figures


def summary_block(heading, total_label, view, tables, labels, titles, k, *, extra=(), trend=None):
    from casework.summaries.charts import bar_chart

    shown = []
    if trend and view.shown:
        title = _("Over time")
        shown.append((title, trend, bar_chart(f"{heading}: {title}", trend)))
    for table in tables:
        figures = table_figures(view, table, labels, k)
        title = str(titles[table.name])
        shown.append((title, figures, bar_chart(title, figures) if figures else ""))
    return SummaryBlock(str(heading), str(total_label), view, shown, list(extra))


def export_rows(blocks):
    """(table title, figures) of every block, as the page shows them."""
    rows = []
    for block in blocks:
        if block.view.shown:
            rows.append(
                (block.heading, [Figure(block.total_label, str(block.view.total.value), "")])
            )
            rows += [
                (f"{block.heading}: {title}", figures) for title, figures, _chart in block.tables
            ]
            rows += [(block.heading, [Figure(label, text, "") for label, text in block.extra])]
    return rows


def xlsx_response(filename, sections):
    """The same rows as the CSV, as a spreadsheet (openpyxl)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([_("Table"), _("Row"), _("Count"), _("Share")])
    for title, figures in sections:
        for figure in figures:
            sheet.append([title, figure.label, figure.text, figure.share])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_or_page(request, *, object_type, detail, filename, blocks, render_page):
    """Log the view, then answer with the CSV or XLSX export or the page."""
    export = request.GET.get("format")
    export = export if export in ("csv", "xlsx") else ""
    summary_viewed(
        request, object_type=object_type, detail=f"{export}:{detail}" if export else detail
    )
    if export == "csv":
        return csv_response(f"{filename}.csv", export_rows(blocks))
    if export == "xlsx":
        return xlsx_response(f"{filename}.xlsx", export_rows(blocks))
    return render_page()


def summary_response(request, *, title, object_type, filename, build, options=None, **extra):
    """A programme's summary page (or export): ``build(months, region)``
    returns (blocks, headline) for a valid filter."""
    from django.conf import settings
    from django.shortcuts import render

    from casework.summaries.periods import unbound_or
    from casework.web import query_without_page

    filters = unbound_or(request.GET)
    context = {
        "title": title,
        "filters": filters,
        "option_fields": [options[name] for name in options.fields] if options else [],
        "k": settings.SUMMARY_MIN_COUNT,
        "query": query_without_page(request)
        .replace("&format=csv", "")
        .replace("&format=xlsx", ""),
        **extra,
    }
    if not filters.is_valid():
        return render(request, "summaries/summary.html", context)
    months, region = filters.months(), filters.region()
    blocks, headline = build(months, region)
    context.update(
        {
            "blocks": blocks,
            "headline": headline,
            "first_month": months[0],
            "last_month": months[-1],
        }
    )
    return export_or_page(
        request,
        object_type=object_type,
        detail=f"{months[0]:%Y-%m}:{months[-1]:%Y-%m}:{region}",
        filename=f"{filename}-{months[0]:%Y-%m}-{months[-1]:%Y-%m}",
        blocks=blocks,
        render_page=lambda: render(request, "summaries/summary.html", context),
    )


def year_report_response(request, *, title, object_type, back_url, build):
    """A programme's year in words and tables, to print: ``build(year)``
    returns (blocks, sentences), every figure suppressed as on the summary."""
    from django.conf import settings
    from django.shortcuts import render
    from django.utils import timezone

    from casework.summaries.periods import YearForm

    year_form = YearForm(request.GET or None)
    year = year_form.chosen()
    blocks, sentences = build(year)
    summary_viewed(request, object_type=object_type, detail=f"year:{year}")
    return render(
        request,
        "summaries/year_report.html",
        {
            "title": f"{title} {year}",
            "year_form": year_form,
            "blocks": blocks,
            "sentences": sentences,
            "k": settings.SUMMARY_MIN_COUNT,
            "back_url": back_url,
            "printed_at": timezone.localtime(),
        },
    )
