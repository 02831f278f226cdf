"""Browser journeys of the public site: a citizen finds and downloads projects; the communication
team drafts a story that only a moderator can publish. axe-core checks the key pages."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from content.models import StoryIndexPage, StoryPage
from demo.site import build_site
from tests.factories import EstablishmentFactory, InvestigatorFactory, ProjectFactory
from workflows.models import Discipline, EstablishmentType, Region, TrialRegistration
from workflows.reference import ensure_reference_data, get_or_create_call
from workflows.roles import Role
from workflows.validators import Registry

PASSWORD = "sirano-e2e-pw"


@pytest.fixture
def public_site(db):
    """A small portfolio with the journey's PHRCN 2016 cardiology project, and the page tree."""
    from django.core.cache import cache

    cache.clear()
    ensure_reference_data()
    cardio = Discipline.objects.get(code="cardiologie")
    lyon = EstablishmentFactory(
        finess="690781810", name="HOSPICES CIVILS DE LYON", type=EstablishmentType.CHUR, region=Region.ARA
    )
    journey = ProjectFactory(
        acronym="TELECARD",
        title="Télésurveillance de l'insuffisance cardiaque après hospitalisation",
        discipline=cardio,
        establishment=lyon,
        investigator=InvestigatorFactory(last_name="MERCIER", first_name="Claire"),
        award_amount=Decimal("612000"),
        historical_tranches=2,
    )
    journey.registrations.add(
        TrialRegistration.objects.create(registry=Registry.CLINICALTRIALS, identifier="NCT02345678")
    )
    ProjectFactory(acronym="CARDIO21", discipline=cardio, call=get_or_create_call("PHRCN", 2021))
    ProjectFactory(acronym="NEURO16", discipline=Discipline.objects.get(code="neurologie"))
    for index in range(25):
        ProjectFactory(acronym=f"AUTRE{index}", discipline=cardio, call=get_or_create_call("PHRCI", 2018))
    build_site(rng=random.Random(3), today=datetime.date(2026, 11, 1))
    return journey


def _user(username: str, role: Role) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, first_name=username.title())
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def _assert_accessible(axe, label: str) -> None:
    violations = axe()
    assert violations == [], f"{label}: " + "; ".join(
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


@pytest.mark.django_db(transaction=True)
def test_citizen_finds_filters_opens_and_downloads(page, screenshot, axe, public_site):
    page.goto("/")
    screenshot("accueil")
    _assert_accessible(axe, "accueil")

    page.fill("#home-search", "cardiologie")
    page.press("#home-search", "Enter")
    page.wait_for_url("**/projets/?q=cardiologie")
    page.locator("label[for=f-programme-phrcn]").click()  # DSFR draws the box on the label
    page.locator("label[for=f-annee-2016]").click()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**programme=PHRCN**")
    assert "annee=2016" in page.url
    assert page.locator("#results-title").inner_text() == "1 projet"
    screenshot("annuaire-filtre")
    _assert_accessible(axe, "annuaire")
    results_url = page.url

    page.get_by_role("link", name="TELECARD").click()
    page.wait_for_url(f"**/projets/{public_site.public_id}/")
    assert page.locator("h1").inner_text() == "TELECARD"
    assert page.get_by_role("link", name="NCT02345678").get_attribute("href") == (
        "https://clinicaltrials.gov/study/NCT02345678"
    )
    assert "déléguée avant SIRANo" in page.content()
    screenshot("projet")
    _assert_accessible(axe, "projet")

    page.goto(results_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger ces résultats").click()
    download = download_info.value
    assert download.suggested_filename == "sirano-projets.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("identifiant;appel_a_projets;programme;annee_de_selection;acronyme")
    assert len(lines) == 2 and "TELECARD" in lines[1] and public_site.public_id in lines[1]

    page.goto("/programmes/phrcn/")
    assert "TELECARD" in page.content()
    screenshot("programme")
    _assert_accessible(axe, "programme")


def _login(page, username: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


@pytest.mark.django_db(transaction=True)
def test_redaction_submits_a_story_and_a_moderator_publishes_it(page, screenshot, public_site):
    _user("redaction", Role.EDITOR)
    _user("moderation", Role.MODERATOR)
    index = StoryIndexPage.objects.get()

    _login(page, "redaction")
    page.goto(f"/admin/pages/add/content/storypage/{index.pk}/")
    page.fill("#id_title", "La télésurveillance cardiaque fait ses preuves")
    page.fill("#id_intro", "Premiers résultats d'un projet financé par le PHRC national.")
    screenshot("redaction-brouillon")
    page.get_by_role("button", name="Plus d'actions").click()
    page.get_by_role("button", name="Soumettre à Relecture et publication").click()
    page.wait_for_url("**/admin/pages/**")
    story = StoryPage.objects.get(title="La télésurveillance cardiaque fait ses preuves")
    assert not story.live
    assert story.current_workflow_state is not None
    screenshot("redaction-soumise")
    public_url = story.url
    assert public_url.startswith("/actualites/")
    assert page.request.get(page.url.split("/admin")[0] + public_url).status == 404

    page.context.clear_cookies()
    _login(page, "moderation")
    page.goto(f"/admin/pages/{story.pk}/edit/")
    page.get_by_role("button", name="Plus d'actions").click()
    screenshot("moderation-actions")
    page.get_by_role("button", name="Approuver et Publier", exact=True).click()
    page.wait_for_url("**/admin/pages/**")
    page.wait_for_load_state()
    story.refresh_from_db()
    assert story.live
    page.goto(public_url)
    assert page.locator("h1").inner_text() == "La télésurveillance cardiaque fait ses preuves"
    screenshot("actualite-publiee")
