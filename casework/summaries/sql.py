"""Counting in SQL without naming any row's identifier."""

from django.db.models import Case, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce


def count_where(condition):
    """How many rows of the group meet ``condition`` (a Q): SUM(CASE ...), not
    COUNT(id), so no identifier stands in the query's select list."""
    return Coalesce(
        Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())),
        Value(0),
    )
