"""Locking a workbook with a password: the ECMA-376 "agile" encryption Excel and WPS use themselves (AES-256,
SHA-512), so the file opens in them after the password is typed, and in nothing without it."""

import io


def protect_xlsx(content: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(content)).encrypt(password, locked)
    return locked.getvalue()


def open_protected(content: bytes, password: str) -> bytes:
    """The workbook inside a locked file; msoffcrypto's InvalidKeyError for a wrong password."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO()
    locked = OOXMLFile(io.BytesIO(content))
    locked.load_key(password=password)
    locked.decrypt(plain)
    return plain.getvalue()
