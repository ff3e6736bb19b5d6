"""Who may see and change what in casework: the one access decision.

Every selector, service and view of casework asks here; nothing else
decides access by role. The rules (docs/design.md, "Users and what each may see"):

- A social worker works the persons and reports of their unit and the ones
  assigned to them. A person is *assigned* to a worker who registered them
  or who holds one of their reports; a person is the unit's when the unit is
  responsible for them or has one of their reports.
- Protected identity narrows a person to the workers assigned to them: not
  the rest of the unit, and not with a stated reason either. Their unit
  manager sees the report in the unit's list by reference, never the name.
- Any other person's file opens only with a stated reason, for a while,
  flagged in the access log (``PersonAccess.NEEDS_REASON`` until then).
- A unit manager sees the unit's reports with minimal identifiers and
  assigns them; no person's file, no journal.
- Auditors, administrators and SSPF members see no casework content.
- Erased persons and erased reports are in no list; opening one shows that
  it was erased.

Each rule also needs the role's named permission (accounts.roles), so a
role without e.g. ``casework.view_person_file`` reaches nothing here even
if a selector forgot to ask.
"""

# Each concept states its half where it lives; this module is where the rules
# are written down and where a reader (or a test) finds all of them.
from casework.journal.access import may_see_case_records
from casework.persons.access import (
    OPENED_WITH_REASON,
    Erased,
    PersonAccess,
    person_access,
    persons_for_user,
)
from casework.reports.access import (
    ReportAccess,
    assignable_workers,
    report_access,
    report_shows_person,
    reports_assigned_to,
    reports_for_user,
    unit_workers,
)

__all__ = [
    "OPENED_WITH_REASON",
    "Erased",
    "PersonAccess",
    "ReportAccess",
    "assignable_workers",
    "may_see_case_records",
    "person_access",
    "persons_for_user",
    "report_access",
    "report_shows_person",
    "reports_assigned_to",
    "reports_for_user",
    "unit_workers",
]
