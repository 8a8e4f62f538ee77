import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _service_messages_in_english():
    # Messages raised by services are matched in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield
