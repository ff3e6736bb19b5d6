"""Bar charts as server-side SVG: a title and a description for screen
readers, every bar labelled with its row and its figure (never colour
alone), a suppressed figure drawn as no bar with its "<5" or its cross. The table
beside it is the data alternative. No JavaScript."""

import itertools

from django.utils.html import format_html, format_html_join

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 260
BAR_WIDTH = 300
WIDTH = LABEL_WIDTH + BAR_WIDTH + 60
_ids = itertools.count(1)


def bar_chart(title, figures):
    """``figures``: casework.summaries.pages.Figure rows, in order."""
    values = [int(f.text) if f.text.isdigit() else None for f in figures]
    largest = max([v for v in values if v is not None] or [0]) or 1
    chart_id = f"chart-{next(_ids)}"
    height = len(figures) * (BAR_HEIGHT + GAP) + GAP
    description = "; ".join(f"{f.label}: {f.text}" for f in figures)
    rows = []
    for n, (figure, value) in enumerate(zip(figures, values, strict=True)):
        y = GAP + n * (BAR_HEIGHT + GAP)
        width = 0 if value is None else max(1, round(BAR_WIDTH * value / largest))
        rows.append(
            (
                LABEL_WIDTH - 6,
                y + BAR_HEIGHT - 6,
                figure.label,
                LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                LABEL_WIDTH + width + 6,
                y + BAR_HEIGHT - 6,
                figure.text,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="chart__label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart__bar"></rect>'
        '<text x="{}" y="{}" class="chart__value">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        body,
    )
