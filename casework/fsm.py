"""What every case's state machine shares (django-fsm-2)."""


def may_take(method, instance, user):
    """The transition's named permission (the role) only.

    django-fsm's has_transition_perm() also checks the state and the
    conditions, before the user's answers are set: it would refuse a closing
    without a reason yet as PermissionDenied, and turn an object someone
    else moved into a 403 instead of TransitionNotAllowed.
    """
    return all(t.has_perm(instance, user) for t in method._django_fsm.transitions.values())


def steps_offered(instance, user, *, field="state", order=()):
    """The transitions ``user`` may take now, by name, in ``order``: the state
    machine's own answer (source state, conditions on the object as it
    stands, the named permission)."""
    available = getattr(instance, f"get_available_user_{field}_transitions")(user)
    names = {transition.name for transition in available}
    return [name for name in order if name in names]
