"""Encryption at rest and keyed search indexes for sensitive fields (ID numbers, phones).

Values are encrypted with Fernet (AES-128-CBC + HMAC). FIELD_ENCRYPTION_KEYS is a
list: the first key encrypts, every key decrypts, so a new key is put first and
`rotate_field_keys` re-encrypts the old rows. Exact search works through a blind
index: an HMAC of the normalised value under BLIND_INDEX_KEY, which does not
rotate with the encryption keys (changing it means rebuilding the indexes).
"""

import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be urlsafe-base64 32-byte keys, separated by commas."
        ) from None


def _keys() -> tuple[str, ...]:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is not set.")
    return keys


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet(_keys()).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("A stored value cannot be decrypted with the configured keys.") from None


def rotate(token: str) -> str:
    """Re-encrypt a stored value under the first (newest) key."""
    return _fernet(_keys()).rotate(token.encode()).decode() if token else ""


def blind_index(value: str, purpose: str) -> str:
    """A keyed, one-way digest for exact matching: equal inputs give equal digests."""
    if not value:
        return ""
    # hmac.digest: the one-shot C path, several times faster than building an HMAC object per value.
    digest = hmac.digest(settings.BLIND_INDEX_KEY.encode(), f"{purpose}:{value}".encode(), "sha256")
    return _base32(digest[:20])


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_BASE32_PAIRS = [a + b for a in _BASE32 for b in _BASE32]
_PAIR_SHIFTS = tuple(range(150, -1, -10))


def _base32(twenty: bytes) -> str:
    """Lower-case base32 of 20 bytes (exactly 32 letters, no padding), as base64.b32encode spells it.

    Two letters (10 bits) per lookup: the standard library's base32 is written in Python and took half of
    the time of each digest, and an import computes four digests per ID number.
    """
    number = int.from_bytes(twenty, "big")
    return "".join([_BASE32_PAIRS[(number >> shift) & 1023] for shift in _PAIR_SHIFTS])
