"""The police intake API: a sending system posts notifications about children under 15.

Authenticated by the sender's token (``Authorization: Bearer …``), never by a
session, so no CSRF check applies and the 2FA middleware lets the operations
through (intake/urls.py declares them public; the token is checked here on
every call). The API reads nothing of case data: the only answer about a
report is the acknowledgement of the sender's own notification.

A notification is checked by the registration form itself
(``ReportRegistrationForm``), so the API refuses exactly what the page
refuses, in the same words (Swedish by default, as the pages).
"""

import uuid
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict

from accounts import access
from accounts.models import District
from casework.errors import ApplicationError
from casework.persons.forms import GuardianForm
from casework.reports.forms import ReportRegistrationForm
from casework.reports.models import OffenceCategory
from intake import services
from intake.models import IntakeSender

# The registration form's fields a notification fills in (the rest are the
# worker's choices on the page: linking to an open report, a reason to open a file).
FORM_FIELDS = (
    "identity_number",
    "given_names",
    "family_name",
    "police_reference",
    "offence_category",
    "offence_date",
    "received_at",
    "district",
    "summary",
)
MAX_GUARDIANS = 4  # as on the person form (GuardianFormSet)


class SenderToken(HttpBearer):
    """The sender whose token the call carries; every refusal is logged and flagged."""

    def __call__(self, request):
        header = request.headers.get(self.header, "")
        scheme, _space, token = header.partition(" ")
        if not header or scheme.lower() != self.openapi_scheme:
            services.intake_call_refused_record(request=request, sender=None, why="no_token")
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        sender = services.intake_sender_for_token(token)
        if sender is None:
            services.intake_call_refused_record(request=request, sender=None, why="bad_token")
            return None
        if not sender.is_active:
            services.intake_call_refused_record(
                request=request, sender=sender, why="inactive_sender"
            )
            return None
        return sender


api = NinjaAPI(
    title="Trygg police intake API",
    version="1",
    description=(
        "Police notifications about children under 15, received as under-15 reports. "
        "Authenticate with the sending system's token: `Authorization: Bearer <token>`."
    ),
    urls_namespace="intake",
    auth=SenderToken(),
    # The description is for the people who connect a sending system: shown
    # to a signed-in user (password and second factor), never anonymously.
    # No docs page: Swagger UI loads scripts from a CDN the CSP refuses.
    docs_url=None,
    docs_decorator=access.verified,
)


class Guardian(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    relation: str = Field("", max_length=100)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)


class Notification(Schema):
    """A police notification about a child suspected of an offence before 15."""

    model_config = ConfigDict(extra="forbid")

    identity_number: str = Field(
        max_length=20, description="Personnummer or samordningsnummer, YYYYMMDD-NNNN."
    )
    given_names: str = Field(max_length=200, description="As in the police report.")
    family_name: str = Field(max_length=200)
    police_reference: str = Field(
        max_length=50, description="The police diary number, e.g. 5000-K123456-26."
    )
    offence_category: OffenceCategory
    offence_date: date
    received_at: datetime = Field(
        description="When the notification reached social services (starts the clock)."
    )
    district: str = Field(max_length=100, description="The district's name, as in Trygg.")
    summary: str = Field("", max_length=5000)
    guardians: list[Guardian] = Field(default_factory=list, max_length=MAX_GUARDIANS)


class Receipt(Schema):
    id: uuid.UUID | None = Field(
        description="The report's id (for GET); null when another system sent it."
    )
    reference: str | None = Field(description="The report's short reference at social services.")
    status: str = Field(description="`received`, or `already_received` for a replay.")


class Refusal(Schema):
    detail: str
    errors: dict[str, str] = Field(
        default_factory=dict, description="The fields at fault, each with why."
    )


class Failure(Schema):
    detail: str


def _refusal(request, *, errors, detail=None, status=422):
    return api.create_response(
        request,
        {
            "detail": detail
            or _("The notification was not received. Correct the fields named and send again."),
            "errors": errors,
        },
        status=status,
    )


def _form_data(payload):
    districts = {d.name.casefold(): d.pk for d in District.objects.filter(is_active=True)}
    data = payload.dict(include=set(FORM_FIELDS))
    data["offence_date"] = payload.offence_date.isoformat()
    data["received_at"] = payload.received_at.isoformat()
    data["offence_category"] = payload.offence_category.value
    # By name, as the import: a sending system does not know our ids. A name we
    # do not know goes in as no id at all, which the form refuses as a bad choice.
    data["district"] = districts.get(payload.district.strip().casefold(), "-")
    return data


def _form_errors(form):
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def _guardians(payload):
    """The guardians as stored on the person, checked by the person form's own fields."""
    guardians, errors = [], {}
    for number, guardian in enumerate(payload.guardians):
        form = GuardianForm(data=guardian.dict())
        if not form.is_valid():
            for name, messages in form.errors.items():
                errors[f"guardians.{number}.{name}"] = " ".join(messages)
            continue
        guardians.append({key: value for key, value in form.cleaned_data.items() if value})
    return guardians, errors


@api.post(
    "/notifications",
    url_name="notification-create",
    response={201: Receipt, 200: Receipt, 401: Failure, 422: Refusal},
    summary="Send a notification",
)
def notification_create(request, payload: Notification):
    """Register a police notification as an under-15 report in the sender's unit.

    Sent again (the same identity number and police reference), it creates
    nothing and answers 200 with the report it made the first time.
    """
    sender = request.auth
    form = ReportRegistrationForm(data=_form_data(payload))
    try:
        valid = form.is_valid()
    except OverflowError:
        # A date so far off that it has no local time (year 1 at +14:00, say).
        valid = False
        form.add_error("received_at", _("Enter a valid date/time."))
    guardians, guardian_errors = _guardians(payload)
    if not valid or guardian_errors:
        errors = {**_form_errors(form), **guardian_errors}
        services.notification_refused_record(
            request=request, sender=sender, why=",".join(sorted(errors))
        )
        return _refusal(request, errors=errors)
    cleaned = form.cleaned_data
    try:
        receipt = services.notification_receive(
            sender=sender,
            request=request,
            guardians=guardians,
            **{name: cleaned[name] for name in FORM_FIELDS},
        )
    except ApplicationError as error:
        services.notification_refused_record(
            request=request, sender=sender, why=error.code or error.field or "refused"
        )
        message = error.message
        if error.code == "not_here":
            # person_identify's words are for an SSPF member; these name nothing either.
            message = _(
                "This notification cannot be received through the API. Send it to "
                "social services another way."
            )
        return _refusal(request, errors={error.field or "__all__": str(message)})
    report = receipt.report
    # A replay answers with the report only to the system that sent it: another
    # system (or the import) made it, so the reference is not this sender's to read.
    own = report.created_by_id == sender.account_id
    return Status(
        201 if receipt.created else 200,
        {
            "id": report.pk if own else None,
            "reference": report.reference if own else None,
            "status": "received" if receipt.created else "already_received",
        },
    )


@api.get(
    "/notifications/{report_id}",
    url_name="notification-receipt",
    response={200: Receipt, 401: Failure, 404: Failure},
    summary="The receipt of a notification this system sent",
)
def notification_receipt(request, report_id: uuid.UUID):
    """The acknowledgement of one of the sender's own notifications; 404 for any other."""
    report = services.notification_receipt_get(
        sender=request.auth, request=request, report_id=report_id
    )
    if report is None:
        return Status(404, {"detail": _("Not found.")})
    return Status(200, {"id": report.pk, "reference": report.reference, "status": "received"})


# --- Errors: a body the sending system can act on, in the UI's language -------------------


def _validation_message(error):
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind == "string_too_long":
        limit = context.get("max_length", 0)
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": len(str(error.get("input", "")))}
    if kind == "too_long":
        return _("Give at most %(count)s.") % {"count": context.get("max_length", MAX_GUARDIANS)}
    if kind.startswith("datetime"):
        return _("Enter a valid date/time.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind == "enum":
        return _("Select a valid choice. %(value)s is not one of the available choices.") % {
            "value": str(error.get("input", ""))[:50]
        }
    return _("Enter a valid value.")


def _validation_field(location):
    """``identity_number`` of ("body", "payload", "identity_number"); "guardians.0.name"."""
    parts = [str(part) for part in location]
    if parts[:2] == ["body", "payload"]:
        parts = parts[2:]
    elif parts[:1] in (["body"], ["path"], ["query"]):
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc):
    errors = {}
    for error in exc.errors:
        errors.setdefault(_validation_field(error.get("loc", ())), _validation_message(error))
    if isinstance(getattr(request, "auth", None), IntakeSender):
        services.notification_refused_record(
            request=request, sender=request.auth, why=",".join(sorted(errors))
        )
    return _refusal(request, errors=errors)


@api.exception_handler(AuthenticationError)
def _authentication_error(request, exc):
    response = api.create_response(
        request,
        {"detail": _("A valid token is needed: Authorization: Bearer <token>.")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # Ninja's own refusals (a body that is not JSON, say), in the UI's language.
    detail = _("The request body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)
