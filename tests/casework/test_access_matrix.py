"""Who reaches what in casework: every URL of casework/urls.py, per role and object.

The expected answers are a literal table, read from docs/design.md ("Users and what
each may see", "Security design") and the rules at the top of casework/policy.py; nothing
here is computed from the policy. The views are driven through the test
client, signed in as each user; then the policy functions are asked the same
questions directly.

Objects are set up through the services (data keys, history and access
events are real); each row builds only the object it asks about, and a list
page that answers 200 gets every object. Every object has a draft note, and a
document (a small PDF) on the person's file and on the report, made before
the erased one is erased.
"""

import datetime
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from casework import policy
from casework.documents.services import document_add
from casework.journal.services import journal_entry_write
from casework.models import (
    Document,
    DocumentType,
    JournalEntry,
    Person,
    ReportState,
    Under15Report,
)
from casework.persons.documents import PERSON_DOCUMENT_TYPES
from casework.persons.services import person_erase, person_register
from casework.policy import OPENED_WITH_REASON, PersonAccess, ReportAccess
from casework.reports.pages import REPORT_DOCUMENT_PAGES
from casework.reports.services import report_register
from tests.conftest import sign_in
from tests.documents import samples
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = ("worker", "unit_mate", "colleague", "sspf_member", "manager", "auditor", "administrator")
# The column order of every table below; "guessed" is a random UUID.
OBJECTS = ("own", "mates", "protected", "other_unit", "erased", "guessed")

# object: registered (person, report, a draft note) by, protected identity,
# given names, family name, police reference. The names are unusual enough
# that finding one on a page means the page shows the person.
OBJECT_SPECS = {
    "own": ("worker", False, "Tindra", "Grankvistsson", "5000-K100001-26"),
    "mates": ("unit_mate", False, "Liv", "Ostbergsdotter", "5000-K100002-26"),
    "protected": ("unit_mate", True, "Hemlig", "Skyddadsson", "5000-K100003-26"),
    "other_unit": ("colleague", False, "Elias", "Kortedalsson", "5000-K100004-26"),
    "erased": ("worker", False, "Gustav", "Raderadsson", "5000-K100005-26"),
}
NOTE_TEXT = "Utkast: samtal med vårdnadshavaren om {}"
# The titles of the object's documents: on the person's file, on the report.
FILE_DOCUMENT_TITLE = "Samtyckesblankett i akten, {}"
REPORT_DOCUMENT_TITLE = "Polisens underrättelse i anmälan, {}"
BORN = datetime.date(2013, 4, 5)

# Outcomes. A redirect is named by the page it goes to (always the same object's).
OK = "200"
FORBIDDEN = "403"
NOT_FOUND = "404"
GONE = "410"  # the page that says the file was erased
OPEN = "302 person-open"  # opening the file needs a stated reason
TO_FILE = "302 person-detail"
DONE = "302 report-detail"  # a write on the report went through
FILED = "302 person-detail"  # a document went onto the person's file
ASSIGNED = "302 unit-reports, assigned"
REFUSED = "302 unit-reports, refused with a message"

NOBODY = (NOT_FOUND,) * 6
ROLE_REFUSED = (FORBIDDEN,) * 6

# view -> user -> outcome per object, in the order of OBJECTS:
#     own, mates, protected, other_unit, erased, guessed
# GET pages unless the view is marked POST (valid data).
OBJECT_VIEWS = {
    "person-detail": {
        "worker": (OK, OK, NOT_FOUND, OPEN, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, OPEN, GONE, NOT_FOUND),
        "colleague": (OPEN, OPEN, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "person-open": {
        "worker": (TO_FILE, TO_FILE, NOT_FOUND, OK, GONE, NOT_FOUND),
        "unit_mate": (TO_FILE, TO_FILE, TO_FILE, OK, GONE, NOT_FOUND),
        "colleague": (OK, OK, NOT_FOUND, TO_FILE, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # Outside the assignment the edit page sends to the file (which asks for
    # a reason), never shows the form: a reason opens a file to read only.
    "person-edit": {
        "worker": (OK, OK, NOT_FOUND, TO_FILE, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, TO_FILE, GONE, NOT_FOUND),
        "colleague": (TO_FILE, TO_FILE, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # Recording a disclosure is for those who work with the person; outside
    # the assignment the page sends to the file, as editing does.
    "disclosure-create": {
        "worker": (OK, OK, NOT_FOUND, TO_FILE, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, TO_FILE, GONE, NOT_FOUND),
        "colleague": (TO_FILE, TO_FILE, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # A manager has no report page; the unit's list is theirs.
    "report-detail": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST assess_protection.
    "report-step": {
        "worker": (DONE, DONE, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (DONE, DONE, DONE, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "contact-create": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST.
    "journal-create": {
        "worker": (DONE, DONE, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (DONE, DONE, DONE, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # The note is the draft the report's own worker wrote. worker x mates and
    # unit_mate x own open a unit colleague's draft: the view shows its text
    # in the edit form (journal_entry_edit refuses to save another's draft).
    "journal-edit": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST, the same note: only its writer signs it; someone else's is 403.
    "journal-sign": {
        "worker": (DONE, FORBIDDEN, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (FORBIDDEN, DONE, DONE, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST assigned_to=unit_mate. Only a manager assigns (403 by role first,
    # also for a guessed id); a report outside their unit is 404.
    "report-assign to unit_mate": {
        "worker": ROLE_REFUSED,
        "unit_mate": ROLE_REFUSED,
        "colleague": ROLE_REFUSED,
        "sspf_member": NOBODY,  # 404: must not learn the page exists
        "manager": (ASSIGNED, ASSIGNED, ASSIGNED, NOT_FOUND, GONE, NOT_FOUND),
        "auditor": ROLE_REFUSED,
        "administrator": ROLE_REFUSED,
    },
    # POST assigned_to=worker, who does not work with the protected person.
    "report-assign to worker": {
        "worker": ROLE_REFUSED,
        "unit_mate": ROLE_REFUSED,
        "colleague": ROLE_REFUSED,
        "sspf_member": NOBODY,  # 404: must not learn the page exists
        "manager": (ASSIGNED, ASSIGNED, REFUSED, NOT_FOUND, GONE, NOT_FOUND),
        "auditor": ROLE_REFUSED,
        "administrator": ROLE_REFUSED,
    },
    # A document on the person's file is read where the file is read: assigned
    # or the unit's, or opened with a stated reason. Outside that, 404 (logged):
    # not the way to person-open that the file's own page gives.
    "person-document-preview": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "person-document-content": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "person-document-download": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # The session holds the object's person as opened with a stated reason: the
    # file's documents open with it, but never a protected person's.
    "person-document-download with a reason": {
        "worker": (OK, OK, NOT_FOUND, OK, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, OK, GONE, NOT_FOUND),
        "colleague": (OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # Adding needs the file assigned (or the unit's); a reason opens it to read only.
    "person-document-add": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "person-document-add with a reason": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST a PDF.
    "person-document-add upload": {
        "worker": (FILED, FILED, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (FILED, FILED, FILED, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, FILED, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # A report's documents are case records: for those who work the report and
    # read its journal. The manager, who assigns it, reads none of them.
    "report-document-preview": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "report-document-content": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "report-document-download": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    "report-document-add": {
        "worker": (OK, OK, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (OK, OK, OK, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
    # POST a PDF.
    "report-document-add upload": {
        "worker": (DONE, DONE, NOT_FOUND, NOT_FOUND, GONE, NOT_FOUND),
        "unit_mate": (DONE, DONE, DONE, NOT_FOUND, GONE, NOT_FOUND),
        "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, DONE, NOT_FOUND, NOT_FOUND),
        "sspf_member": NOBODY,
        "manager": NOBODY,
        "auditor": NOBODY,
        "administrator": NOBODY,
    },
}

# view -> user -> outcome: the pages without an object, by role.
WORKERS_ONLY = {
    "worker": OK,
    "unit_mate": OK,
    "colleague": OK,
    "sspf_member": NOT_FOUND,  # must not learn the page exists
    "manager": FORBIDDEN,
    "auditor": FORBIDDEN,
    "administrator": FORBIDDEN,
}
MANAGERS_ONLY = {
    "worker": FORBIDDEN,
    "unit_mate": FORBIDDEN,
    "colleague": FORBIDDEN,
    "sspf_member": NOT_FOUND,  # must not learn the page exists
    "manager": OK,
    "auditor": FORBIDDEN,
    "administrator": FORBIDDEN,
}
LIST_VIEWS = {
    "person-search": WORKERS_ONLY,
    "person-create": WORKERS_ONLY,
    "report-create": WORKERS_ONLY,
    "report-list": WORKERS_ONLY,
    "unit-reports": MANAGERS_ONLY,
    # The anonymised figures: a manager's, and nobody else's who sees cases.
    "report-summary": MANAGERS_ONLY,
    "report-year-report": MANAGERS_ONLY,
}
# The manager's list: these reports, by reference, and no name.
UNIT_LIST = {"own", "mates", "protected"}
# Pages that show the person's name when they answer 200.
NAMING_PAGES = {"person-detail", "person-edit", "report-detail"}

ROWS = [
    pytest.param(view, user, obj, outcome, id=f"{view}|{user}|{obj}")
    for view, by_user in OBJECT_VIEWS.items()
    for user, outcomes in by_user.items()
    for obj, outcome in zip(OBJECTS, outcomes, strict=True)
] + [
    pytest.param(view, user, None, outcome, id=f"{view}|{user}")
    for view, by_user in LIST_VIEWS.items()
    for user, outcome in by_user.items()
]


def test_the_tables_cover_every_casework_url_and_user():
    from casework.urls import urlpatterns

    covered = {view.split(" ")[0] for view in OBJECT_VIEWS} | set(LIST_VIEWS)
    assert covered == {pattern.name for pattern in urlpatterns}
    for by_user in (*OBJECT_VIEWS.values(), *LIST_VIEWS.values()):
        assert tuple(by_user) == USERS


@pytest.fixture
def unit_mate(unit):
    return UserFactory(
        username="unit_mate",
        first_name="Maja",
        last_name="Enhetsson",
        role=Role.SOCIAL_WORKER,
        unit=unit,
    )


class World:
    """The users and objects of the tables, made on first use."""

    def __init__(self, request, district):
        self._request = request
        self.district = district
        self.persons, self.reports, self.notes = {}, {}, {}
        # object -> the pk of its document on the person's file, on the report
        self.documents = {"person": {}, "report": {}}
        self.guessed, self.guessed_note, self.guessed_document = (uuid.uuid4() for _ in range(3))

    def user(self, name):
        return self._request.getfixturevalue(name)

    def build(self, *names, notes=True):
        """Make the objects; ``notes=False``: without their draft note and
        documents (for the policy)."""
        for name in names:
            if name != "guessed" and name not in self.reports:
                self._build(name, notes)
        return self

    def _build(self, name, with_note):
        by_name, protected, given_names, family_name, police_reference = OBJECT_SPECS[name]
        by = self.user(by_name)
        person = person_register(
            by=by,
            given_names=given_names,
            family_name=family_name,
            date_of_birth=BORN,
            protected_identity=protected,
        )
        report = report_register(
            by=by,
            person=person,
            police_reference=police_reference,
            offence_category="theft",
            offence_date=timezone.localdate() - datetime.timedelta(days=2),
            received_at=timezone.now() - datetime.timedelta(hours=3),
            district=self.district,
        )
        if with_note:
            note = journal_entry_write(case=report, by=by, text=NOTE_TEXT.format(name))
            self.notes[name] = note.pk
            self.documents["person"][name] = _pdf_added(
                owner=person,
                person=person,
                by=by,
                title=FILE_DOCUMENT_TITLE.format(name),
                document_type=DocumentType.CONSENT_FORM,
                types=PERSON_DOCUMENT_TYPES,
            ).pk
            self.documents["report"][name] = _pdf_added(
                owner=report,
                person=person,
                by=by,
                title=REPORT_DOCUMENT_TITLE.format(name),
                document_type=DocumentType.POLICE_NOTIFICATION,
                types=REPORT_DOCUMENT_PAGES.types,
            ).pk
        if name == "erased":
            person_erase(person=person, by=by)
        self.persons[name], self.reports[name] = person.pk, report.pk

    def person(self, name):
        return Person.objects.get(pk=self.persons[name])

    def report(self, name):
        return Under15Report.objects.select_related("person").get(pk=self.reports[name])

    def person_pk(self, name):
        return self.guessed if name == "guessed" else self.persons[name]

    def report_pk(self, name):
        return self.guessed if name == "guessed" else self.reports[name]

    def note_pk(self, name):
        return self.guessed_note if name == "guessed" else self.notes[name]

    def document_pk(self, owner, name):
        """The object's document on the person's file (``owner`` "person") or the report."""
        return self.guessed_document if name == "guessed" else self.documents[owner][name]


def _pdf_added(*, owner, person, by, title, document_type, types):
    return document_add(
        owner=owner,
        person=person,
        data_key=person.data_key,
        by=by,
        upload=SimpleUploadedFile("scan.pdf", samples.pdf(), content_type="application/pdf"),
        title=title,
        document_type=document_type,
        document_date=timezone.localdate(),
        types=types,
    )


@pytest.fixture
def world(request, db):
    return World(request, DistrictFactory(name="Hjällbo"))


def _now_field():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _document_request(client, world, view, obj):
    """A document view's request: add (GET the form, or POST a PDF), or the object's document."""
    name, _, variant = view.partition(" ")
    owner = "person" if name.startswith("person-") else "report"
    pk = world.person_pk(obj) if owner == "person" else world.report_pk(obj)
    if variant == "with a reason":
        session = client.session
        session.update(_opened_with_reason(world.person_pk(obj)))
        session.save()
    if name.endswith("-add"):
        url = reverse(f"casework:{name}", kwargs={"pk": pk})
        if variant != "upload":
            return client.get(url)
        upload = SimpleUploadedFile("beslut.pdf", samples.pdf(), content_type="application/pdf")
        return client.post(
            url,
            {
                "title": f"Uppladdad, {obj}",
                "document_type": DocumentType.DECISION,
                "document_date": timezone.localdate().isoformat(),
                "file": upload,
            },
        )
    document = {"pk": pk, "document_pk": world.document_pk(owner, obj)}
    return client.get(reverse(f"casework:{name}", kwargs=document))


def _request(client, world, view, obj):
    """The view's request for the object; POSTs carry valid data."""
    if obj is None:
        return client.get(reverse(f"casework:{view}"))
    if "-document-" in view:
        return _document_request(client, world, view, obj)
    if view.startswith("person-") or view == "disclosure-create":
        return client.get(reverse(f"casework:{view}", kwargs={"pk": world.person_pk(obj)}))
    report = {"pk": world.report_pk(obj)}
    note = {**report, "entry_pk": world.note_pk(obj)}
    if view in ("report-detail", "contact-create"):
        return client.get(reverse(f"casework:{view}", kwargs=report))
    if view == "report-step":
        step = "assess_protection"
        return client.post(
            reverse("casework:report-step", kwargs={**report, "step": step}),
            {
                f"{step}-expected_state": ReportState.RECEIVED,
                f"{step}-at": _now_field(),
                f"{step}-protection_needed": "no",
            },
        )
    if view == "journal-create":
        return client.post(reverse("casework:journal-create", kwargs=report), {"text": "Ny"})
    if view == "journal-edit":
        return client.get(reverse("casework:journal-edit", kwargs=note))
    if view == "journal-sign":
        return client.post(reverse("casework:journal-sign", kwargs=note))
    if view.startswith("report-assign to "):
        target = world.user(view.removeprefix("report-assign to "))
        return client.post(
            reverse("casework:report-assign", kwargs=report), {"assigned_to": target.pk}
        )
    raise AssertionError(f"no request for {view}")


def _outcome(response, expected_pk):
    """The response as the tables name it."""
    if response.status_code != 302:
        return str(response.status_code)
    match = resolve(urlsplit(response["Location"]).path)
    outcome = f"302 {match.url_name}"
    if match.url_name == "unit-reports":
        levels = {message.level for message in get_messages(response.wsgi_request)}
        if levels == {message_levels.SUCCESS}:
            return f"{outcome}, assigned"
        if levels == {message_levels.ERROR}:
            return f"{outcome}, refused with a message"
        return f"{outcome}, messages {levels}"
    if expected_pk is not None and str(match.kwargs.get("pk")) != str(expected_pk):
        return f"{outcome} of another object"
    return outcome


def _object_state(world, obj):
    """What a refused request must not have changed."""
    if obj in (None, "guessed"):
        return None
    report = world.report(obj)
    documents = Document.objects.filter(erased_at__isnull=True)
    return {
        "state": report.state,
        "assigned_to": report.assigned_to_id,
        "notes": JournalEntry.objects.filter(case_id=report.pk).count(),
        "signed": JournalEntry.objects.get(pk=world.notes[obj]).is_signed,
        "file_documents": documents.filter(
            owner_type=ContentType.objects.get_for_model(Person), owner_id=report.person_id
        ).count(),
        "report_documents": documents.filter(
            owner_type=ContentType.objects.get_for_model(Under15Report), owner_id=report.pk
        ).count(),
    }


def _body(response):
    """The response's bytes, streamed (a document) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize(("view", "user_name", "obj", "expected"), ROWS)
def test_access_matrix(client, world, view, user_name, obj, expected):
    # A list page gets every object; a page refused by role needs none.
    if obj is not None:
        world.build(obj)
    elif expected == OK:
        world.build(*OBJECT_SPECS)
    user = world.user(user_name)
    if view.startswith("report-assign"):
        world.user(view.removeprefix("report-assign to "))
    before = _object_state(world, obj)
    denied_before = set(AccessEvent.objects.values_list("pk", flat=True))
    sign_in(client, user)
    client.raise_request_exception = False  # a crash is a 500 in the table, not an error

    response = _request(client, world, view, obj)
    is_person_view = view.startswith("person-") or view == "disclosure-create"
    target_pk = None
    if obj is not None:
        target_pk = world.person_pk(obj) if is_person_view else world.report_pk(obj)
    assert _outcome(response, target_pk) == expected

    body = _body(response)
    content = body.decode(errors="replace")
    # No page names a person the user may not read (with their session as it is now).
    for name, person_pk in world.persons.items():
        if OBJECT_SPECS[name][3] in content:
            access = policy.person_access(
                user=user, person=Person.objects.get(pk=person_pk), session=client.session
            )
            assert access.may_read, f"{view} shows {name}'s name to {user_name} ({access})"
    # Nor a document title to whom the document is not open.
    for name in world.documents["person"]:
        if FILE_DOCUMENT_TITLE.format(name) in content:
            access = policy.person_access(
                user=user, person=world.person(name), session=client.session
            )
            assert access.may_read, f"{view} shows {name}'s file document to {user_name}"
    for name in world.documents["report"]:
        if REPORT_DOCUMENT_TITLE.format(name) in content:
            reach = policy.report_access(user=user, report=world.report(name))
            assert reach is ReportAccess.WORK and policy.may_see_case_records(user), (
                f"{view} shows {name}'s report document to {user_name}"
            )
    if obj not in (None, "guessed"):
        _, _, _, family_name, police_reference = OBJECT_SPECS[obj]
        if expected == OK and view in NAMING_PAGES:
            assert family_name in content
        # The pages of the file and of the report list their document.
        if expected == OK and view == "person-detail":
            assert FILE_DOCUMENT_TITLE.format(obj) in content
        if expected == OK and view == "report-detail":
            assert REPORT_DOCUMENT_TITLE.format(obj) in content
        if expected != OK:
            for secret in (
                family_name,
                police_reference,
                NOTE_TEXT.format(obj),
                FILE_DOCUMENT_TITLE.format(obj),
                REPORT_DOCUMENT_TITLE.format(obj),
                samples.SECRET,
            ):
                assert secret not in content
        if expected == OK and "-document-" in view:
            _check_the_document(view, obj, response, body)

    if expected == NOT_FOUND and obj is not None:
        # Refused objects are logged, a guessed id too: who guessed stays on record.
        refusal = AccessEvent.objects.filter(
            action="access_denied", object_id=str(target_pk), outcome="denied"
        ).exclude(pk__in=denied_before)
        assert refusal.filter(actor=user).exists(), f"{view} answered 404 and logged no refusal"
    if view == "unit-reports" and expected == OK:
        for name in OBJECT_SPECS:
            assert (world.report(name).reference in content) == (name in UNIT_LIST), name
    if obj not in (None, "guessed"):
        _check_what_changed(world, view, obj, expected, before, client)


def _check_the_document(view, obj, response, body):
    """What an OK document view gave: the object's document, as the view is for."""
    name = view.split(" ")[0]
    title = (FILE_DOCUMENT_TITLE if name.startswith("person-") else REPORT_DOCUMENT_TITLE).format(
        obj
    )
    if name.endswith("-preview"):
        assert title in response.content.decode()
    elif name.endswith("-content") or name.endswith("-download"):
        assert body == samples.pdf()
        assert response["Content-Type"] == "application/pdf"
        disposition = "inline;" if name.endswith("-content") else "attachment;"
        assert response["Content-Disposition"].startswith(disposition)
        assert title not in response["Content-Disposition"]


def _check_what_changed(world, view, obj, expected, before, client):
    after = _object_state(world, obj)
    changed = {key for key in before if before[key] != after[key]}
    if expected == DONE and view == "report-step":
        assert after["state"] == ReportState.PROTECTION_ASSESSED
        assert changed == {"state"}
    elif expected == DONE and view == "journal-create":
        assert after["notes"] == before["notes"] + 1
        assert changed == {"notes"}
    elif expected == DONE and view == "journal-sign":
        assert changed == {"signed"}
    elif expected == FILED and view == "person-document-add upload":
        assert after["file_documents"] == before["file_documents"] + 1
        assert changed == {"file_documents"}
    elif expected == DONE and view == "report-document-add upload":
        assert after["report_documents"] == before["report_documents"] + 1
        assert changed == {"report_documents"}
    elif expected == ASSIGNED:
        target = world.user(view.removeprefix("report-assign to "))
        assert after["assigned_to"] == target.pk
        assert changed <= {"assigned_to"}
    else:
        assert not changed, f"{view} changed {changed} though it answered {expected}"
    if expected == REFUSED:
        # The refused worker still does not reach the report.
        target = world.user(view.removeprefix("report-assign to "))
        sign_in(client, target)
        page = client.get(reverse("casework:report-detail", kwargs={"pk": world.reports[obj]}))
        assert page.status_code == 404


A, W, R, N, E = (
    PersonAccess.ASSIGNED,
    PersonAccess.WITH_REASON,
    PersonAccess.NEEDS_REASON,
    PersonAccess.NONE,
    PersonAccess.ERASED,
)
NO_PERSON = (N,) * 5
WORK, MANAGE, NO_REPORT = ReportAccess.WORK, ReportAccess.MANAGE, ReportAccess.NONE
NO_NAME = (False,) * 5

# function -> user -> answer per object (own, mates, protected, other_unit,
# erased). "with a reason": the user's session holds the object's person as
# opened with a stated reason (even where the open page would refuse it).
# report_access answers reach, erased included; the pages turn that into 410.
POLICY = {
    "person_access": {
        "worker": (A, A, N, R, E),
        "unit_mate": (A, A, A, R, E),
        "colleague": (R, R, N, A, N),
        "sspf_member": NO_PERSON,
        "manager": NO_PERSON,
        "auditor": NO_PERSON,
        "administrator": NO_PERSON,
    },
    "person_access with a reason": {
        "worker": (A, A, N, W, E),
        "unit_mate": (A, A, A, W, E),
        "colleague": (W, W, N, A, N),
        "sspf_member": NO_PERSON,
        "manager": NO_PERSON,
        "auditor": NO_PERSON,
        "administrator": NO_PERSON,
    },
    "report_access": {
        "worker": (WORK, WORK, NO_REPORT, NO_REPORT, WORK),
        "unit_mate": (WORK, WORK, WORK, NO_REPORT, WORK),
        "colleague": (NO_REPORT, NO_REPORT, NO_REPORT, WORK, NO_REPORT),
        "sspf_member": (NO_REPORT,) * 5,
        "manager": (MANAGE, MANAGE, MANAGE, NO_REPORT, MANAGE),
        "auditor": (NO_REPORT,) * 5,
        "administrator": (NO_REPORT,) * 5,
    },
    "report_shows_person": {
        "worker": (True, True, False, False, False),
        "unit_mate": (True, True, True, False, False),
        "colleague": (False, False, False, True, False),
        "sspf_member": NO_NAME,
        "manager": NO_NAME,
        "auditor": NO_NAME,
        "administrator": NO_NAME,
    },
    "report_shows_person with a reason": {
        "worker": (True, True, False, True, False),
        "unit_mate": (True, True, True, True, False),
        "colleague": (True, True, False, True, False),
        "sspf_member": NO_NAME,
        "manager": NO_NAME,
        "auditor": NO_NAME,
        "administrator": NO_NAME,
    },
}

POLICY_ROWS = [
    pytest.param(function, user, obj, answer, id=f"{function}|{user}|{obj}")
    for function, by_user in POLICY.items()
    for user, answers in by_user.items()
    for obj, answer in zip(OBJECTS[:5], answers, strict=True)
]


def _opened_with_reason(person_pk):
    expires = time.time() + 600
    return {OPENED_WITH_REASON: {str(person_pk): {"expires": expires, "reason": "x"}}}


@pytest.mark.parametrize(("function", "user_name", "obj", "expected"), POLICY_ROWS)
def test_the_policy_gives_the_same_answers(world, function, user_name, obj, expected):
    world.build(obj, notes=False)
    user = world.user(user_name)
    name = function.removesuffix(" with a reason")
    session = _opened_with_reason(world.persons[obj]) if function != name else None
    if name == "person_access":
        answer = policy.person_access(user=user, person=world.person(obj), session=session)
    elif name == "report_access":
        answer = policy.report_access(user=user, report=world.report(obj))
    else:
        answer = policy.report_shows_person(user=user, report=world.report(obj), session=session)
    assert answer == expected


# report -> the workers a manager may assign it to: the unit's social workers;
# for a protected person only those already working with the person.
ASSIGNABLE = {
    "own": {"worker", "unit_mate"},
    "mates": {"worker", "unit_mate"},
    "protected": {"unit_mate"},
    "other_unit": {"colleague"},
    "erased": {"worker", "unit_mate"},
}


@pytest.mark.parametrize(("obj", "expected"), ASSIGNABLE.items(), ids=list(ASSIGNABLE))
def test_the_policy_assigns_as_the_table_says(world, obj, expected):
    users = {world.user(name).pk: name for name in USERS}
    world.build(obj, notes=False)
    workers = policy.assignable_workers(report=world.report(obj))
    assert {users[pk] for pk in workers.values_list("pk", flat=True)} == expected
