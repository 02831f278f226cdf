"""Issue 11, the key test: one portfolio with historical and SIRANo tranches in every money
state; every surface reports the figures of the one money selector (`workflows.selectors`)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from content.figures import totals_for
from opendata import releases
from reports import indicators
from tests.factories import ProjectFactory
from tests.tranche_support import advance_tranche
from workflows import selectors
from workflows.models import Project

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def ledger_portfolio(establishment_a, establishment_b, member_a, member_b, instructing_agent, budget_agent):
    """A: 100 000 €, tranches 1-2 historical (30 000 + 20 000), tranche 3 validated (20 000).
    B: 200 000 €, tranche 1 paid (60 000), tranche 2 submitted (40 000).
    C:  50 000 €, tranche 1 historical (15 000), tranche 2 delegated (10 000)."""
    a = ProjectFactory(acronym="ALPHA", establishment=establishment_a, historical_tranches=2)
    b = ProjectFactory(acronym="BETA", establishment=establishment_b, award_amount=D("200000"))
    c = ProjectFactory(
        acronym="GAMMA", establishment=establishment_a, award_amount=D("50000"), historical_tranches=1
    )
    people = {"agent": instructing_agent, "budget": budget_agent}
    advance_tranche(a.milestones.get(rank=3), until="validated", member=member_a, **people)
    advance_tranche(b.milestones.get(rank=1), until="paid", member=member_b, reference="C-B1", **people)
    advance_tranche(b.milestones.get(rank=2), until="submitted", member=member_b, **people)
    advance_tranche(c.milestones.get(rank=2), until="delegated", member=member_a, reference="C-C2", **people)
    return a, b, c


EXPECTED = {
    "awarded": D("350000"),
    "committed": D("155000"),
    "validated": D("20000"),
    "delegated": D("135000"),
    "paid": D("60000"),
    "remaining": D("195000"),
    "delegated_historical": D("65000"),
}


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _decimal(text: str) -> Decimal:
    return D(str(text).replace(",", "."))


def test_the_selector_itself(ledger_portfolio):
    totals = selectors.portfolio_money(Project.objects.all())
    assert {key: totals[key] for key in EXPECTED} == EXPECTED
    a, b, c = (
        selectors.with_funding_figures(Project.objects.filter(pk=p.pk)).get() for p in ledger_portfolio
    )
    assert (a.amount_delegated, a.amount_validated, a.amount_remaining, a.tranche_number) == (
        D("50000"),
        D("20000"),
        D("30000"),
        2,
    )
    assert (b.amount_paid, b.amount_committed, c.tranche_number, c.historical_tranches) == (
        D("60000"),
        D("60000"),
        2,
        1,
    )


def test_every_surface_reports_the_same_figures(
    ledger_portfolio, client, member_a, instructing_agent, settings, tmp_path, django_assert_max_num_queries
):
    settings.RELEASES_ROOT = tmp_path / "releases"
    a, b, c = ledger_portfolio
    per_project = {p.public_id: p for p in selectors.with_funding_figures(Project.objects.all())}
    reference = selectors.portfolio_money(Project.objects.all())

    # Public project pages.
    for public_id, project in per_project.items():
        response = client.get(reverse("projects:detail", args=[public_id]))
        assert response.context["shown"]["amount_delegated"]["value"] == project.amount_delegated
        assert response.context["shown"]["tranche_number"]["value"] == project.tranche_number

    # resultats.csv of the directory.
    rows = _csv(client.get(reverse("projects:csv")))
    assert sum(_decimal(r["credits_delegues"]) for r in rows) == reference["delegated"]

    # Home key figures.
    assert totals_for()["delegated"] == reference["delegated"]

    # API: projects and tranches (public), validated figures for an expert agent.
    api_projects = client.get("/api/v1/projects/?page_size=100").json()["results"]
    assert sum(D(str(p["amount_delegated"])) for p in api_projects) == reference["delegated"]
    api_tranches = client.get("/api/v1/tranches/?page_size=100").json()["results"]
    assert (
        sum(D(str(t["amount"])) for t in api_tranches if t["status"] in ("delegated", "paid"))
        == (reference["delegated"])
    )
    assert sum(D(str(t["amount"])) for t in api_tranches if t["status"] == "paid") == reference["paid"]
    assert sum(t["is_historical"] for t in api_tranches) == 3

    # Release files.
    release = releases.publish_release()
    with open(settings.RELEASES_ROOT / release.name / "projects.csv", encoding="utf-8", newline="") as handle:
        projects_csv = list(csv.DictReader(handle))
    with open(settings.RELEASES_ROOT / release.name / "tranches.csv", encoding="utf-8", newline="") as handle:
        tranches_csv = list(csv.DictReader(handle))
    assert sum(D(r["amount_delegated"]) for r in projects_csv) == reference["delegated"]
    assert sum(D(r["amount"]) for r in tranches_csv) == reference["delegated"]
    assert sum(r["is_historical"] == "true" for r in tranches_csv) == 3

    # The historical file consumers read (numero_tranche).
    compat = list(
        csv.reader(
            io.StringIO(b"".join(client.get("/donnees/sirano.csv").streaming_content).decode("cp1252")),
            delimiter=";",
        )
    )
    numbers = {row[6]: row[13] for row in compat[1:]}
    assert numbers == {"ALPHA": "2", "BETA": "1", "GAMMA": "2"}

    # Indicators (today): per-programme delegated amounts and the pipeline.
    assert D(str(indicators.value("awards_by_programme", "delegated"))) == reference["delegated"]
    pipeline = {r["state"]: r for r in indicators.get("tranche_pipeline").to_dict("records")}
    assert D(str(pipeline["delegated"]["amount"] + pipeline["paid"]["amount"])) == reference["delegated"]
    assert D(str(pipeline["validated"]["amount"])) == reference["validated"]
    assert D(str(pipeline["delegated"]["amount_historical"])) == reference["delegated_historical"]

    # Portal (member of A): dashboard rows and project page.
    client.force_login(member_a)
    dashboard = {p.public_id: p for p in client.get(reverse("portal:dashboard")).context["projects"]}
    for public_id in (a.public_id, c.public_id):
        assert dashboard[public_id].amount_delegated == per_project[public_id].amount_delegated
    page = client.get(reverse("portal:project_detail", args=[a.public_id])).context["money"]
    assert (page["delegated"], page["validated"], page["remaining"]) == (D("50000"), D("20000"), D("30000"))

    # Agents' desk: the submitted request of B shows B's remaining amount.
    client.force_login(instructing_agent)
    submitted = b.milestones.get(rank=2).tranche_requests.get()
    desk = client.get(reverse("workflows_desk:request_inspect", args=[submitted.pk])).context
    assert desk["money"]["remaining"] == per_project[b.public_id].amount_remaining == D("140000")

    # List views keep a flat query count whatever the portfolio size.
    with django_assert_max_num_queries(12):
        list(selectors.with_funding_figures(Project.objects.all()))


def test_as_of_a_past_date_agrees_with_the_indicators(ledger_portfolio):
    import datetime

    day = datetime.date(2017, 2, 1)  # the SIRANo tranches are stamped today: only the stock counts
    money = selectors.portfolio_money(Project.objects.all(), as_of=day)
    delegated = indicators.value("awards_by_programme", "delegated", as_of=day)
    assert D(str(delegated)) == money["delegated"] == D("65000")  # the historical stock only


@pytest.mark.parametrize(
    "figures", [("amount_delegated", "tranche_number"), ("amount_remaining",), ("amount_paid",), ()]
)
def test_a_chosen_subset_of_figures_equals_the_full_selector(ledger_portfolio, figures):
    """A page that shows two figures asks for two (`figures=`); each is the selector's own."""
    full = {p.pk: p for p in selectors.with_funding_figures(Project.objects.all())}
    chosen = selectors.with_funding_figures(Project.objects.all(), figures=figures)
    assert set(chosen.query.annotations) - {"amount_committed"} == set(figures)
    for project in chosen:
        for name in figures:
            assert getattr(project, name) == getattr(full[project.pk], name), name


@pytest.mark.parametrize(
    "figures", [selectors.PACKABLE_FIGURES, ("amount_paid", "tranche_number"), ("tranche_number",)]
)
def test_packed_figures_equal_the_selector_s_own(ledger_portfolio, figures):
    """One subquery for several figures (`with_packed_funding_figures`, the API's list rows): the
    same values as one subquery each, a project without any tranche included."""
    ProjectFactory(acronym="DELTA", historical_tranches=0)
    full = {p.pk: p for p in selectors.with_funding_figures(Project.objects.all())}
    rows = selectors.with_packed_funding_figures(Project.objects.all(), figures).values(
        "pk", selectors.PACKED_FIGURES
    )
    assert len(rows) == 4
    for row in rows:
        unpacked = selectors.unpack_funding_figures(row[selectors.PACKED_FIGURES], figures)
        assert unpacked == {name: getattr(full[row["pk"]], name) for name in figures}
        assert all(type(unpacked[n]) is (int if n == "tranche_number" else Decimal) for n in figures)


def test_a_figure_that_reads_the_project_is_never_packed():
    with pytest.raises(ValueError, match="amount_remaining"):
        selectors.with_packed_funding_figures(Project.objects.all(), ("amount_remaining",))


def test_an_unknown_figure_is_refused():
    with pytest.raises(ValueError, match="amount_spent"):
        selectors.with_funding_figures(Project.objects.all(), figures=("amount_spent",))


def test_a_project_page_computes_every_money_figure_it_shows():
    from content.directory import presenters, views

    assert set(selectors.FUNDING_FIGURES) & set(presenters.PROJECT_FIELDS) <= set(views.PAGE_FIGURES)
