"""The API's OpenAPI document is valid OpenAPI 3.1, holds only the API, and every endpoint answers
as it says: property-based requests generated from the document's own parameter schemas
(hypothesis-jsonschema), every answer checked against the document's response schemas, no 5xx."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.helpers import run
from tracker.api import endpoints, queries, rules
from tracker.projects.tables import Project

SUPPRESS = list(HealthCheck)


@pytest.fixture
def api(client, monkeypatch):
    """A client, an all-scopes token, the document, and no rate limit (hundreds of requests a minute)."""
    monkeypatch.setattr(endpoints, "window", lambda: rules.SlidingWindow(0))
    token = run(queries.create_token("schema", list(rules.SCOPES), None, None, None))[1]
    headers = {"Authorization": f"Bearer {token}"}
    spec = client.get("/api/v1/openapi.json", headers=headers).json()
    return client, headers, spec


def test_the_document_is_valid_openapi_3_1(api):
    _client, _headers, spec = api
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_document_holds_the_api_and_no_page(api):
    client, headers, spec = api
    assert set(spec["paths"]) == {"/api/v1", "/api/v1/projects", "/api/v1/projects/{project_id}", "/api/v1/figures"}
    assert all(set(item) == {"get"} for item in spec["paths"].values())
    # The pages' app publishes no schema of its own.
    assert client.get("/schema/openapi.json", follow_redirects=False).status_code in (302, 303, 401, 404)


def validator(spec: dict, schema: dict) -> Draft202012Validator:
    """A validator for a schema of the document ($refs point into its components)."""
    return Draft202012Validator({**schema, "components": spec["components"]})


def check(spec: dict, operation: dict, response) -> None:
    assert response.status_code < 500, response.text
    status = str(response.status_code)
    assert status in operation["responses"], f"{status} is not documented: {response.text[:200]}"
    if response.status_code == 304:
        return
    content = operation["responses"][status]["content"]
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type in content, (media_type, list(content))
    errors = sorted(validator(spec, content[media_type]["schema"]).iter_errors(response.json()), key=str)
    assert not errors, errors[:3]


def parameters(operation: dict, where: str) -> st.SearchStrategy[dict]:
    """Values for the operation's parameters, each drawn from its schema in the document (an
    optional one may be left out)."""
    params = [p for p in operation.get("parameters", []) if p["in"] == where]
    return st.fixed_dictionaries(
        {p["name"]: from_schema(p["schema"]) for p in params if p.get("required")},
        optional={p["name"]: from_schema(p["schema"]) for p in params if not p.get("required")},
    )


def as_query(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        out[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def test_the_project_list_answers_by_its_schema_whatever_the_parameters(api):
    client, headers, spec = api
    operation = spec["paths"]["/api/v1/projects"]["get"]

    @settings(max_examples=200, deadline=None, suppress_health_check=SUPPRESS)
    @given(params=parameters(operation, "query"))
    def run_one(params):
        check(spec, operation, client.get("/api/v1/projects", params=as_query(params), headers=headers))

    run_one()


def test_one_project_answers_by_its_schema_for_any_id(api):
    client, headers, spec = api
    operation = spec["paths"]["/api/v1/projects/{project_id}"]["get"]
    ids = [r["id"] for r in run(Project.select(Project.id))]
    id_schema = next(p["schema"] for p in operation["parameters"] if p["name"] == "project_id")

    @settings(max_examples=120, deadline=None, suppress_health_check=SUPPRESS)
    @given(project_id=st.one_of(st.sampled_from(ids), from_schema(id_schema)), etag=st.booleans())
    def run_one(project_id, etag):
        response = client.get(f"/api/v1/projects/{project_id}", headers=headers)
        check(spec, operation, response)
        if etag and response.status_code == 200:
            again = client.get(f"/api/v1/projects/{project_id}", headers={**headers, "If-None-Match": response.headers["etag"]})
            check(spec, operation, again)
            assert again.status_code == 304

    run_one()


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/figures"])
def test_the_other_endpoints_answer_by_their_schema(api, path):
    client, headers, spec = api
    operation = spec["paths"][path]["get"]

    @settings(max_examples=20, deadline=None, suppress_health_check=SUPPRESS)
    @given(language=st.sampled_from(["", "en", "zh-CN", "en-US,en;q=0.9", "fr"]), authorised=st.booleans())
    def run_one(language, authorised):
        sent = {**(headers if authorised else {}), **({"Accept-Language": language} if language else {})}
        check(spec, operation, client.get(path, headers=sent))

    run_one()
