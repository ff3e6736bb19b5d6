"""Kept for landed migration 0008, which imports ``report_deadline`` from here
(a landed migration is never edited); the code lives in casework/reports/deadlines.py."""

from casework.reports.deadlines import report_deadline

__all__ = ["report_deadline"]
