"""Lists by urgency, ordered, counted and paged in SQL: a building block for every programme.

A case that waits for a step with a deadline keeps that deadline in two
indexed columns, written by the service with every transition: ``due_at``
(the limit) and ``due_soon_at`` (from when it counts as due soon). A list
is then one ordered, limited query, and the overdue and due-soon counts one
aggregate, whatever the number of open cases behind the page: no case is
loaded to compute its deadline except those on the page.

Ordering by ``due_at`` ascending, cases without a clock last, is the
urgency order: an overdue case's limit lies before now and every other
case's after it, so overdue cases come first (the longest overdue first),
then the others by their limit, the due-soon ones among them first.
"""

from django.db import models
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q


class DeadlineColumns(models.Model):
    """The deadline of the step a case waits for, kept where SQL can order by it."""

    due_at = models.DateTimeField(null=True, blank=True, editable=False)
    due_soon_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_deadline(self, deadline):
        """Keep ``deadline`` (an object with ``due_at`` and ``due_soon_at``, or None)."""
        self.due_at = deadline.due_at if deadline else None
        self.due_soon_at = deadline.due_soon_at if deadline else None


# "Has a worker": false sorts first, so unassigned cases lead. The same
# expression stands in the unit's index, so the ordered walk can use it.
ASSIGNED = ExpressionWrapper(Q(assigned_to__isnull=False), output_field=BooleanField())


def by_urgency(cases, *, unassigned_first=False):
    """``cases`` most urgent first; with ``unassigned_first``, those without a worker first."""
    order = [F("due_at").asc(nulls_last=True), "received_at", "pk"]
    if unassigned_first:
        order.insert(0, ASSIGNED.asc())
    return cases.order_by(*order)


def urgency_counts(cases, *, now):
    """Overdue, due-soon and unassigned counts of ``cases``, in one query."""
    return cases.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_soon_at__lte=now, due_at__gte=now)),
        unassigned=Count("pk", filter=Q(assigned_to__isnull=True)),
    )
