"""casework's models, by concept: persons, journal (contacts and notes), reports.

Django looks for an app's models here; each concept keeps its own in its
package, and this module only gathers them (the app label, and so every
table and migration, stays ``casework``).
"""

from casework.disclosures.models import Disclosure, DisclosureKind, LegalGround
from casework.documents.models import Document, DocumentType
from casework.journal.models import CaseRecord, Contact, ContactKind, JournalEntry, JournalState
from casework.persons.models import (
    Gender,
    Person,
    PersonNameToken,
    identity_number_index,
    name_token_index,
    name_tokens,
    shred,
)
from casework.reports.models import (
    EARLY_CLOSE_REASONS,
    LATER_CLOSE_REASONS,
    OPEN_STATES,
    AssessmentDecision,
    CloseReason,
    OffenceCategory,
    ReportSource,
    ReportState,
    Under15Report,
)
from casework.summaries.models import SummarySnapshot

__all__ = [
    "EARLY_CLOSE_REASONS",
    "LATER_CLOSE_REASONS",
    "OPEN_STATES",
    "AssessmentDecision",
    "CaseRecord",
    "CloseReason",
    "Contact",
    "ContactKind",
    "Disclosure",
    "DisclosureKind",
    "Document",
    "DocumentType",
    "Gender",
    "JournalEntry",
    "JournalState",
    "LegalGround",
    "OffenceCategory",
    "Person",
    "PersonNameToken",
    "ReportSource",
    "ReportState",
    "SummarySnapshot",
    "Under15Report",
    "identity_number_index",
    "name_token_index",
    "name_tokens",
    "shred",
]
