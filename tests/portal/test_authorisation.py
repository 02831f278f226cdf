"""Every route under /portail/, taken from the URL resolver, for four personas with A's objects.

Anonymous → login redirect; member of B → 404 on A's objects and never a trace of them; member of
A → allowed; DGOS agent → reads everything, every write refused (403: agents act from the desk).
A new route fails this test until it is classified in EXPECTED.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
#: route -> expected GET status for (member of A, member of B, agent); POST writes listed apart.
EXPECTED = {
    "password_change": (200, 200, 200),
    "password_change_done": (200, 200, 200),
    "establishment_switch": (200, 200, 200),
    "dashboard": (200, 200, 200),
    "project_detail": (200, 404, 200),
    "milestone_declare": (200, 404, 403),
    "request_detail": (200, 404, 200),
    "request_upload": (302, 404, 302),
    "request_remove_evidence": (302, 404, 302),
    "request_submit": (302, 404, 302),
    "request_resubmit": (302, 404, 302),
    "request_withdraw": (200, 404, 403),
    "document_download": (200, 404, 200),
    "two_factor_verify": (200, 200, 200),
    "two_factor_enrol": (200, 200, 200),
    "two_factor_recovery_codes": (200, 200, 200),
}
#: Routes that write on A's objects: POST by B → 404, by an agent → 403.
WRITE_ROUTES = {
    "milestone_declare",
    "request_upload",
    "request_remove_evidence",
    "request_submit",
    "request_resubmit",
    "request_withdraw",
}


def portal_routes() -> list[tuple[str, URLPattern]]:
    """(name, pattern) of every route whose path starts with portail/, found by walking the resolver."""
    found = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, entry.namespace or namespace)
            elif route.startswith("portail/"):
                assert entry.name, f"unnamed route under /portail/: {route}"
                assert namespace == "portal", f"{route} is outside the portal namespace"
                found.append((entry.name, entry))

    walk(get_resolver().url_patterns, "", "")
    return found


def kwargs_for(name: str, pattern: URLPattern, objects: dict) -> dict:
    wanted = set(pattern.pattern.converters)
    if not wanted:
        return {}
    if wanted == {"public_id"}:
        return {"public_id": objects["project"].public_id}
    if wanted == {"public_id", "rank"}:
        return {"public_id": objects["project"].public_id, "rank": objects["milestone"].rank}
    if wanted == {"uidb64", "token"}:
        return {"uidb64": "MQ", "token": "set-password"}
    if wanted == {"pk", "document"}:
        return {"pk": objects["request"].pk, "document": objects["document"].pk}
    if wanted == {"pk"} and name.startswith("request_"):
        return {"pk": objects["request"].pk}
    if wanted == {"pk"} and name.startswith("document_"):
        return {"pk": objects["document"].pk}
    raise AssertionError(f"tests/portal/test_authorisation.py does not know how to fill {name}: {wanted}")


@pytest.fixture
def objects_a(draft_a):
    return {
        "project": draft_a.milestone.project,
        "milestone": draft_a.milestone,
        "request": draft_a,
        "document": draft_a.documents.get(),
    }


@pytest.fixture
def urls(objects_a):
    return {
        name: reverse(f"portal:{name}", kwargs=kwargs_for(name, p, objects_a)) for name, p in portal_routes()
    }


def test_every_route_is_classified():
    names = {name for name, _pattern in portal_routes()}
    assert len(names) >= 18
    assert names == PUBLIC | set(EXPECTED), "classify new /portail/ routes in EXPECTED or PUBLIC"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, urls):
    login = reverse("portal:login")
    for name, url in urls.items():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if name in PUBLIC:
                assert response.status_code in (200, 302, 405), (name, method, response.status_code)
                assert not response.get("Location", "").startswith(login), name
            else:
                assert response.status_code == 302, (name, method, response.status_code)
                assert response["Location"].startswith(f"{login}?next="), (name, method)


def _leaks(response, objects) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    project = objects["project"]
    markers = [project.public_id, project.acronym, objects["document"].original_name, project.title]
    return [marker for marker in markers if marker.encode() in body]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["member_a", "member_b", "instructing_agent"])
def test_each_persona_gets_the_expected_answer(client, urls, objects_a, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    column = {"member_a": 0, "member_b": 1, "instructing_agent": 2}[persona]
    leaks = []
    for name, url in urls.items():
        if name in PUBLIC:
            continue
        response = client.get(url)
        assert response.status_code == EXPECTED[name][column], (persona, name, response.status_code)
        if persona == "member_b":
            leaks += [(name, marker) for marker in _leaks(response, objects_a)]
        if name in WRITE_ROUTES and persona != "member_a":
            posted = client.post(url, {"comment": "x", "reached_on": "2017-01-05"})
            assert posted.status_code == (404 if persona == "member_b" else 403), (persona, name)
            if persona == "member_b":
                leaks += [(name, marker) for marker in _leaks(posted, objects_a)]
    assert leaks == []
    objects_a["request"].refresh_from_db()
    assert objects_a["request"].status == "draft"
    assert objects_a["request"].documents.count() == 1


@pytest.mark.django_db
def test_member_of_b_dashboard_never_lists_a(client_b, project_a, project_b):
    response = client_b.get(reverse("portal:dashboard"))
    assert project_b.public_id.encode() in response.content
    assert project_a.public_id.encode() not in response.content
