"""The served OpenAPI schema documents every operation's real answers, errors included.

`.ci/api_contract` fuzzes the served schema with schemathesis; these checks keep
the obvious gaps out of it between runs.
"""

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return yaml.safe_load(Client().get("/api/schema/").content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_the_one_error_shape_on_its_error_statuses(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message", "details"]
    for path, method, operation in _operations(schema):
        errors = {status for status in operation["responses"] if status.startswith(("4", "5"))}
        assert "401" in errors and "414" in errors, (method, path)
        # 414 comes from the HTTP server in front of the app (its request-line limit), in its own HTML.
        assert "content" not in operation["responses"]["414"], (method, path)
        for status in errors - {"414"}:
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_operations_that_move_points_document_conflicts_key_reuse_and_busy(schema):
    for path in ["/api/v1/redemptions/", "/api/v1/redemptions/{id}/cancel/"]:
        assert {"409", "422", "503"} <= set(schema["paths"][path]["post"]["responses"])


def test_the_points_endpoint_is_documented_as_what_it_returns(schema):
    ok = schema["paths"]["/api/v1/me/points/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
    assert page["type"] == "object" and {"balance", "count", "results"} <= set(page["properties"])
