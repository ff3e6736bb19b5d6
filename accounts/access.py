"""Access rules that every view declares.

``AccessRuleMiddleware`` reads the rule from the view function. A view with
no rule is refused (fail closed) and ``tests/accounts/test_url_access.py``
fails for it, so a new page cannot forget its rule.
"""

from dataclasses import dataclass

PUBLIC = "public"  # login, password reset, language choice, health
SECOND_FACTOR_STAGE = "second_factor_stage"  # password given, second factor pending
VERIFIED = "verified"  # password and a verified second factor


@dataclass(frozen=True)
class AccessRule:
    stage: str
    roles: tuple = ()


def _declare(view, rule):
    view.access_rule = rule
    return view


def public(view):
    return _declare(view, AccessRule(PUBLIC))


def second_factor_stage(view):
    """Reachable after the password, before the second factor (the 2FA pages)."""
    return _declare(view, AccessRule(SECOND_FACTOR_STAGE))


def verified(view):
    """Any signed-in user with a verified second factor."""
    return _declare(view, AccessRule(VERIFIED))


def roles_required(*roles):
    """A verified user holding at least one of ``roles``."""

    def decorator(view):
        return _declare(view, AccessRule(VERIFIED, tuple(str(role) for role in roles)))

    return decorator
