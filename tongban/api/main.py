"""The JSON API v1: one NinjaAPI, a router per domain app (tongban/<app>/api.py)."""

import math
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as RequestInvalid

from tongban.accounts.access import may_read_counselling_notes, scope_for
from tongban.api.security import PerAddressThrottle, PerTokenThrottle, SessionCsrfAuth, TokenAuth

api = NinjaAPI(
    title="Tongban API",
    version="1",
    description="Children's files, cases and community work, through the same access rules as the pages.",
    urls_namespace="api_v1",
    auth=[TokenAuth(), SessionCsrfAuth()],
    throttle=[PerAddressThrottle(), PerTokenThrottle()],
)


def error_map(exc: ValidationError) -> dict[str, list[str]]:
    """field → messages, in the request's language; refusals not tied to a field under "__all__"."""
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for m in msgs] for name, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Please correct the errors below."), "errors": error_map(exc)},
                               status=422)


@api.exception_handler(RequestInvalid)
def _request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    """Query and path parameters ninja refuses before the endpoint runs: the same field → messages map."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # loc is ("query" | "path" | "body", field, …): the field is what the caller sent.
        field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "__all__"
        errors.setdefault(field, []).append(_("This value is not valid: %(problem)s") % {"problem": error["msg"]})
    return api.create_response(request, {"detail": _("Please correct the errors below."), "errors": errors},
                               status=422)


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Your role may not do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # ninja runs its throttles only once a caller is known, so calls without valid credentials (guessed tokens
    # included) are counted against their address here: an address past its budget gets 429, not another 401.
    throttle = PerAddressThrottle()
    if not throttle.allow_request(request):
        return _throttled(request, Throttled(wait=throttle.wait()))
    response = api.create_response(request, {"detail": _("Sign in or send a valid API token.")}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": _("Too many requests; try again later.")}, status=429)
    # ninja sets the exact wait when it knows it; a minute otherwise.
    response["Retry-After"] = str(math.ceil(exc.wait)) if exc.wait else "60"
    return response


class Me(Schema):
    username: str
    role: str
    token_scope: str | None
    may_reveal: bool
    may_read_counselling_notes: bool


@api.get("/", response={200: Me, 401: dict, 429: dict}, summary="Who is calling, and what they may do",
         tags=["meta"])
def me(request: HttpRequest) -> Any:
    token = getattr(request, "api_token", None)
    return {"username": request.user.get_username(), "role": scope_for(request.user).role,
            "token_scope": token.scope if token is not None else None,
            "may_reveal": scope_for(request.user).may_reveal(),
            "may_read_counselling_notes": may_read_counselling_notes(request.user)}


def _routers() -> None:
    from tongban.activities.api import router as activities
    from tongban.audit.api import router as audit
    from tongban.cases.api import router as cases
    from tongban.children.api import router as children
    from tongban.donations import api as donations
    from tongban.organisations import api as organisations
    from tongban.regions.api import router as regions
    from tongban.reports.api import router as reports
    from tongban.volunteers import api as volunteers

    api.add_router("/children", children, tags=["children"])
    api.add_router("/cases", cases, tags=["cases"])
    api.add_router("/regions", regions, tags=["regions"])
    api.add_router("/organisations", organisations.organisations, tags=["organisations"])
    api.add_router("/projects", organisations.projects, tags=["projects"])
    api.add_router("/sites", organisations.sites, tags=["sites"])
    api.add_router("/activities", activities, tags=["activities"])
    api.add_router("/volunteers", volunteers.volunteers, tags=["volunteers"])
    api.add_router("/pairings", volunteers.pairings, tags=["pairings"])
    api.add_router("/donors", donations.donors, tags=["donations"])
    api.add_router("/donations", donations.donations, tags=["donations"])
    api.add_router("/statistics", reports, tags=["statistics"])
    api.add_router("/audit", audit, tags=["audit"])


_routers()
