import base64
import hmac

from django.conf import settings

from tongban.core import crypto


def test_a_blind_index_is_the_lower_case_base32_of_the_first_20_bytes_of_the_keyed_digest():
    # Stored digests and search keys were made this way: a faster spelling must give the very same letters.
    for value in ["150602201305011234", "1234", "13800138000", "祖拜旦·麦麦提吐尔什", "x" * 300]:
        digest = hmac.digest(settings.BLIND_INDEX_KEY.encode(), f"id:{value}".encode(), "sha256")
        assert crypto.blind_index(value, "id") == base64.b32encode(digest[:20]).decode().rstrip("=").lower()


def test_every_bit_pattern_spells_as_the_standard_base32():
    for twenty in [bytes(20), b"\xff" * 20, bytes(range(20)), bytes(range(236, 256)), b"\x01" + bytes(19)]:
        assert crypto._base32(twenty) == base64.b32encode(twenty).decode().lower()


def test_an_empty_value_has_no_blind_index():
    assert crypto.blind_index("", "id") == ""
