"""Demo SSPF data for `make demo`: the Angered groups with members from all
four organisations, and referrals in every state about the demo youths and
Hammarkullen centrum. Idempotent."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoUser, demo_user_seed
from accounts.models import District
from accounts.roles import Role
from casework.persons.demo import DEMO_PERSONS, identity_number
from sspf import services
from sspf.models import (
    ConcernReferral,
    ConsentMethod,
    Organisation,
    ReferralCloseReason,
    SspfGroup,
    SspfMembership,
)

SSPF_GROUPS = ["Hjällbo", "Hammarkullen", "Gårdsten", "Lövgärdet", "Rannebergen"]
ANGERED_GROUPS = ("SSPF Hjällbo", "SSPF Hammarkullen")

# The members: one user per organisation in the Angered groups.
DEMO_MEMBERS = [
    (DemoUser("sspf", "Jonas", "Berg", Role.SSPF_MEMBER), Organisation.SCHOOL),
    (DemoUser("polis", "Lena", "Falk", Role.SSPF_MEMBER), Organisation.POLICE),
    (DemoUser("fritid", "Ahmed", "Nur", Role.SSPF_MEMBER), Organisation.LEISURE),
    (DemoUser("socialtjanst", "Eva", "Sund", Role.SSPF_MEMBER), Organisation.SOCIAL_SERVICES),
]


@transaction.atomic
def demo_groups_seed(stdout=None):
    """The groups and their members; returns the members, to print how to sign in."""
    for area in SSPF_GROUPS:
        SspfGroup.objects.get_or_create(
            name=f"SSPF {area}", defaults={"district": District.objects.get(name=area)}
        )
    seeded = []
    for spec, organisation in DEMO_MEMBERS:
        item = demo_user_seed(spec)
        for group_name in ANGERED_GROUPS:
            SspfMembership.objects.update_or_create(
                group=SspfGroup.objects.get(name=group_name),
                user=item.user,
                defaults={"organisation": organisation},
            )
        seeded.append(item)
    return seeded


# (person index or a place, category, the concern, what happens next).
DEMO_REFERRALS = [
    (1, "truancy", "Hög frånvaro sedan höstlovet, slutar ofta efter lunch.", "raised"),
    (2, "worrying_company", "Ses med äldre ungdomar vid centrum sent på kvällarna.", "pending"),
    (0, "gang", "Uppgifter om att hen erbjudits uppdrag av äldre.", "consent"),
    (5, "drug_use", "Lärare har sett misstänkt cannabis i väskan.", "refused"),
    (6, "violence", "Inblandad i bråk på skolgården två gånger.", "expired"),
    (7, "suspected_crime", "Polisen har sett hen vid inbrott i förråd.", "withdrawn"),
    (3, "exploitation", "Kan utnyttjas för att förvara saker åt andra.", "action"),
    (4, "gang", "Har setts bära ärenden åt en känd gängmedlem.", "reported"),
    (
        "Hammarkullen centrum, kvällstid",
        "violence",
        "Grupper av unga samlas vid torget efter 21, flera bråk senaste månaden.",
        "place",
    ),
]


def demo_referrals_seed(stdout=None):
    """Referrals in every state (some with consent, one expired, one withdrawn,
    one reported to social services, a place concern); none again once the
    group has referrals."""
    group = SspfGroup.objects.get(name="SSPF Hammarkullen")
    if ConcernReferral.objects.filter(group=group).exists():
        return
    users = get_user_model().objects
    school, police = users.get(username="sspf"), users.get(username="polis")
    today = timezone.localdate()
    for about, category, concern, next_step in DEMO_REFERRALS:
        if isinstance(about, int):
            given, family, born, serial, coordination, _district, _guardians = DEMO_PERSONS[about]
            youth = {
                "identity_number": identity_number(born, serial, coordination),
                "given_names": given,
                "family_name": family,
            }
        else:
            youth = {"place": about}
        referral = services.referral_raise(
            by=school, group=group, category=category, concern=concern, **youth
        )
        _demo_walk(referral, next_step, school=school, police=police, today=today)
    _demo_meetings_seed(group, school=school, police=police, today=today)
    if stdout is not None:
        stdout.write(f"Demo SSPF referrals: {len(DEMO_REFERRALS)} created, and two meetings.")


# What the past meeting minuted, item by item (by position), and the action agreed.
DEMO_MINUTES = [
    "Skolan har haft möte med vårdnadshavaren. Frånvaron har minskat något.",
    "Polisen har sett gruppen vid torget två kvällar. Fältgruppen tar kontakt.",
]
DEMO_ACTION = "Fältgruppen går förbi torget fredag och lördag kväll."


def _demo_meetings_seed(group, *, school, police, today):
    """A past meeting with minutes and an action (overdue now), and a coming one."""
    past = services.meeting_schedule(
        by=school,
        group=group,
        starts_at=timezone.now() - datetime.timedelta(days=14),
        venue="Hammarkullens skola, rum 12",
    )
    items = list(past.items.order_by("position"))
    for item, text in zip(items, DEMO_MINUTES, strict=False):
        services.agenda_item_minute(item=item, by=school, discussion=text)
    if items:
        services.action_agree(
            item=items[-1],
            by=school,
            description=DEMO_ACTION,
            responsible_member=police,
            due_on=today - datetime.timedelta(days=3),
        )
    services.meeting_schedule(
        by=school,
        group=group,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        venue="Hammarkullens skola, rum 12",
    )


def _consent(referral, by, *, given_on, granted=True, organisations=("school", "police")):
    return services.consent_record(
        referral=referral,
        by=by,
        granted=granted,
        method=ConsentMethod.WRITTEN,
        given_on=given_on,
        organisations=organisations if granted else (),
        guardian_one=granted,
        youth_agrees=granted,
    )


def _step(referral, step, by, **values):
    return services.referral_take_step(referral=referral, step=step, by=by, **values)


def _demo_walk(referral, next_step, *, school, police, today):
    if next_step == "raised":
        return
    if next_step == "place":
        _step(referral, "review", police)
        return
    if next_step == "reported":
        # The duty to report: no consent asked, a case for social services.
        services.referral_report(referral=referral, by=police)
        return
    if next_step == "pending":
        _step(referral, "ask_consent", school)
    elif next_step == "refused":
        _consent(referral, school, given_on=today, granted=False)
    elif next_step == "expired":
        # Given long ago: it has run out, the group sees the label again.
        _consent(referral, school, given_on=today - datetime.timedelta(days=400))
    elif next_step == "withdrawn":
        consent = _consent(referral, school, given_on=today - datetime.timedelta(days=20))
        services.consent_withdraw(consent=consent, by=school)
    elif next_step in ("consent", "action"):
        _consent(referral, school, given_on=today - datetime.timedelta(days=3))
        if next_step == "action":
            referral = _step(referral, "review", police)
            _step(referral, "agree_action", police)
    if next_step == "refused":
        _step(
            ConcernReferral.objects.get(pk=referral.pk),
            "close",
            school,
            close_reason=ReferralCloseReason.NO_CONSENT,
        )
