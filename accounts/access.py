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
    # Roles to whom a refusal answers 404, not 403: they must not learn that
    # the page exists (an SSPF member and the social-services case pages).
    not_found_for: tuple = ()


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


def verified_hidden_from(*roles):
    """Any verified user, except that a user holding only ``roles`` is told
    404: the page is not for them, and they must not learn it exists."""

    def decorator(view):
        return _declare(view, AccessRule(VERIFIED, (), tuple(str(role) for role in roles)))

    return decorator


def roles_required(*roles, not_found_for=()):
    """A verified user holding at least one of ``roles``; refused with 404
    instead of 403 for a user holding one of ``not_found_for``."""

    def decorator(view):
        return _declare(
            view,
            AccessRule(
                VERIFIED,
                tuple(str(role) for role in roles),
                tuple(str(role) for role in not_found_for),
            ),
        )

    return decorator
