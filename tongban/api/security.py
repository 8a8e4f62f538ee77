"""Who is calling: a personal token (Authorization: Bearer) or the pages' own session (with CSRF on writes).

Both end in request.user, so every endpoint asks the same door (tongban/accounts/access.py) as the pages.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from tongban.api.services import token_for_key, token_mark_used


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for_key(token)
        if found is None:
            return None
        token_mark_used(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionCsrfAuth(SessionAuth):
    """Django's session; ninja checks the CSRF token on unsafe methods for cookie authentication."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


def require_write_token(request: HttpRequest) -> None:
    """A read-only token never writes, whatever its user's role may do on the pages."""
    token = getattr(request, "api_token", None)
    if token is not None and not token.may_write:
        raise PermissionDenied(_("This token may only read."))


class _SettingsRate(SimpleRateThrottle):
    """The rate is read from settings on every call, so a changed setting (or a test) takes effect at once."""

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class PerTokenThrottle(_SettingsRate):
    """Calls per token (or per signed-in user for session calls)."""

    scope = "token"

    def get_rate(self) -> str | None:
        return settings.API_RATE_PER_TOKEN or None

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if not self.rate:
            return None
        token = getattr(request, "api_token", None)
        ident = f"t{token.pk}" if token is not None else f"u{getattr(request.user, 'pk', '')}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(_SettingsRate):
    """Calls per client address, whatever the credentials: many tokens from one machine share one budget."""

    scope = "address"

    def get_rate(self) -> str | None:
        return settings.API_RATE_PER_ADDRESS or None

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if not self.rate:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
