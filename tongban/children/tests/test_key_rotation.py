import base64

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from tongban.children.tests.factories import make_child
from tongban.core import crypto

pytestmark = pytest.mark.django_db

NEW_KEY = base64.urlsafe_b64encode(b"a-brand-new-key-for-rotation-32b").decode()


def test_rotation_re_encrypts_ids_so_the_old_key_can_be_dropped(settings):
    child = make_child()
    number = child.id_number()
    assert number
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]

    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))

    child.refresh_from_db()
    assert Fernet(NEW_KEY.encode()).decrypt(child.id_encrypted.encode()).decode() == number
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert child.id_number() == number


def test_search_digests_do_not_change_with_the_encryption_keys(settings):
    before = crypto.blind_index("150621201803040021", "id")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert crypto.blind_index("150621201803040021", "id") == before
