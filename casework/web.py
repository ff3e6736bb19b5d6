"""What every casework view shares: turning a service's refusal into a page."""

from contextlib import contextmanager
from dataclasses import dataclass

from accounts.access import roles_required, verified_hidden_from
from accounts.roles import Role
from casework.errors import ApplicationError


def casework_roles_required(*roles):
    """``roles_required`` for social services' pages: an SSPF member is told
    404, as for a page that does not exist (school, police and leisure must
    not learn what social services' system holds)."""
    return roles_required(*roles, not_found_for=(Role.SSPF_MEMBER,))


# Social services' object pages (the selectors decide who sees what), hidden
# from SSPF members in the same way.
casework_verified = verified_hidden_from(Role.SSPF_MEMBER)


@dataclass
class Refusal:
    """What a ``refusals_on`` block ended with: ``error`` is None when the service went through."""

    error: ApplicationError | None = None

    def __bool__(self):
        return self.error is not None

    @property
    def status(self):
        """409 when someone else's change stopped the service, else 200 (the form again)."""
        return 409 if self.error is not None and self.error.conflict else 200


@contextmanager
def refusals_on(form):
    """Run the block's service call; an ApplicationError becomes ``form``'s error.

    On the field it names when the form has that field, else on the whole
    form; the form keeps what the user typed. Use::

        with refusals_on(form) as refused:
            person = person_register(...)
        if not refused:
            return redirect(...)
    """
    refusal = Refusal()
    try:
        yield refusal
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        refusal.error = error


def query_without_page(request):
    """The request's query string without its page number, for page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
