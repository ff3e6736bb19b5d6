from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework.denials import erased_aware, person_for_request
from casework.disclosures.forms import DisclosureForm
from casework.disclosures.services import disclosure_record
from casework.persons.access import PersonAccess
from casework.web import casework_verified, refusals_on


@casework_verified
@require_http_methods(["GET", "POST"])
@erased_aware
def disclosure_create(request, pk):
    """Record a disclosure about a person one works with."""
    person, access = person_for_request(request, pk)
    if access is not PersonAccess.ASSIGNED:
        return redirect("casework:person-detail", pk=person.pk)
    form = DisclosureForm(
        request.POST or None,
        initial={"disclosed_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as refused:
            disclosure_record(person=person, by=request.user, request=request, **form.cleaned_data)
        if not refused:
            return redirect("casework:person-detail", pk=person.pk)
    return render(request, "casework/disclosure_form.html", {"form": form, "person": person})
