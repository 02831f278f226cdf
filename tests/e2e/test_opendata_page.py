"""The open-data page, with a published release, passes axe-core (RGAA) like the other public pages."""

import pytest
from playwright.sync_api import expect

from opendata.releases import publish_release
from tests.factories import ProjectFactory


@pytest.mark.django_db(transaction=True)
def test_open_data_page_is_accessible(page, screenshot, axe, reference, settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    ProjectFactory(acronym="OUVERT")
    release = publish_release()
    page.goto("/donnees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    expect(page.get_by_text(release.name).first).to_be_visible()
    screenshot("donnees")
    assert axe() == []
    response = page.request.get("/donnees/sirano.csv")
    assert response.ok and b"OUVERT" in response.body()
