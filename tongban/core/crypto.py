"""Encryption at rest and keyed search indexes for sensitive fields (ID numbers, phones).

Values are encrypted with Fernet (AES-128-CBC + HMAC). FIELD_ENCRYPTION_KEYS is a
list: the first key encrypts, every key decrypts, so a new key is put first and
`rotate_field_keys` re-encrypts the old rows. Exact search works through a blind
index: an HMAC of the normalised value under BLIND_INDEX_KEY, which does not
rotate with the encryption keys (changing it means rebuilding the indexes).
"""

import base64
import hmac
import os
import time
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
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


def encrypt_many(values: Sequence[str]) -> list[str]:
    """encrypt() of each value ("" stays ""): Fernet tokens that Fernet itself decrypts, made several times faster
    for the tens of thousands of numbers of a screening import.

    Fernet sets up a new AES-CBC context for every value, which is most of its cost for a short value. Here one CBC
    stream encrypts all of them, each value preceded by a block of fresh random bytes: that block's ciphertext,
    the encryption of a random block, becomes the value's IV (uniformly random like os.urandom's, and unknown
    before it is made), and the value's own blocks follow it in the chain exactly as CBC with that IV makes them.
    Then the token is assembled and authenticated as Fernet does (version, time, IV, ciphertext, HMAC-SHA256).
    """
    key = base64.urlsafe_b64decode(_keys()[0])
    signing, encryption = key[:16], key[16:]
    noise = os.urandom(16 * len(values))
    stream = Cipher(algorithms.AES(encryption), modes.CBC(os.urandom(16))).encryptor()
    head = b"\x80" + int(time.time()).to_bytes(8, "big")
    mac = hmac.new(signing, digestmod="sha256")
    tokens = []
    for index, value in enumerate(values):
        if not value:
            tokens.append("")
            continue
        data = value.encode()
        pad = 16 - len(data) % 16
        body = head + stream.update(noise[16 * index:16 * index + 16] + data + bytes([pad]) * pad)
        signed = mac.copy()
        signed.update(body)
        tokens.append(base64.urlsafe_b64encode(body + signed.digest()).decode())
    return tokens


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
    # A copy of an HMAC already keyed: cheaper than keying one for every value (hmac.digest does).
    mac = _keyed(settings.BLIND_INDEX_KEY).copy()
    mac.update(f"{purpose}:{value}".encode())
    return _base32(mac.digest()[:20])


@lru_cache(maxsize=4)
def _keyed(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod="sha256")


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
