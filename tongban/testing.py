"""Helpers for tests: the fixed cast of demo users and small record builders."""

from typing import Any

from django.test import Client

from tongban.accounts.models import User

CAST = [
    "admin", "bureau_ordos", "bureau_dalate", "pm_ordos", "lead_dalate", "worker_dalate",
    "worker_etuoke", "director_dalate", "volunteer_dalate", "worker_shuimogou",
]


def cast(username: str) -> User:
    return User.objects.get(username=username)


def signed_in(client: Client, username: str) -> User:
    user = cast(username)
    client.force_login(user)
    return user


def make_user(username: str, **fields: Any) -> User:
    user = User(username=username, **fields)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user
