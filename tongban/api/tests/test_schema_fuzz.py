"""Schemathesis over the published OpenAPI schema: generated calls find no server error and no answer that breaks
the schema. Bounded (a few examples per operation, no shrinking database) so that it stays a fast unit test."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tongban.api.tests.helpers import token_for

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def keep_test_connection():  # type: ignore[no-untyped-def]
    """Schemathesis calls the WSGI application itself, whose end-of-request signal closes the database connection
    (and with it the test's transaction); Django's test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", ["pm_ordos", "bureau_dalate"])
def test_generated_calls_find_no_server_error_and_no_answer_outside_the_schema(settings, keep_test_connection,
                                                                            username: str) -> None:
    settings.API_RATE_PER_TOKEN = settings.API_RATE_PER_ADDRESS = ""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token_for(username)}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def call(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance,
                                                            status_code_conformance])

        call()
