import base64
import hmac

from cryptography.fernet import Fernet
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


def test_values_encrypted_together_are_fernet_tokens_that_decrypt_to_each_value():
    values = ["150602201305011234", "", "13800138000", "祖拜旦·麦麦提吐尔什", "x" * 16, "x" * 31, "15060220130501123X"]

    tokens = crypto.encrypt_many(values)

    assert [crypto.decrypt(token) for token in tokens] == values
    fernet = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert [fernet.decrypt(t.encode()).decode() for t in tokens if t] == [v for v in values if v]
    assert tokens[1] == ""


def test_the_same_value_encrypted_together_twice_gives_two_tokens_with_their_own_iv():
    first, second = crypto.encrypt_many(["150602201305011234", "150602201305011234"])
    again = crypto.encrypt_many(["150602201305011234"])[0]

    ivs = {base64.urlsafe_b64decode(token)[9:25] for token in (first, second, again)}
    assert len({first, second, again}) == 3
    assert len(ivs) == 3
    assert crypto.decrypt(first) == crypto.decrypt(second) == crypto.decrypt(again) == "150602201305011234"
