from accounts.roles import Role


def navigation(request):
    """Flags for the header; templates never decide access themselves."""
    user = getattr(request, "user", None)
    verified = bool(
        user is not None and user.is_authenticated and getattr(user, "is_verified", bool)()
    )
    roles = set(user.roles) if verified else set()
    return {
        "nav_verified": verified,
        "nav_signed_in": bool(user is not None and user.is_authenticated),
        "nav_can_admin": verified and user.is_staff,
        "nav_roles": roles,
        "nav_area_work": verified and user.has_perm("areas.view_area_work"),
        "Role": Role,
    }
