from typing import Any

from django.test import Client

from tongban.api.models import ApiToken
from tongban.api.services import token_create
from tongban.testing import cast


def token_for(username: str, *, scope: str = ApiToken.Scope.READ_WRITE, days: int = 30) -> str:
    _token, key = token_create(actor=cast(username), name="test", scope=scope, days=days)
    return key


def bearer(key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def api_get(client: Client, username: str | None, url: str, **extra: Any) -> Any:
    headers = bearer(token_for(username)) if username else {}
    return client.get(url, **headers, **extra)
