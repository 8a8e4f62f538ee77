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


def pytest_configure(config):  # type: ignore[no-untyped-def]
    # The browser journeys (tongban/journeys) share one server: with xdist they are grouped onto one worker
    # (`xdist_group("browser")`), which needs the loadgroup distribution instead of xdist's default.
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadgroup"
