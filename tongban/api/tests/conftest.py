import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Each test starts with empty rate-limit counters (they live in Django's cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
