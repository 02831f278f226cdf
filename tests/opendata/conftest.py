"""Open-data fixtures: a throw-away releases directory, a public and an internal project whose
establishment and registrations carry planted identifiers."""

from __future__ import annotations

import pytest

from tests.factories import EstablishmentFactory, ProjectFactory, finess_with_key
from tests.tranche_support import tranches  # noqa: F401 — the releases' tests use it
from workflows.models import TrialRegistration, Visibility

PARIS_CITE = "05f82e368"
#: Values planted on the internal project and the internal fields: none may appear in any output.
HIDDEN_ACRONYM = "SECRETACRO"
HIDDEN_REGISTRATION = "NCT09999999"
HIDDEN_ROR = "02feahw73"
HIDDEN_BUDGET = "BUDGET-INTERNE-42"
HIDDEN_EMAIL = "porteur.secret@example.org"
HIDDEN_CONTACT = "drci.secret@example.org"
#: every value planted in non-public projects and fields, plus the hidden project's selection date
PLANTED = (
    HIDDEN_ACRONYM,
    HIDDEN_REGISTRATION,
    HIDDEN_ROR,
    HIDDEN_BUDGET,
    HIDDEN_EMAIL,
    HIDDEN_CONTACT,
    "2001-01-01",
)


@pytest.fixture
def releases_root(settings, tmp_path):
    settings.RELEASES_ROOT = tmp_path / "releases"
    return settings.RELEASES_ROOT


@pytest.fixture
def funder_ids(settings):
    settings.DGOS_ROR_ID = "01abcde97"
    settings.DGOS_CROSSREF_FUNDER_ID = "501100000000"
    return settings


@pytest.fixture
def published(establishment_a):
    """A public project (ROR id, a registration) and an internal one (planted values)."""
    establishment_a.ror_id = PARIS_CITE
    establishment_a.contact_email = HIDDEN_CONTACT
    establishment_a.save()
    public = ProjectFactory(
        establishment=establishment_a,
        acronym="ALPHA",
        budget_breakdown=HIDDEN_BUDGET,
        results_url="https://clinicaltrials.gov/study/NCT01234567",
    )
    public.investigator.email = HIDDEN_EMAIL
    public.investigator.save()
    public.registrations.add(
        TrialRegistration.objects.create(registry="clinicaltrials", identifier="NCT01234567")
    )
    hidden_establishment = EstablishmentFactory(finess=finess_with_key("01000003"), ror_id=HIDDEN_ROR)
    hidden = ProjectFactory(
        establishment=hidden_establishment, acronym=HIDDEN_ACRONYM, visibility=Visibility.INTERNAL
    )
    hidden.registrations.add(
        TrialRegistration.objects.create(registry="clinicaltrials", identifier=HIDDEN_REGISTRATION)
    )
    return {"public": public, "hidden": hidden}
