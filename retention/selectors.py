"""Which files are due for erasure, in SQL: ordered and paged like every list."""

import datetime

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from avhopp.models import FINAL_STATES as EXIT_CASE_FINAL_STATES
from casework.documents.models import Document
from casework.journal.models import Contact, JournalEntry
from casework.persons.cases import case_models, cases_of_person
from casework.persons.models import Person
from casework.reports.models import ReportState
from retention.models import LegalHold
from retention.rules import Rule, research_exception_applies, social_services_cutoff, sspf_cutoff
from sspf.models import FINISHED_STATES as REFERRAL_FINISHED_STATES
from sspf.models import ConcernReferral, ReferralState

# Older than anything a file holds: the value of an empty history.
_NEVER = Value(datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())

# Each programme's final states; a case in any other state keeps the file.
_FINAL_STATES = {
    "casework.under15report": {ReportState.CLOSED},
    "avhopp.exitcase": set(EXIT_CASE_FINAL_STATES),
}


def _latest_change(model, person_field="person_id"):
    """The newest history row of ``model`` about the person (the outer row)."""
    history = model.history.model
    newest = (
        history.objects.filter(**{person_field: OuterRef("pk")})
        .order_by()
        .values(person_field)
        .annotate(newest=Max("history_date"))
        .values("newest")[:1]
    )
    return Coalesce(Subquery(newest, output_field=DateTimeField()), _NEVER)


def _closed_values(model):
    return {str(state) for state in _FINAL_STATES[model._meta.label_lower]}


def _all_cases_finished():
    unfinished = [
        Exists(
            model.objects.filter(person=OuterRef("pk"), erased_at__isnull=True).exclude(
                state__in=_closed_values(model)
            )
        )
        for model in case_models()
    ]
    condition = Q()
    for exists in unfinished:
        condition &= ~exists
    return condition


def persons_with_last_entry():
    """Persons not erased, with ``last_entry_at``: the newest change anywhere in
    their file (the person, every programme's cases, contacts, journal
    entries, documents and SSPF referrals; history rows are the entries)."""
    latest = [_latest_change(Person, "id")]
    latest += [_latest_change(model) for model in case_models()]
    latest += [_latest_change(Contact), _latest_change(JournalEntry), _latest_change(Document)]
    latest.append(_latest_change(ConcernReferral))
    return Person.objects.filter(erased_at__isnull=True).annotate(last_entry_at=Greatest(*latest))


def _sspf_only():
    """The person's file is SSPF referrals that were never reported, nothing more."""
    return (
        ~cases_of_person()
        & Exists(ConcernReferral.objects.filter(person=OuterRef("pk")))
        & ~Exists(
            ConcernReferral.objects.filter(person=OuterRef("pk"), state=ReferralState.REPORTED)
        )
    )


def _kept():
    """Files that are never due: an active legal hold, or an open case or referral."""
    return (
        Exists(LegalHold.objects.filter(person=OuterRef("pk"), lifted_at__isnull=True))
        | ~_all_cases_finished()
        | Exists(
            ConcernReferral.objects.filter(person=OuterRef("pk")).exclude(
                state__in=REFERRAL_FINISHED_STATES
            )
        )
    )


def persons_due(*, at):
    """Persons whose file is due for erasure at ``at``, with ``rule`` and
    ``last_entry_at``, oldest first.

    Persons whose research-day bit is not known yet (registered before it
    existed) are not listed: ``retention_run`` works it out first.
    """
    return persons_due_by(social_services=social_services_cutoff(at), sspf=sspf_cutoff(at))


def persons_due_by(*, social_services, sspf):
    persons = persons_with_last_entry().exclude(_kept()).annotate(sspf_only=_sspf_only())
    social = Q(sspf_only=False, last_entry_at__lt=social_services)
    if research_exception_applies():
        social &= Q(born_on_research_day=False)
    sspf_rule = Q(sspf_only=True, last_entry_at__lt=sspf)
    return (
        persons.filter(social | sspf_rule)
        .annotate(rule=_rule_expression())
        .order_by("last_entry_at", "pk")
    )


def _rule_expression():
    return Case(
        When(sspf_only=True, then=Value(Rule.SSPF_UNREPORTED.value)),
        default=Value(Rule.SOCIAL_SERVICES.value),
        output_field=CharField(),
    )


def persons_without_research_bit():
    return Person.objects.filter(erased_at__isnull=True, born_on_research_day__isnull=True)


def persons_of_unit(unit):
    """Persons the unit answers for: its registrations and its cases."""
    return Q(responsible_unit=unit) | cases_of_person(unit=unit)


def legal_hold_active(person):
    return LegalHold.objects.filter(person=person, lifted_at__isnull=True).first()
