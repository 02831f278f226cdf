"""The DGOS dashboard: agents only, filters and as-of date, and fresh figures after a delegation
without recomputation on every view (cache invalidated by signals)."""

import pytest
from bs4 import BeautifulSoup

from reports import indicators
from workflows import services

pytestmark = pytest.mark.django_db


def _pipeline(response) -> dict[str, tuple[str, str]]:
    soup = BeautifulSoup(response.content, "html.parser")
    rows = soup.find(id="tranche_pipeline").find("tbody").find_all("tr")
    return {
        cells[0]: (cells[1], cells[2])
        for cells in ([td.get_text(strip=True) for td in r.find_all("td")] for r in rows)
    }


def test_only_dgos_agents(client, portfolio, editor, member_a, instructing_agent):
    # Wagtail turns the refusal into a redirect to the admin home with a message; no figure leaks.
    client.force_login(editor)
    refused = client.get("/admin/indicateurs/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert client.get("/admin/indicateurs/tranche_pipeline/csv/").status_code == 302
    assert "indicateurs-dgos" not in client.get("/admin/").content.decode()
    client.force_login(member_a)
    assert client.get("/admin/indicateurs/").status_code == 302
    client.force_login(instructing_agent)
    response = client.get("/admin/indicateurs/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert [s["id"] for s in soup.select("section")][:3] == [i.key for i in indicators.internal_indicators()]
    assert "indicateurs-dgos" in client.get("/admin/").content.decode()  # menu item shown to agents


def test_filters_and_as_of(client, portfolio, budget_agent):
    client.force_login(budget_agent)
    response = client.get("/admin/indicateurs/", {"as_of": "2017-03-01", "programme": "PHRCN"})
    assert _pipeline(response)["En instruction"] == ("1", "30\u202f000\xa0€")
    svg = client.get("/admin/indicateurs/tranche_pipeline/svg/", {"as_of": "2017-03-01"})
    assert svg.status_code == 200 and b"1er mars 2017" in svg.content
    late = client.get("/admin/indicateurs/late_milestones_by_establishment/csv/", {"as_of": "2018-07-12"})
    assert "ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS;Île-de-France;2;2;41,0;41" in late.content.decode(
        "utf-8-sig"
    )
    bad = client.get("/admin/indicateurs/", {"as_of": "31/02/2020", "region": "XX"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Date invalide" in text and "Sélectionnez un choix valide" in text


@pytest.mark.django_db(transaction=True)  # real commits: the data version moves in `on_commit`
def test_delegation_shows_at_next_view_without_recomputing_each_view(
    client, portfolio, budget_agent, monkeypatch
):
    builds = []
    real = indicators.build_snapshot
    monkeypatch.setattr(indicators, "build_snapshot", lambda *a, **k: builds.append(1) or real(*a, **k))
    client.force_login(budget_agent)
    before = _pipeline(client.get("/admin/indicateurs/"))
    assert before["Validée"] == ("2", "50\u202f000\xa0€") and before["Déléguée"] == ("0", "0\xa0€")
    assert len(builds) == 1
    client.get("/admin/indicateurs/")
    assert len(builds) == 1  # second view: every figure from the cache

    delegation = services.create_delegation(
        actor=budget_agent, reference="C-NOW-1", circular_date=portfolio["p1"].selected_on
    )
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=[portfolio["r12"]])
    services.issue_delegation(delegation=delegation, actor=budget_agent)

    after = _pipeline(client.get("/admin/indicateurs/"))
    assert after["Déléguée"] == ("1", "20\u202f000\xa0€") and after["Validée"] == ("1", "30\u202f000\xa0€")
    assert len(builds) == 2
