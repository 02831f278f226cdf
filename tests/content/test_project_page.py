"""Project pages: public fields only, plain timeline, registries, 404s, meta/OpenGraph, sitemap.

The visibility tests are driven by `workflows.visibility.FIELDS`: every expert or internal field
gets a planted, recognisable value, and a new registry entry without one fails the suite.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.directory.views import CSV_COLUMNS
from tests.factories import ProjectFactory, UserFactory
from workflows import services, visibility
from workflows.documents import inspect_upload
from workflows.models import (
    Call,
    Discipline,
    Establishment,
    Project,
    ProjectMilestone,
    TrancheRequest,
    TrialRegistration,
    Visibility,
)
from workflows.roles import Role
from workflows.validators import Registry
from workflows.visibility import Tier

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MODELS = {
    "project": Project,
    "milestone": ProjectMilestone,
    "tranche": TrancheRequest,
    "establishment": Establishment,
    "call": Call,
}
TEXT_FIELDS = (models.CharField, models.TextField)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def planted(project_a, member_a, instructing_agent, budget_agent):
    """A public project carrying a recognisable value in every expert and internal field.

    Returns {(model, field): text that must not appear to a lower tier}.
    """
    project = project_a
    sentinels: dict[tuple[str, str], str] = {}
    objects = {
        "project": project,
        "establishment": project.establishment,
        "call": project.call,
        "milestone": project.milestones.get(rank=1),
    }
    # Concrete text fields of the registry: planted generically, so a new one needs no test change.
    for model, fields in visibility.FIELDS.items():
        for name, tier in fields.items():
            if tier == Tier.PUBLIC or model not in objects:
                continue
            try:
                field = MODELS[model]._meta.get_field(name)
            except Exception:
                continue
            if isinstance(field, TEXT_FIELDS) and not field.choices:
                value = (
                    f"sentinel-{model}-{name}@secret.example"
                    if isinstance(field, models.EmailField)
                    else f"SENTINEL-{model}-{name}".replace("_", "-").upper()
                )
                setattr(objects[model], name, value)
                sentinels[(model, name)] = value
    for obj in objects.values():
        obj.save()
    project.investigator.email = "porteur.secret@chu.example"
    project.investigator.save()
    sentinels[("project", "investigator_email")] = "porteur.secret@chu.example"
    project.source_row = 987654
    project.budget_breakdown = "SENTINEL-BUDGET-BREAKDOWN"
    Project.objects.filter(pk=project.pk).update(
        source_row=987654,
        budget_breakdown="SENTINEL-BUDGET-BREAKDOWN",
    )
    sentinels[("project", "source_row")] = "987654"
    sentinels[("project", "budget_breakdown")] = "SENTINEL-BUDGET-BREAKDOWN"

    # People behind declarations, verifications and requests (internal).
    member_a.last_name = "DECLARANTE"
    member_a.save()
    instructing_agent.last_name = "VERIFICATEUR"
    instructing_agent.save()
    sentinels[("milestone", "declared_by")] = "DECLARANTE"
    sentinels[("tranche", "created_by")] = "DECLARANTE"
    sentinels[("milestone", "verified_by")] = "VERIFICATEUR"

    # Tranche 1 walks to "paid" (public), tranche 2 stops at "validated" (expert).
    first, second, third = project.milestones.filter(rank__in=[1, 2, 3]).order_by("rank")
    paid = _request_to(first, "paid", member_a, instructing_agent, budget_agent, datetime.date(2017, 1, 5))
    _request_to(second, "validated", member_a, instructing_agent, budget_agent, datetime.date(2018, 1, 9))
    services.verify_milestone(milestone=first, actor=instructing_agent, at=at(datetime.date(2017, 1, 6)))
    sentinels[("tranche", "comment")] = "SENTINEL-TRANCHE-COMMENT"
    sentinels[("tranche", "documents")] = "sentinel-preuve-interne.pdf"
    sentinels[("tranche", "audit")] = "SENTINEL-AUDIT-COMMENT"
    sentinels[("milestone", "declaration_comment")] = "SENTINEL-DECLARATION-COMMENT"
    sentinels[("tranche", "submitted_on")] = "3 février 2017"
    sentinels[("tranche", "validated_on")] = "21 février 2017"
    sentinels[("project", "amount_validated")] = "24\u202f691"  # tranche 2 = 20 % of 123 456 €
    assert paid.status == "paid"

    # Expert-only planning facts on a milestone not reached yet.
    ProjectMilestone.objects.filter(pk=third.pk).update(
        planned_date=datetime.date(2031, 2, 17), days_late=4321
    )
    sentinels[("milestone", "planned_date")] = "17 février 2031"
    sentinels[("project", "planned_dates")] = "17 février 2031"
    sentinels[("milestone", "days_late")] = "4321 jours de retard"
    sentinels[("project", "late_milestones")] = "4321 jours de retard"
    return sentinels


def _request_to(milestone, target, member, agent, budget, day):
    services.declare_milestone(
        milestone=milestone, actor=member, reached_on=day, comment="SENTINEL-DECLARATION-COMMENT", at=at(day)
    )
    request = services.create_tranche_request(
        milestone=milestone, actor=member, comment="SENTINEL-TRANCHE-COMMENT", at=at(day)
    )
    for evidence in milestone.evidence_types.all():
        upload = inspect_upload(
            SimpleUploadedFile("sentinel-preuve-interne.pdf", PDF, content_type="application/pdf")
        )
        services.attach_evidence(tranche_request=request, actor=member, evidence_type=evidence, upload=upload)
    base = datetime.date(2017, 2, 3) if target == "paid" else day
    services.submit_tranche_request(
        tranche_request=request, actor=member, comment="SENTINEL-AUDIT-COMMENT", at=at(base)
    )
    services.start_review(tranche_request=request, actor=agent, at=at(base + datetime.timedelta(days=1)))
    services.validate_tranche_request(
        tranche_request=request, actor=agent, at=at(base + datetime.timedelta(days=18))
    )
    if target == "paid":
        delegation = services.create_delegation(
            actor=budget, reference=f"C-{milestone.pk}", circular_date=datetime.date(2017, 3, 1)
        )
        services.add_to_delegation(actor=budget, delegation=delegation, tranche_requests=[request])
        services.issue_delegation(delegation=delegation, actor=budget, at=at(datetime.date(2017, 3, 1)))
        services.record_delegation_payment(
            delegation=delegation,
            actor=budget,
            paid_on=datetime.date(2017, 4, 1),
            payment_reference="VERS-2017-04",
            at=at(datetime.date(2017, 4, 2)),
        )
    request.refresh_from_db()
    return request


@pytest.fixture
def project_a(establishment_a):
    cardio = Discipline.objects.get(code="cardiologie")
    project = ProjectFactory(
        establishment=establishment_a,
        acronym="ALPHA",
        discipline=cardio,
        award_amount=Decimal("123456.00"),
        summary="Un essai sur la télésurveillance.",
    )
    registration = TrialRegistration.objects.create(
        registry=Registry.CLINICALTRIALS, identifier="NCT01234567"
    )
    project.registrations.add(registration)
    return project


#: registry fields that a page can only leak through another planted value, with the reason
NOT_PLANTABLE = {
    ("project", "visibility"): "an internal project is a 404 (test_internal_project_is_404)",
    ("project", "amount_remaining"): "served by the API only, no page renders it "
    "(tests/workflows/test_money_surfaces.py, tests/opendata/api)",
}


def test_every_non_public_field_of_the_registry_is_planted(planted):
    missing = [
        (model, name)
        for model, fields in visibility.FIELDS.items()
        for name, tier in fields.items()
        if tier > Tier.PUBLIC and (model, name) not in planted and (model, name) not in NOT_PLANTABLE
    ]
    assert missing == [], "add a planted value for each new expert/internal field"


def _url(project) -> str:
    return f"/projets/{project.public_id}/"


def test_anonymous_project_page_shows_no_expert_or_internal_value(client, planted, project_a):
    body = client.get(_url(project_a)).content.decode()
    assert "ALPHA" in body
    leaks = {key: text for key, text in planted.items() if text in body}
    assert leaks == {}


def test_expert_sees_expert_fields_but_nothing_internal(client, planted, project_a):
    expert = UserFactory(username="experte", roles=[Role.EXPERT])
    client.force_login(expert)
    body = client.get(_url(project_a)).content.decode()
    internal = {
        key: text for key, text in planted.items() if visibility.FIELDS[key[0]][key[1]] == Tier.INTERNAL
    }
    assert {key: text for key, text in internal.items() if text in body} == {}
    assert "17 février 2031" in body  # planned date (expert)
    assert "4321 jours de retard" in body


def test_rendered_fields_belong_to_the_audience_tier(client, planted, project_a):
    """Every field the page renders comes from the registry's list for the viewer's tier."""
    for user, tier in [(None, Tier.PUBLIC), (UserFactory(username="exp", roles=[Role.EXPERT]), Tier.EXPERT)]:
        if user:
            client.force_login(user)
        response = client.get(_url(project_a))
        assert set(response.context["shown"]) <= set(visibility.fields_for("project", tier))
        for step in response.context["steps"]:
            assert set(step["values"]) <= set(visibility.fields_for("milestone", tier))
            for tranche in step["tranches"]:
                # "label" is worded from the dates and status above (presenters.tranche_label)
                assert set(tranche) - {"label"} <= set(visibility.fields_for("tranche", tier))
        # the page's templates never get the model instance (the neighbours' cards get theirs)
        page = dict(zip((t.name for t in response.templates), response.context, strict=True))
        assert "project" not in page["content/directory/project_detail.html"]


def test_public_pages_listing_the_project_leak_nothing(client, planted, project_a):
    for url in ["/projets/", "/projets/?q=alpha", "/projets/resultats.csv"]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        assert "ALPHA" in text
        assert {k: v for k, v in planted.items() if v in text} == {}, url
    for _header, field, _getter in CSV_COLUMNS:
        assert visibility.FIELDS["project"][field] == Tier.PUBLIC


def test_timeline_in_plain_language(client, planted, project_a):
    response = client.get(_url(project_a))
    body = response.content.decode()
    steps = response.context["steps"]
    assert [s["values"]["reached"] for s in steps] == [True, True, False, False, False]
    assert steps[0]["tranches"][0]["amount"] == Decimal("37036.80")
    assert steps[1]["tranches"] == []  # validated, not delegated yet: not public
    assert "37\u202f037\u00a0€ déléguée le 1er mars 2017, versée le 2 avril 2017" in body
    assert "2 étapes sur 5 atteintes" in body
    assert response.context["shown"]["amount_delegated"]["value"] == Decimal("37036.80")


def test_legacy_stock_tranches_come_from_the_schedule(client, reference):
    project = ProjectFactory(award_amount=Decimal("200000"), historical_tranches=2)
    response = client.get(_url(project))
    steps = response.context["steps"]
    assert [s["tranches"][0]["amount"] for s in steps[:2]] == [Decimal("60000.00"), Decimal("40000.00")]
    assert steps[2]["tranches"] == []
    assert "déléguée avant SIRANo" in response.content.decode()
    assert response.context["shown"]["tranche_number"]["value"] == 2


def test_registry_links_establishment_programme_and_related(client, project_a):
    related = ProjectFactory(acronym="VOISIN", discipline=project_a.discipline)
    other = ProjectFactory(acronym="AILLEURS", discipline=Discipline.objects.get(code="neurologie"))
    body = client.get(_url(project_a)).content.decode()
    assert 'href="https://clinicaltrials.gov/study/NCT01234567"' in body
    assert f"?etablissement={project_a.establishment.finess}" in body
    assert "HOSPICES CIVILS DE LYON" in body
    assert related.acronym in body and other.acronym not in body


def test_unknown_and_internal_projects_are_404(client, project_a, instructing_agent):
    assert client.get("/projets/PHRCN-2016-9999/").status_code == 404
    Project.objects.filter(pk=project_a.pk).update(visibility=Visibility.INTERNAL)
    assert client.get(_url(project_a)).status_code == 404
    client.force_login(instructing_agent)
    assert client.get(_url(project_a)).status_code == 404


def test_meta_description_opengraph_and_canonical(client, project_a, settings):
    body = client.get(_url(project_a)).content.decode()
    assert '<meta name="description" content="ALPHA — Essai randomisé' in body
    assert '<meta property="og:type" content="article">' in body
    assert f'<meta property="og:url" content="{settings.SITE_URL}/projets/{project_a.public_id}/">' in body
    assert f'<link rel="canonical" href="{settings.SITE_URL}/projets/{project_a.public_id}/">' in body
    assert '<meta property="og:title" content="ALPHA' in body


def test_sitemap_lists_public_projects_only(client, project_a, reference):
    from demo.site import ensure_home

    ensure_home()  # Wagtail's half of the sitemap needs a site (gone after a transactional flush)
    hidden = ProjectFactory(acronym="CACHE", visibility=Visibility.INTERNAL)
    body = client.get("/sitemap.xml").content.decode()
    assert f"/projets/{project_a.public_id}/</loc>" in body
    assert f"/projets/{hidden.public_id}/" not in body


@pytest.mark.django_db
def test_project_page_query_count_is_bounded(client, project_a, django_assert_max_num_queries):
    """The render (not a store hit) costs the same for 1 or 7 projects in the discipline."""
    from django.core.cache import caches

    from web import page_store

    def render_queries() -> int:
        caches["pages"].clear()
        page_store.clear_local_copies()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(project_a))
        assert response.status_code == 200 and project_a.acronym in response.content.decode()
        return len(queries.captured_queries)

    render_queries()  # the first render of a process also reads the site and content types
    alone = render_queries()
    ProjectFactory.create_batch(6, discipline=project_a.discipline)
    assert render_queries() == alone
    # a render: the project (its registrations in its row), milestones and tranches at least (the
    # group's neighbours are read once per version of the group: `views._neighbours`)
    assert 3 <= alone <= 14


@pytest.mark.django_db
def test_the_site_identity_is_read_once_per_content_version(client, project_a, project_b):
    """Header and footer (site, identity, legal pages) are read once per content version, not on
    every page rendered; a publish moves the content version and they are read again."""
    from demo.site import ensure_home
    from web import page_store

    ensure_home()
    client.get(_url(project_a))

    def identity_tables_read(address) -> set[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        return {t for t in ("wagtailcore_site", "content_siteidentity", "wagtailcore_page") if t in sql}

    assert identity_tables_read(_url(project_b)) == set()
    page_store.bump_content_version()
    page_store.clear_local_copies()
    assert "content_siteidentity" in identity_tables_read(_url(project_b))
