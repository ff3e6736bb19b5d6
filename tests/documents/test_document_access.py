"""Who reaches the documents of an exit case and of an SSPF referral, by role
and object; a document's id tried under another object's address; and the
pages that list documents.

The expected answers are literal tables read from DESIGN.md ("Who uses it",
"Gang-exit programme", "SSPF concern referrals"); nothing here is computed
from the access code. A document has exactly its owner's access: an exit
case's for those who work the case and read its journal (a protected case:
its assigned worker only); a referral's for the members of its group, and
about a youth only while a consent covering the member's organisation holds.

Every object is made through the services and gets one PDF document
(tests/documents/samples.py); each row builds only the object it asks about.
"""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.models import AccessEvent
from avhopp.models import ExitCase
from avhopp.pages import EXIT_CASE_DOCUMENT_PAGES
from casework.documents.services import document_add
from casework.models import DocumentType, Under15Report
from casework.persons.demo import identity_number
from casework.persons.documents import PERSON_DOCUMENT_TYPES
from casework.persons.services import person_register
from casework.reports.pages import REPORT_DOCUMENT_PAGES
from casework.reports.services import report_register
from sspf.documents import REFERRAL_DOCUMENT_PAGES
from sspf.models import ConcernReferral, Consent, Organisation
from sspf.services import consent_record, consent_withdraw, referral_raise
from tests.avhopp.conftest import register
from tests.conftest import sign_in
from tests.documents import samples
from tests.factories import DistrictFactory, SspfGroupFactory, SspfMembershipFactory, UserFactory
from tests.sspf.conftest import YOUTH

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404
DOCUMENT_VIEWS = ("document-preview", "document-content", "document-download", "document-add")
DOCUMENT_OBJECT = "casework.document"


# --- The exit cases ---------------------------------------------------------

EXIT_USERS = (
    "worker",
    "unit_mate",
    "colleague",
    "sspf_member",
    "manager",
    "auditor",
    "administrator",
)
EXIT_OBJECTS = ("own", "mates", "protected", "other_unit", "guessed")
# object -> (registered and so assigned to, protected case, given, family, serial)
EXIT_SPECS = {
    "own": ("worker", False, "Tindra", "Avhoppsdotter", 701),
    "mates": ("unit_mate", False, "Liv", "Kamratsdotter", 702),
    "protected": ("unit_mate", True, "Hemlig", "Skyddsfallsson", 703),
    "other_unit": ("colleague", False, "Elias", "Kortedalsson", 704),
}
EXIT_DOCUMENT_TITLE = "Avhopparavtal undertecknat, {}"
EXIT_NOBODY = (NOT_FOUND,) * 5

# Every document view of an exit case (add: GET the form), per user, in the
# order of EXIT_OBJECTS: own, mates, protected, other_unit, guessed. The
# unit's worker works an unprotected case of a unit mate; a protected case is
# its assigned worker's only. The manager assigns cases, reads no content.
EXIT_CASE_DOCUMENTS = {
    "worker": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "unit_mate": (OK, OK, OK, NOT_FOUND, NOT_FOUND),
    "colleague": (NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND),
    "sspf_member": EXIT_NOBODY,
    "manager": EXIT_NOBODY,
    "auditor": EXIT_NOBODY,
    "administrator": EXIT_NOBODY,
}
EXIT_ROWS = [
    pytest.param(view, user, obj, outcome, id=f"avhopp:{view}|{user}|{obj}")
    for view in DOCUMENT_VIEWS
    for user, outcomes in EXIT_CASE_DOCUMENTS.items()
    for obj, outcome in zip(EXIT_OBJECTS, outcomes, strict=True)
]


@pytest.fixture
def unit_mate(unit):
    return UserFactory(username="unit_mate", role=Role.SOCIAL_WORKER, unit=unit)


def _pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def _document(*, owner, person, data_key, by, title, document_type, types):
    return document_add(
        owner=owner,
        person=person,
        data_key=data_key,
        by=by,
        upload=_pdf(),
        title=title,
        document_type=document_type,
        document_date=timezone.localdate(),
        types=types,
    )


def _exit_case(request, name):
    """The exit case ``name`` of EXIT_SPECS and its document."""
    by_name, protected, given, family, serial = EXIT_SPECS[name]
    by = request.getfixturevalue(by_name)
    case = register(by, serial=serial, given=given, family=family, protected=protected)
    case = ExitCase.objects.select_related("person__data_key").get(pk=case.pk)
    document = _document(
        owner=case,
        person=case.person,
        data_key=case.person.data_key,
        by=by,
        title=EXIT_DOCUMENT_TITLE.format(name),
        document_type=DocumentType.AGREEMENT,
        types=EXIT_CASE_DOCUMENT_PAGES.types,
    )
    return case, document


def _url(namespace, view, owner_pk, document_pk):
    if view.endswith("document-add"):
        return reverse(f"{namespace}:{view}", kwargs={"pk": owner_pk})
    return reverse(f"{namespace}:{view}", kwargs={"pk": owner_pk, "document_pk": document_pk})


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _new_refusals(user, object_id, before):
    return AccessEvent.objects.filter(
        action="access_denied", outcome="denied", actor=user, object_id=str(object_id)
    ).exclude(pk__in=before)


def _check_row(client, user, view, url, expected, *, title, owner_pk):
    """GET ``url`` as ``user``: the outcome, what the body holds, the refusal logged."""
    denied_before = set(AccessEvent.objects.values_list("pk", flat=True))
    sign_in(client, user)
    client.raise_request_exception = False  # a crash is a 500 in the table, not an error
    response = client.get(url)
    assert response.status_code == expected
    body = _body(response)
    if expected != OK:
        assert title.encode() not in body
        assert samples.SECRET.encode() not in body
    elif view == "document-preview":
        assert title in body.decode()
    elif view in ("document-content", "document-download"):
        assert body == samples.pdf()
        assert response["Content-Type"] == "application/pdf"
        inline = view == "document-content"
        assert response["Content-Disposition"].startswith("inline;" if inline else "attachment;")
    else:  # the add form
        assert 'type="file"' in body.decode()
    if expected == NOT_FOUND:
        # 404 for a refused object, a guessed id too: who asked stays on record.
        refusals = _new_refusals(user, owner_pk, denied_before)
        assert refusals.exists(), f"{view} answered 404 and logged no refusal"


@pytest.mark.parametrize(("view", "user_name", "obj", "expected"), EXIT_ROWS)
def test_exit_case_documents(client, request, unit_mate, view, user_name, obj, expected):
    if obj == "guessed":
        case_pk, document_pk, title = uuid.uuid4(), uuid.uuid4(), EXIT_DOCUMENT_TITLE.format(obj)
    else:
        case, document = _exit_case(request, obj)
        case_pk, document_pk, title = case.pk, document.pk, document.title
    user = request.getfixturevalue(user_name)
    url = _url("avhopp", view, case_pk, document_pk)
    _check_row(client, user, view, url, expected, title=title, owner_pk=case_pk)


def test_the_tables_cover_every_document_url_and_user():
    from avhopp.urls import urlpatterns as exit_case_urls
    from sspf.urls import urlpatterns as referral_urls

    for urlpatterns in (exit_case_urls, referral_urls):
        names = {p.name for p in urlpatterns if p.name.startswith("document-")}
        assert names == set(DOCUMENT_VIEWS)
    assert tuple(EXIT_CASE_DOCUMENTS) == EXIT_USERS
    assert tuple(REFERRAL_DOCUMENTS) == REFERRAL_USERS


# --- The SSPF referrals -----------------------------------------------------

REFERRAL_USERS = (
    "school",
    "police",
    "outsider",
    "worker",
    "manager",
    "auditor",
    "administrator",
)
REFERRAL_OBJECTS = ("place", "youth_with_consent", "youth_without_consent", "guessed")
OTHER_YOUTH = {
    "identity_number": identity_number(datetime.date(2012, 6, 2), 436),
    "given_names": "Noah",
    "family_name": "Utansamtyckesson",
}
REFERRAL_DOCUMENT_TITLE = "Minnesanteckningar med underskrifter, {}"

# Every document view of a referral (add: GET the form), per user, in the
# order of REFERRAL_OBJECTS: place, youth_with_consent (a consent covering the
# school holds), youth_without_consent, guessed. school and police are members
# of the referral's group; outsider is a member of another group. A document
# about a youth would name them: it is open only where the youth is.
# The SSPF pages are for SSPF members: any other role is refused by role with
# 403 (roles_required(Role.SSPF_MEMBER), as the referral's own page), also for
# a guessed id.
REFERRAL_ROLE_REFUSED = (FORBIDDEN,) * 4
REFERRAL_DOCUMENTS = {
    "school": (OK, OK, NOT_FOUND, NOT_FOUND),
    "police": (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "outsider": (NOT_FOUND,) * 4,
    "worker": REFERRAL_ROLE_REFUSED,
    "manager": REFERRAL_ROLE_REFUSED,
    "auditor": REFERRAL_ROLE_REFUSED,
    "administrator": REFERRAL_ROLE_REFUSED,
}
REFERRAL_ROWS = [
    pytest.param(view, user, obj, outcome, id=f"sspf:{view}|{user}|{obj}")
    for view in DOCUMENT_VIEWS
    for user, outcomes in REFERRAL_DOCUMENTS.items()
    for obj, outcome in zip(REFERRAL_OBJECTS, outcomes, strict=True)
]


def _member_of(group, username, organisation):
    user = UserFactory(username=username, role=Role.SSPF_MEMBER)
    SspfMembershipFactory(user=user, group=group, organisation=organisation)
    return user


@pytest.fixture
def group(db):
    return SspfGroupFactory(
        name="SSPF Hammarkullen", district=DistrictFactory(name="Hammarkullen")
    )


@pytest.fixture
def school(group):
    return _member_of(group, "skola", Organisation.SCHOOL)


@pytest.fixture
def police(group):
    return _member_of(group, "polis", Organisation.POLICE)


@pytest.fixture
def outsider(db):
    other_group = SspfGroupFactory(name="SSPF Gårdsten", district=DistrictFactory(name="Gårdsten"))
    return _member_of(other_group, "annan", Organisation.SCHOOL)


def _consent(referral, by, organisations=("school",)):
    return consent_record(
        referral=referral,
        by=by,
        granted=True,
        method="written",
        given_on=timezone.localdate(),
        organisations=list(organisations),
        guardian_one=True,
        youth_agrees=True,
    )


def _referral(request, name):
    """The referral ``name`` of REFERRAL_OBJECTS, raised by the school, and its document."""
    group, school = request.getfixturevalue("group"), request.getfixturevalue("school")
    if name == "place":
        about = {"place": "Hammarkullen centrum"}
    else:
        about = YOUTH if name == "youth_with_consent" else OTHER_YOUTH
    referral = referral_raise(
        by=school, group=group, category="violence", concern="Bråk vid torget.", **about
    )
    if name == "youth_with_consent":
        _consent(referral, school)
    referral = ConcernReferral.objects.select_related("person", "data_key").get(pk=referral.pk)
    document = _document(
        owner=referral,
        person=referral.person,
        data_key=referral.data_key,
        by=school,
        title=REFERRAL_DOCUMENT_TITLE.format(name),
        document_type=DocumentType.MINUTES,
        types=REFERRAL_DOCUMENT_PAGES.types,
    )
    return referral, document


@pytest.mark.parametrize(("view", "user_name", "obj", "expected"), REFERRAL_ROWS)
def test_referral_documents(client, request, view, user_name, obj, expected):
    if obj == "guessed":
        referral_pk, document_pk = uuid.uuid4(), uuid.uuid4()
        title = REFERRAL_DOCUMENT_TITLE.format(obj)
    else:
        referral, document = _referral(request, obj)
        referral_pk, document_pk, title = referral.pk, document.pk, document.title
    user = request.getfixturevalue(user_name)
    url = _url("sspf", view, referral_pk, document_pk)
    _check_row(client, user, view, url, expected, title=title, owner_pk=referral_pk)


def _referral_page(client, user, referral):
    sign_in(client, user)
    return client.get(reverse("sspf:referral-detail", kwargs={"pk": referral.pk}))


def _download(client, user, referral, document):
    sign_in(client, user)
    url = _url("sspf", "document-download", referral.pk, document.pk)
    return client.get(url)


def test_after_the_consent_is_withdrawn_the_document_is_hidden(client, request, school):
    referral, document = _referral(request, "youth_with_consent")
    title = REFERRAL_DOCUMENT_TITLE.format("youth_with_consent")
    page = _referral_page(client, school, referral)
    assert page.status_code == 200
    assert title in page.content.decode()
    download = _download(client, school, referral, document)
    assert download.status_code == 200
    assert _body(download) == samples.pdf()

    consent_withdraw(consent=Consent.objects.get(referral=referral), by=school)

    page = _referral_page(client, school, referral)
    assert page.status_code == 200
    assert title not in page.content.decode()
    assert YOUTH["family_name"] not in page.content.decode()
    for view in ("document-download", "document-preview", "document-content"):
        response = client.get(_url("sspf", view, referral.pk, document.pk))
        assert response.status_code == 404, view
        assert samples.SECRET.encode() not in _body(response)


# user -> (the referral page's status, whether it lists the document's title),
# per referral: place, youth_with_consent, youth_without_consent.
REFERRAL_PAGE = {
    "school": ((OK, True), (OK, True), (OK, False)),
    "police": ((OK, True), (OK, False), (OK, False)),
    "outsider": ((NOT_FOUND, False),) * 3,
    "worker": ((FORBIDDEN, False),) * 3,
    "manager": ((FORBIDDEN, False),) * 3,
}
REFERRAL_PAGE_ROWS = [
    pytest.param(user, obj, status, listed, id=f"{user}|{obj}")
    for user, answers in REFERRAL_PAGE.items()
    for obj, (status, listed) in zip(REFERRAL_OBJECTS[:3], answers, strict=True)
]


@pytest.mark.parametrize(("user_name", "obj", "status", "listed"), REFERRAL_PAGE_ROWS)
def test_the_referral_page_lists_the_document_for_whom_it_is_open(
    client, request, user_name, obj, status, listed
):
    referral, document = _referral(request, obj)
    response = _referral_page(client, request.getfixturevalue(user_name), referral)
    assert response.status_code == status
    content = response.content.decode()
    assert (REFERRAL_DOCUMENT_TITLE.format(obj) in content) == listed
    # Its link goes with it.
    assert (str(document.pk) in content) == listed


# --- A report's page --------------------------------------------------------

REPORT_DOCUMENT_TITLE = "Polisens underrättelse om gripandet"
# user -> (the report page's status, whether it lists the document's title)
# for a report of the worker's unit that the worker holds.
REPORT_PAGE = {
    "worker": (OK, True),
    "unit_mate": (OK, True),
    "colleague": (NOT_FOUND, False),
    "sspf_member": (NOT_FOUND, False),
    "manager": (NOT_FOUND, False),
    "auditor": (NOT_FOUND, False),
    "administrator": (NOT_FOUND, False),
}


def _report_with_document(worker):
    person = person_register(
        by=worker,
        identity_number=identity_number(datetime.date(2013, 4, 7), 246),
        given_names="Tindra",
        family_name="Rapportsdotter",
    )
    report = report_register(
        by=worker,
        person=person,
        police_reference="5000-K7101-26",
        offence_category="theft",
        offence_date=timezone.localdate() - datetime.timedelta(days=2),
        received_at=timezone.now() - datetime.timedelta(hours=5),
        district=DistrictFactory(name="Hjällbo"),
    )
    report = Under15Report.objects.select_related("person__data_key").get(pk=report.pk)
    document = _document(
        owner=report,
        person=report.person,
        data_key=report.person.data_key,
        by=worker,
        title=REPORT_DOCUMENT_TITLE,
        document_type=DocumentType.POLICE_NOTIFICATION,
        types=REPORT_DOCUMENT_PAGES.types,
    )
    return report, document


REPORT_PAGE_ROWS = [
    pytest.param(user, status, listed, id=user) for user, (status, listed) in REPORT_PAGE.items()
]


@pytest.mark.parametrize(("user_name", "status", "listed"), REPORT_PAGE_ROWS)
def test_the_report_page_lists_the_document_for_whom_it_is_open(
    client, request, worker, unit_mate, user_name, status, listed
):
    report, document = _report_with_document(worker)
    sign_in(client, request.getfixturevalue(user_name))
    response = client.get(reverse("casework:report-detail", kwargs={"pk": report.pk}))
    assert response.status_code == status
    content = response.content.decode()
    assert (REPORT_DOCUMENT_TITLE in content) == listed
    assert (str(document.pk) in content) == listed


# --- A document's id under another object's address -------------------------


def _person_file(worker, *, serial, family):
    person = person_register(
        by=worker,
        identity_number=identity_number(datetime.date(2013, 5, 8), serial),
        given_names="Alva",
        family_name=family,
    )
    document = _document(
        owner=person,
        person=person,
        data_key=person.data_key,
        by=worker,
        title=f"Beslut i akten, {family}",
        document_type=DocumentType.DECISION,
        types=PERSON_DOCUMENT_TYPES,
    )
    return person, document


def _guess_person_file(request, worker):
    """B: a file of the worker's; A: another file the worker reads too."""
    b, _ = _person_file(worker, serial=257, family="Gissadotter")
    _, a_document = _person_file(worker, serial=265, family="Annansdotter")
    return "casework:person-", b.pk, a_document


def _guess_report_under_file(request, worker):
    """B: the person's own file; A: a report about the same person (a case record)."""
    report, report_document = _report_with_document(worker)
    return "casework:person-", report.person_id, report_document


def _guess_file_under_report(request, worker):
    """B: a report; A: a document on the same person's own file."""
    report, _ = _report_with_document(worker)
    file_document = _document(
        owner=report.person,
        person=report.person,
        data_key=report.person.data_key,
        by=worker,
        title="Samtycke i akten",
        document_type=DocumentType.CONSENT_FORM,
        types=PERSON_DOCUMENT_TYPES,
    )
    return "casework:report-", report.pk, file_document


def _guess_exit_case(request, worker):
    """B: the worker's own exit case; A: a unit mate's, which the worker also works."""
    request.getfixturevalue("unit_mate")
    b, _ = _exit_case(request, "own")
    _, a_document = _exit_case(request, "mates")
    return "avhopp:", b.pk, a_document


def _guess_exit_case_other_unit(request, worker):
    """B: the worker's own exit case; A: another unit's, which the worker does not reach."""
    request.getfixturevalue("unit_mate")
    b, _ = _exit_case(request, "own")
    _, a_document = _exit_case(request, "other_unit")
    return "avhopp:", b.pk, a_document


def _guess_referral(request, worker):
    """B: a place referral of the school's group; A: a youth referral the school
    also sees identified, in the same group."""
    b, _ = _referral(request, "place")
    _, a_document = _referral(request, "youth_with_consent")
    return "sspf:", b.pk, a_document


GUESSES = {
    "a file's document under another file": ("worker", _guess_person_file),
    "a report's document under its person's file": ("worker", _guess_report_under_file),
    "a file's document under the person's report": ("worker", _guess_file_under_report),
    "a unit mate's exit case document under one's own case": ("worker", _guess_exit_case),
    "another unit's exit case document under one's own case": (
        "worker",
        _guess_exit_case_other_unit,
    ),
    "a referral's document under another referral of the group": ("school", _guess_referral),
}
GUESS_ROWS = [
    pytest.param(guess, view, id=f"{guess}|{view}")
    for guess in GUESSES
    for view in ("document-preview", "document-content", "document-download")
]


@pytest.mark.parametrize(("guess", "view"), GUESS_ROWS)
def test_a_document_id_under_another_objects_address_is_404_and_logged(
    client, request, guess, view
):
    user_name, make = GUESSES[guess]
    user = request.getfixturevalue(user_name)
    prefix, b_pk, a_document = make(request, user)
    sign_in(client, user)
    # The user reaches B itself: the refusal is about the document, not the owner.
    namespace, _, url_prefix = prefix.partition(":")
    owner_page = client.get(_url(namespace, f"{url_prefix}document-add", b_pk, None))
    assert owner_page.status_code == 200
    denied_before = set(AccessEvent.objects.values_list("pk", flat=True))

    response = client.get(_url(namespace, f"{url_prefix}{view}", b_pk, a_document.pk))

    assert response.status_code == 404
    body = _body(response)
    assert a_document.title.encode() not in body
    assert samples.SECRET.encode() not in body
    refusal = _new_refusals(user, a_document.pk, denied_before)
    assert refusal.filter(object_type=DOCUMENT_OBJECT).count() == 1
    # Nothing was read: no view of the document was logged.
    views = AccessEvent.objects.filter(object_id=str(a_document.pk), action="view")
    assert not views.exclude(pk__in=denied_before).exists()
