from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role


def unit_members_for_manager(*, manager):
    """Active members of the manager's own unit."""
    if manager.unit_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(unit_id=manager.unit_id, is_active=True)
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )


def users_locked_out():
    return get_user_model().objects.filter(locked_until__gt=timezone.now()).order_by("username")


def user_count_by_role():
    model = get_user_model()
    return [
        (role, model.objects.filter(groups__name=role.value, is_active=True).count())
        for role in Role
    ]
