"""Prepared export files live under MEDIA_ROOT/exports, which no URL serves, encrypted with the field keys."""

import base64
import uuid
import zlib
from pathlib import Path

from django.conf import settings

from tongban.core import crypto


def store(data: bytes) -> str:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"exports/{uuid.uuid4().hex}.enc"
    path = Path(settings.MEDIA_ROOT) / name
    path.write_text(crypto.encrypt(base64.b64encode(zlib.compress(data, 1)).decode("ascii")))
    path.chmod(0o600)
    return name


def stored_bytes(name: str) -> bytes:
    token = (Path(settings.MEDIA_ROOT) / name).read_text().strip()
    return zlib.decompress(base64.b64decode(crypto.decrypt(token)))
