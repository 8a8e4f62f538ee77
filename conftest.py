import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Every test starts from the same demo world: the cast of demo accounts and their regions."""
    from django.conf import settings

    # The demo password is hashed once with a fast hasher; real deployments keep Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from tongban.core.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo(seed=1, children=120)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):  # type: ignore[no-untyped-def]
    # Tests do not run collectstatic, so static URLs must not need its manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Each test starts with empty API rate-limit counters (they live in Django's cache): the calls of earlier
    tests on the same worker, all from 127.0.0.1, must not use up the address's budget of the next one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):  # type: ignore[no-untyped-def]
    """With -n 2, one worker takes all browser journeys (they share one server) while the other runs the rest.

    xdist's own loadgroup mode cannot do it under pytest 9 (the group never reaches the test ids), so this is
    loadgroup by path: the journeys form one unit of work, every other test is a unit of its own."""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class JourneysOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tongban/journeys/" if nodeid.startswith("tongban/journeys/") else nodeid

    return JourneysOnOneWorker(config, log)
