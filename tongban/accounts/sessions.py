"""Sessions that slide their idle expiry forward without a database write on every request.

The sign-in lasts SESSION_COOKIE_AGE after the last request. Saving the session on every request keeps that exact
but turns every page view into a write transaction (on PostgreSQL a commit waiting for the disk, on SQLite the one
writer lock). Here the expiry is pushed forward only once it has slid by more than REFRESH: an idle session then
ends between SESSION_COOKIE_AGE - REFRESH and SESSION_COOKIE_AGE after the last request.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESH = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        session = super()._get_session_from_db()
        self.stored_expiry = session.expire_date if session else None
        return session

    def due_for_refresh(self) -> bool:
        if self.stored_expiry is None:
            return False
        return self.stored_expiry < timezone.now() + timedelta(seconds=self.get_expiry_age()) - REFRESH


class SlidingSessionMiddleware(SessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if isinstance(session, SessionStore) and session.accessed and session.due_for_refresh():
            session.modified = True
        return super().process_response(request, response)
