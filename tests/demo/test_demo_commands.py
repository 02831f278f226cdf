"""Demo data and demo accounts exist only with DEBUG on; the portfolio is deterministic."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.models import Page, Site

from content.models import HomePage
from workflows.models import (
    AuditEvent,
    Delegation,
    Establishment,
    EstablishmentMembership,
    EstablishmentType,
    Project,
    ProjectMilestone,
    ProjectStatus,
    Region,
    TrancheRequest,
    TrialRegistration,
)
from workflows.roles import Role
from workflows.validators import validate_registry_id

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 15)


def test_create_demo_users_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("create_demo_users", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("seed_demo", projects=10, stdout=StringIO())
    assert not Project.objects.exists()


def test_seed_demo_refuses_a_non_positive_size(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--projects doit être un entier positif"):
        call_command("seed_demo", projects=0, stdout=StringIO())


def test_demo_users_have_their_roles_and_establishments(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    call_command("create_demo_users", stdout=StringIO())  # idempotent
    assert "instructeur / sirano-demo" in out.getvalue()
    expected = {
        "admin": Role.ADMINISTRATOR,
        "instructeur": Role.INSTRUCTING_AGENT,
        "budget": Role.BUDGET_AGENT,
        "redaction": Role.EDITOR,
        "chu-lyon": Role.ESTABLISHMENT_MEMBER,
        "aphp": Role.ESTABLISHMENT_MEMBER,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("sirano-demo")
        assert user.groups.filter(name=role.value).exists()
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="instructeur").is_superuser
    memberships = dict(EstablishmentMembership.objects.values_list("user__username", "establishment__finess"))
    assert memberships == {"chu-lyon": "690781810", "aphp": "750712184"}
    assert Establishment.objects.get(finess="690781810").name == "HOSPICES CIVILS DE LYON"
    assert Establishment.objects.get(finess="750712184").name == "ASSISTANCE PUBLIQUE-HOPITAUX DE PARIS"


def _snapshot():
    return list(
        Project.objects.order_by("public_id").values_list(
            "public_id", "acronym", "award_amount", "establishment__finess", "status"
        )
    )


def test_seed_demo_is_deterministic_realistic_and_idempotent(settings, tmp_path):
    """Same seed, same data; realistic values; and `make demo` may run again on the same database:
    the second seed leaves the data as it was."""
    settings.DEBUG = True
    settings.RELEASES_ROOT = tmp_path / "releases"
    with transaction.atomic():
        call_command("seed_demo", projects=150, seed=7, today=TODAY, stdout=StringIO())
        first = _snapshot()
        transaction.set_rollback(True)
    out = StringIO()
    call_command("seed_demo", projects=150, seed=7, today=TODAY, stdout=out)
    assert _snapshot() == first
    assert "Portefeuille : 150 projets créés." in out.getvalue()

    projects = Project.objects.all()
    years = set(projects.values_list("call__year", flat=True))
    assert min(years) >= 2010 and max(years) <= 2025 and len(years) >= 12
    assert set(projects.values_list("call__programme__code", flat=True)) >= {"PHRCN", "PHRCI", "PHRIP"}
    awards = list(projects.values_list("award_amount", flat=True))
    assert min(awards) >= 30_000 and max(awards) <= 2_000_000
    assert set(Establishment.objects.values_list("type", flat=True)) == set(EstablishmentType.values)
    assert set(Establishment.objects.values_list("region", flat=True)) == set(Region.values)
    assert {"selected", "in_progress", "completed"} <= set(projects.values_list("status", flat=True))
    assert set(projects.values_list("status", flat=True)) <= set(ProjectStatus.values)
    for registration in TrialRegistration.objects.all():
        validate_registry_id(registration.registry, registration.identifier)
    milestones = ProjectMilestone.objects.all()
    assert milestones.filter(declared_on__isnull=False, verified_at__isnull=False).exists()  # verified
    assert milestones.filter(declared_on__isnull=False, verified_at__isnull=True).exists()  # declared
    assert milestones.filter(declared_on__isnull=True, planned_date__lt=TODAY).exists()  # late
    assert milestones.filter(declared_on__isnull=True, planned_date__gte=TODAY).exists()  # upcoming
    assert milestones.filter(evidence_types__isnull=False).exists()
    assert User.objects.filter(username="chu-lyon").exists()
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)

    models = (Project, ProjectMilestone, TrancheRequest, Delegation, AuditEvent, Page)
    counts = {model.__name__: model.objects.count() for model in models}
    assert counts["TrancheRequest"] > 0 and counts["Delegation"] > 0
    call_command("seed_demo", projects=150, seed=7, today=TODAY, stdout=StringIO())
    assert {model.__name__: model.objects.count() for model in models} == counts
