"""The auditor's start-page panel: the review queue's open and overdue items."""

from audit.selectors import review_counts


def review_panel(request):
    if not request.user.has_perm("audit.review_access_log"):
        return None
    counts = review_counts()
    return {"template": "audit/_review_start_panel.html", **counts}
