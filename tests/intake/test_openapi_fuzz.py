"""Schemathesis against the API's own OpenAPI description: no input makes a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from intake.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def fuzz_token(db, request):
    sender_and_token = request.getfixturevalue("sender_and_token")
    request.getfixturevalue("district")
    return sender_and_token[1]


@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["good", "bad", "none"])
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_makes_a_server_error(case, auth, fuzz_token, client):
    headers = {
        "good": {"Authorization": f"Bearer {fuzz_token}"},
        "bad": {"Authorization": "Bearer not-a-token"},
        "none": {},
    }[auth]
    method, path = case.method.lower(), case.formatted_path
    if method == "post":
        body = case.body
        response = client.post(path, body, content_type="application/json", headers=headers)
    else:
        body = None
        response = client.generic(method.upper(), path, headers=headers)
    assert response.status_code < 500, (method, path, body, response.content[:300])
    if auth != "good":
        assert response.status_code in (401, 405)  # 405: a method the path has not
