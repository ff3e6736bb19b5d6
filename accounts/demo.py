"""Demo organisation and one user per role but SSPF members (sspf/demo.py seeds
them with their groups), for `make demo` and the browser tests.

Idempotent: a second run finds what the first made. Passwords are reset to
the demo password and backup codes are replaced (old ones cannot be shown
again, they are stored hashed); TOTP secrets are kept so a phone app set up
once keeps working.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts import services
from accounts.models import AuthenticatorDevice, District, Unit
from accounts.roles import Role

DEMO_PASSWORD = "trygg-demo-2026"

DISTRICTS = [
    "Hjällbo",
    "Hammarkullen",
    "Gårdsten",
    "Lövgärdet",
    "Rannebergen",
    "Angered centrum",
    "Eriksbo",
    "Linnarhult",
    "Bergsjön",
    "Kortedala",
]
UNITS = {
    "Barn och unga Angered": ["Hjällbo", "Hammarkullen", "Gårdsten", "Angered centrum"],
    "Barn och unga Lövgärdet och Rannebergen": ["Lövgärdet", "Rannebergen", "Eriksbo"],
    "Avhopparverksamheten Nordost": [],
}


@dataclass
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    unit: str | None = None


DEMO_USERS = [
    DemoUser("socialsekreterare", "Sara", "Lind", Role.SOCIAL_WORKER, "Barn och unga Angered"),
    DemoUser("handlaggare", "Omar", "Aziz", Role.SOCIAL_WORKER, "Barn och unga Angered"),
    DemoUser(
        "socialsekreterare2",
        "Elin",
        "Strand",
        Role.SOCIAL_WORKER,
        "Barn och unga Lövgärdet och Rannebergen",
    ),
    DemoUser("enhetschef", "Maria", "Ek", Role.UNIT_MANAGER, "Barn och unga Angered"),
    DemoUser("loggkontroll", "Karin", "Holm", Role.AUDITOR),
    DemoUser("systemforvaltare", "Ali", "Hassan", Role.ADMINISTRATOR),
]


@dataclass
class SeededUser:
    user: object
    role: Role
    password: str
    otpauth_uri: str
    backup_codes: list


def _seed_organisation():
    districts = {}
    for name in DISTRICTS:
        districts[name], _created = District.objects.get_or_create(name=name)
    for unit_name, district_names in UNITS.items():
        unit, _created = Unit.objects.get_or_create(name=unit_name)
        unit.districts.add(*(districts[name] for name in district_names))


def demo_user_seed(spec):
    """Create or refresh one demo user (the programmes' seeders add their own)."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(username=spec.username)
    user.first_name = spec.first_name
    user.last_name = spec.last_name
    user.email = f"{spec.username}@demo.trygg.invalid"
    user.unit = Unit.objects.get(name=spec.unit) if spec.unit else None
    user.is_staff = spec.role == Role.ADMINISTRATOR
    user.is_active = True
    user.failed_sign_in_count = 0
    user.locked_until = None
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set([Group.objects.get(name=spec.role.value)])
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name=services.TOTP_DEVICE_NAME, confirmed=True, tolerance=1
        )
    codes = services.backup_codes_replace(user=user)
    return SeededUser(user, spec.role, DEMO_PASSWORD, device.config_url, codes)


@transaction.atomic
def demo_seed():
    """Create or refresh the demo organisation and users; returns what to print."""
    _seed_organisation()
    return [demo_user_seed(spec) for spec in DEMO_USERS]
