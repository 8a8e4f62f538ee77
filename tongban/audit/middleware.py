from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

# The address of the request being served, so that services can record where a
# change came from without every call passing the request along.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
