"""The API's endpoints: filters, ordering, formats, tokens and the uniform error shape."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings

from tests.factories import EstablishmentFactory, ProjectFactory
from workflows.models import EstablishmentType, ProjectStatus, Region, Visibility
from workflows.reference import get_or_create_call

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def portfolio(project_a, project_b, reference):
    """Two published projects of the personas, one 2021 PREPS project in a CH, one internal."""
    clinic = EstablishmentFactory(type=EstablishmentType.CH, region=Region.BRE)
    preps = ProjectFactory(
        call=get_or_create_call("PREPS", 2021),
        establishment=clinic,
        acronym="GAMMA",
        title="Parcours de soins coordonnés",
        award_amount=Decimal("250000.00"),
        status=ProjectStatus.IN_PROGRESS,
    )
    hidden = ProjectFactory(acronym="SECRET", visibility=Visibility.INTERNAL)
    return {"a": project_a, "b": project_b, "preps": preps, "hidden": hidden}


def test_list_serves_public_projects_only(client, portfolio):
    assert sorted(ids(client.get("/api/v1/projects/"))) == sorted(
        p.public_id for k, p in portfolio.items() if k != "hidden"
    )
    assert_error(client.get(f"/api/v1/projects/{portfolio['hidden'].public_id}/"), 404, "not_found")


def test_detail(client, portfolio):
    response = client.get(f"/api/v1/projects/{portfolio['preps'].public_id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["acronym"] == "GAMMA"
    assert body["award_amount"] == 250000.0
    assert [m["rank"] for m in body["milestones"]] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("programme=PREPS", {"preps"}),
        ("programme=phrcn", {"a", "b"}),
        ("year=2021", {"preps"}),
        ("region=ARA", {"a"}),
        ("establishment=750712184", {"b"}),
        ("establishment_type=CH", {"preps"}),
        ("status=in_progress", {"preps"}),
        ("award_min=200000", {"preps"}),
        ("award_max=200000", {"a", "b"}),
        ("award_min=100000&award_max=100000", {"a", "b"}),
        ("search=gamm", {"preps"}),
        ("search=coordonn", {"preps"}),
        ("search=SECRET", set()),
        ("year=2016&region=IDF", {"b"}),
    ],
)
def test_filters(client, portfolio, query, expected):
    assert set(ids(client.get(f"/api/v1/projects/?{query}"))) == {portfolio[k].public_id for k in expected}


def test_discipline_filter(client, portfolio):
    from workflows.models import Discipline

    discipline = Discipline.objects.order_by("code").first()
    portfolio["a"].discipline = discipline
    portfolio["a"].save()
    assert ids(client.get(f"/api/v1/projects/?discipline={discipline.code}")) == [portfolio["a"].public_id]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=abc", "year"),
        ("year=1850", "year"),
        ("region=XXX", "region"),
        ("establishment=12345", "establishment"),
        ("establishment_type=HOSP", "establishment_type"),
        ("status=finished", "status"),
        ("award_min=-5", "award_min"),
        ("award_max=beaucoup", "award_max"),
        ("ordering=title", "ordering"),
        ("page_size=0", "page_size"),
        ("page_size=1001", "page_size"),
        ("page_size=dix", "page_size"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_invalid_values_are_400_naming_the_parameter(client, portfolio, query, parameter):
    error = assert_error(client.get(f"/api/v1/projects/?{query}"), 400, "invalid_parameter")
    assert parameter in error["details"]
    assert error["details"][parameter][0]  # a French sentence, not an empty list


def test_ordering(client, portfolio):
    amounts = [
        r["award_amount"] for r in client.get("/api/v1/projects/?ordering=-award_amount").json()["results"]
    ]
    assert amounts == sorted(amounts, reverse=True)
    years = [r["year"] for r in client.get("/api/v1/projects/?ordering=year").json()["results"]]
    assert years == sorted(years)


def test_csv_format(client, portfolio):
    response = client.get("/api/v1/projects/?format=csv&ordering=public_id")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["public_id"] for r in rows] == ids(client.get("/api/v1/projects/?ordering=public_id"))
    assert rows[0]["region.code"] and rows[0]["investigator.last_name"]
    by_accept = client.get("/api/v1/establishments/", HTTP_ACCEPT="text/csv")
    assert by_accept["Content-Type"].startswith("text/csv")
    assert by_accept.content.decode("utf-8-sig").splitlines()[0].startswith("finess,name,type,region.code")


def test_csv_request_errors_stay_json(client, portfolio):
    assert_error(client.get("/api/v1/projects/?format=csv&year=abc"), 400, "invalid_parameter")


def test_unknown_path_method_and_format(client, portfolio):
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(client.post("/api/v1/projects/", {}), 405, "method_not_allowed")
    assert_error(client.delete(f"/api/v1/projects/{portfolio['a'].public_id}/"), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/projects/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


def test_bad_token_is_401(client, portfolio):
    assert_error(
        client.get("/api/v1/projects/", HTTP_AUTHORIZATION="Token not-a-real-token"), 401, "not_authenticated"
    )


def test_forged_cursor_is_refused(client, portfolio):
    assert_error(client.get("/api/v1/projects/?cursor=eyJkIjoibiJ9"), 404, "invalid_cursor")
    first = client.get("/api/v1/projects/?page_size=1&ordering=year").json()
    # A cursor is tied to its ordering: reusing it with another one is refused, not misread.
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    assert_error(client.get(f"/api/v1/projects/?cursor={cursor}&page_size=1"), 404, "invalid_cursor")


def test_previous_links_walk_back(client, portfolio):
    forward, url = [], "/api/v1/projects/?page_size=1"
    while url:
        page = client.get(url).json()
        forward += [r["public_id"] for r in page["results"]]
        last, url = page, page["next"]
    backward, url = [], last["previous"]
    while url:
        page = client.get(url).json()
        backward = [r["public_id"] for r in page["results"]] + backward
        url = page["previous"]
    assert backward == forward[:-1]


def test_anonymous_throttle_sends_retry_after(client, portfolio):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "2/minute"}
    with override_settings(REST_FRAMEWORK={**_rest_settings(), "DEFAULT_THROTTLE_RATES": rates}):
        assert client.get("/api/v1/calls/").status_code == 200
        assert client.get("/api/v1/calls/").status_code == 200
        response = client.get("/api/v1/calls/")
        error = assert_error(response, 429, "throttled")
        assert 0 < int(response["Retry-After"]) <= 60
        assert error["details"]["retry_after_seconds"] == int(response["Retry-After"])


def test_token_holders_are_not_throttled_as_anonymous(client, portfolio, expert_headers):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anon": "1/minute"}
    with override_settings(REST_FRAMEWORK={**_rest_settings(), "DEFAULT_THROTTLE_RATES": rates}):
        for _ in range(3):
            assert client.get("/api/v1/calls/", **expert_headers).status_code == 200


def _rest_settings():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_establishments_and_calls(client, portfolio):
    finesses = [r["finess"] for r in client.get("/api/v1/establishments/?region=IDF").json()["results"]]
    assert finesses == ["750712184"]
    calls = client.get("/api/v1/calls/?programme=PREPS").json()["results"]
    assert [(c["code"], c["year"]) for c in calls] == [("PREPS", 2021)]


def test_tranches_show_public_states_to_anonymous(client, tranches):
    rows = client.get("/api/v1/tranches/").json()["results"]
    assert [(r["project"], r["rank"], r["status"]) for r in rows] == [
        (tranches["paid"].milestone.project.public_id, 1, "paid")
    ]
    assert rows[0]["amount"] == float(tranches["paid"].amount)
    assert rows[0]["paid_on"] and rows[0]["delegated_on"]


def test_tranches_show_validated_ones_to_experts(client, tranches, expert_headers):
    rows = client.get("/api/v1/tranches/", **expert_headers).json()["results"]
    assert sorted(r["status"] for r in rows) == ["paid", "validated"]
    assert "submitted" not in {r["status"] for r in rows}


def test_delegated_amounts_reach_the_project(client, tranches):
    project = tranches["paid"].milestone.project
    body = client.get(f"/api/v1/projects/{project.public_id}/").json()
    assert body["amount_delegated"] == float(tranches["paid"].amount)
    assert body["tranche_number"] == 1
    assert body["milestones"][0]["amount_delegated"] == float(tranches["paid"].amount)


def test_issue_api_token_command(client, expert, member_a, editor):
    from django.core.management import CommandError, call_command

    from opendata.models import ApiToken

    out = io.StringIO()
    call_command("issue_api_token", "experte", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    with pytest.raises(CommandError, match="--rotate"):
        call_command("issue_api_token", "experte")
    out = io.StringIO()
    call_command("issue_api_token", "experte", "--rotate", stdout=out)
    new_key = out.getvalue().strip().splitlines()[-1]
    assert new_key != key
    assert ApiToken.objects.active().filter(user=expert).count() == 1
    assert client.get("/api/v1/calls/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    with pytest.raises(CommandError, match="rôle Expert"):
        call_command("issue_api_token", "redaction")
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("issue_api_token", "personne")


def test_docs_use_local_assets(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    schema = client.get("/api/v1/schema/?format=json").json()
    assert set(schema["paths"]) == {
        "/api/v1/projects/",
        "/api/v1/projects/{public_id}/",
        "/api/v1/establishments/",
        "/api/v1/calls/",
        "/api/v1/tranches/",
    }
