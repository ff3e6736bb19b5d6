"""Everything held about one person, across programmes, as plain data.

A file is a list of sections ``{"title", "items"}``; an item is ``{"key",
"label", "value"}`` with a stable key ``"<app.model>:<row id>:<field>"`` (what
a withholding names). Values are what JSON can carry: text, numbers,
booleans, lists and dicts (guardians, AUDIT answers).

Rows are read field by field from ``_meta.concrete_fields``: a field added to
a model is exported unless it is named in ``EXCLUDED`` (keys, blind indexes,
internal ids). tests/subject_access/test_field_coverage.py fails when a
model that holds data about a person is neither collected nor excluded.
"""

import datetime
import decimal
import uuid

from django.utils import timezone
from django.utils.translation import gettext as _

from avhopp.models import CaseTargetGroup, ExitCase, Intervention, Measurement, PlanGoal
from casework.disclosures.models import Disclosure
from casework.documents.models import Document
from casework.journal.models import Contact, JournalEntry
from casework.persons.models import Person
from casework.reports.models import Under15Report
from retention.models import LegalHold
from sspf.models import AgendaItem, AgreedAction, ConcernReferral, Consent

# What is never exported, per model: key material, blind indexes, the row's
# own id and the links that place it (the key names the row), and internal
# bookkeeping that says nothing about the person.
_ROW = {"id", "data_key", "person"}
EXCLUDED = {
    Person: {"id", "data_key", "identity_number_index", "born_on_research_day", "erased_at"},
    Under15Report: _ROW | {"import_key", "source_reference", "erased_at", "first_contact"},
    Contact: _ROW | {"case_type", "case_id"},
    JournalEntry: _ROW | {"case_type", "case_id", "contact", "corrects"},
    ExitCase: _ROW | {"erased_at", "next_due_on", "next_due_occasion"},
    CaseTargetGroup: {"id", "case"},
    PlanGoal: {"id", "data_key", "case"},
    Intervention: {"id", "data_key", "case"},
    Measurement: {"id", "data_key", "case"},
    ConcernReferral: _ROW | {"reviewed_deidentified"},
    Consent: {"id", "referral"},
    AgendaItem: {"id", "referral", "data_key", "meeting", "position"},
    AgreedAction: {"id", "referral", "data_key", "agreed_at"},
    LegalHold: {"id", "person"},
    Disclosure: {"id", "person"},
    # The content itself is handed over as the file (download it from the
    # case); the export lists each document and what it is.
    Document: _ROW | {"owner_type", "owner_id", "blob_name", "erased_at"},
}


def exported_fields(model):
    """The model's fields that go into the export, in declaration order."""
    excluded = EXCLUDED[model]
    return [field for field in model._meta.concrete_fields if field.name not in excluded]


def _user_name(user):
    return (user.get_full_name() or user.get_username()) if user else None


def _value(instance, field):
    if field.choices:
        raw = getattr(instance, field.attname)
        return (
            str(getattr(instance, f"get_{field.name}_display")())
            if raw not in ("", None)
            else None
        )
    if field.is_relation:
        related = getattr(instance, field.name)
        if related is None:
            return None
        if field.related_model._meta.label_lower == "accounts.user":
            return _user_name(related)
        return str(related)
    value = getattr(instance, field.name)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    return value


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def item_key(instance, field_name):
    return f"{instance._meta.label_lower}:{instance.pk}:{field_name}"


def row_items(instance):
    """One item per exported field that holds a value."""
    items = []
    for field in exported_fields(type(instance)):
        value = _value(instance, field)
        if _empty(value):
            continue
        items.append(
            {
                "key": item_key(instance, field.name),
                "label": str(field.verbose_name),
                "value": value,
            }
        )
    return items


def _section(title, instance):
    return {"title": title, "items": row_items(instance)}


def person_section(person):
    return [_section(_("Person"), person)]


def casework_sections(person):
    sections = []
    reports = Under15Report.objects.filter(person=person, erased_at__isnull=True).order_by(
        "received_at"
    )
    for report in reports.select_related("district", "unit", "assigned_to", "linked_report"):
        sections.append(
            _section(
                _("Report to social services %(received)s")
                % {"received": timezone.localtime(report.received_at).date().isoformat()},
                report,
            )
        )
    contacts = Contact.objects.filter(person=person).order_by("occurred_at", "pk")
    for contact in contacts.select_related("created_by"):
        title = _("Contact %(time)s") % {
            "time": timezone.localtime(contact.occurred_at).isoformat(timespec="minutes")
        }
        sections.append(_section(title, contact))
    entries = JournalEntry.objects.filter(person=person).order_by("created_at", "pk")
    for entry in entries.select_related("created_by", "signed_by"):
        title = _("Journal entry %(time)s") % {
            "time": timezone.localtime(entry.created_at).isoformat(timespec="minutes")
        }
        sections.append(_section(title, entry))
    return sections


def avhopp_sections(person):
    sections = []
    cases = ExitCase.objects.filter(person=person, erased_at__isnull=True).order_by("inquiry_at")
    for case in cases.select_related("district", "unit", "assigned_to"):
        section = _section(_("Exit programme case"), case)
        for group in CaseTargetGroup.objects.filter(case=case).order_by("group"):
            section["items"] += row_items(group)
        sections.append(section)
        for model, title in (
            (PlanGoal, _("Exit plan goal")),
            (Intervention, _("Intervention")),
            (Measurement, _("Outcome measurement")),
        ):
            for row in model.objects.filter(case=case).order_by("created_at", "pk"):
                sections.append(_section(title, row))
    return sections


def sspf_sections(person):
    sections = []
    referrals = ConcernReferral.objects.filter(person=person).order_by("raised_at", "pk")
    for referral in referrals.select_related("group", "raised_by"):
        sections.append(_section(_("SSPF concern referral"), referral))
        for model, title in (
            (Consent, _("Consent")),
            (AgendaItem, _("SSPF meeting item")),
            (AgreedAction, _("Agreed action")),
        ):
            for row in model.objects.filter(referral=referral).order_by("pk"):
                sections.append(_section(title, row))
    return sections


def retention_sections(person):
    holds = LegalHold.objects.filter(person=person).order_by("placed_at")
    return [_section(_("Legal hold"), hold) for hold in holds]


def document_sections(person):
    documents = Document.objects.filter(person=person, erased_at__isnull=True)
    return [
        _section(_("Document (hand over the file itself)"), row)
        for row in documents.select_related("added_by").order_by("added_at", "pk")
    ]


def disclosure_sections(person):
    disclosures = Disclosure.objects.filter(person=person).order_by("disclosed_at", "pk")
    return [_section(_("Disclosure of your data"), row) for row in disclosures]


COLLECTORS = (
    person_section,
    casework_sections,
    avhopp_sections,
    sspf_sections,
    retention_sections,
    document_sections,
    disclosure_sections,
)


def person_file_collect(person):
    """Every section held about ``person``, decrypted, in programme order."""
    sections = []
    for collector in COLLECTORS:
        sections += [section for section in collector(person) if section["items"]]
    return sections


def withheld_applied(sections, withholdings):
    """The sections with each withheld item's value taken out, and the ground
    and decider put in its place."""
    by_key = {withholding.item_key: withholding for withholding in withholdings}
    result = []
    for section in sections:
        items = []
        for item in section["items"]:
            withholding = by_key.get(item["key"])
            if withholding is None:
                items.append({**item, "withheld": False})
                continue
            items.append(
                {
                    "key": item["key"],
                    "label": item["label"],
                    "withheld": True,
                    "ground": withholding.get_ground_display(),
                    "decided_by": _user_name(withholding.decided_by),
                    "decided_at": timezone.localtime(withholding.decided_at).isoformat(
                        timespec="minutes"
                    ),
                }
            )
        result.append({"title": section["title"], "items": items})
    return result


def item_keys(sections):
    return {item["key"] for section in sections for item in section["items"]}


# Models about a person deliberately not in the export, and why (the
# coverage test fails on a model in neither list).
NOT_COLLECTED = {
    "casework.personnametoken": "blind-index hashes of the name, not data",
    "retention.erasure": "a tombstone of an erased file; nothing personal",
    "subject_access.subjectaccessrequest": "the request itself, answered by the export",
    "subject_access.withholding": "shown in the export as the withheld items' marks",
}


def collected_models():
    return set(EXCLUDED)
