"""Security headers Django 5.2 does not set itself.

Content-Security-Policy: Tongban's pages run no inline script (no <script> bodies, no on…= attributes, no javascript:
URLs — a test reads every template for them), so one fixed policy without nonces is enough; django-csp would add a
dependency for a constant header. Django 6.0 has its own CSP middleware: move to it when upgrading.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": settings.CONTENT_SECURITY_POLICY,
            "Permissions-Policy": settings.PERMISSIONS_POLICY,
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            if value:
                response.headers.setdefault(name, value)
        return response
