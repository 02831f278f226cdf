"""Every catalogue and portfolio record edited in the admin goes through an audited service: one
event naming the actor with the old → new value of each changed field (observation 1 of issue 24:
renaming a programme or correcting an investigator wrote nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.agents.test_admin_edits_audited import edits_of
from tests.factories import InvestigatorFactory
from workflows import catalogue_services, portfolio_services
from workflows.models import (
    AuditEvent,
    Call,
    Discipline,
    EvidenceType,
    Programme,
    TrialRegistration,
)

pytestmark = pytest.mark.django_db


def edit_url(obj) -> str:
    return reverse(f"wagtailsnippets_workflows_{obj._meta.model_name}:edit", args=[obj.pk])


def test_renaming_a_programme_is_audited(admin_client, administrator):
    programme = Programme.objects.get(code="PHRCN")
    old_name = programme.name
    data = {
        "code": programme.code,
        "name": "Programme hospitalier de recherche clinique nationale (renommé)",
        "operator": programme.operator,
        "description": programme.description,
    }
    response = admin_client.post(edit_url(programme), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = edits_of(programme)
    assert (event.action, event.actor) == ("update_programme", administrator)
    assert event.changes == {"name": {"old": old_name, "new": data["name"]}}
    admin_client.post(edit_url(programme), data)  # unchanged: nothing more
    assert len(edits_of(programme)) == 1


def test_correcting_an_investigator_is_audited(admin_client, administrator):
    investigator = InvestigatorFactory(last_name="DUPONT", first_name="Jean")
    data = {"title": investigator.title, "last_name": "DUPOND", "first_name": "Jean", "email": ""}
    response = admin_client.post(edit_url(investigator), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    investigator.refresh_from_db()
    assert investigator.last_name == "DUPOND"
    assert investigator.normalised_key == investigator.key_for("DUPOND", "Jean")
    [event] = edits_of(investigator)
    assert (event.action, event.actor) == ("update_investigator", administrator)
    assert event.changes["last_name"] == {"old": "DUPONT", "new": "DUPOND"}


@pytest.mark.parametrize(
    ("model", "lookup", "data"),
    [
        (Call, {"code": "PHRCN", "year": 2016}, {"title": "Appel PHRC national 2016 (corrigé)"}),
        (Discipline, {"code": "autre"}, {"label": "Autres disciplines"}),
        (EvidenceType, {}, {"label": "Rapport intermédiaire (corrigé)"}),
    ],
)
def test_catalogue_edits_are_audited(admin_client, administrator, project_a, model, lookup, data):
    record = model.objects.filter(**lookup).order_by("pk").first()
    fields = catalogue_services.EDITABLE_FIELDS[model]
    form = {name: getattr(record, f"{name}_id", None) or getattr(record, name) for name in fields}
    form = {name: "" if value is None else value for name, value in form.items()}
    form.update(data)
    response = admin_client.post(edit_url(record), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = edits_of(record)
    assert (event.action, event.actor) == (f"update_{model._meta.model_name}", administrator)
    assert set(event.changes) == set(data)


def test_an_establishment_edit_is_audited(admin_client, administrator, establishment_a):
    data = {
        "finess": establishment_a.finess,
        "name": establishment_a.name,
        "type": establishment_a.type,
        "region": establishment_a.region,
        "girci": establishment_a.girci,
        "contact_email": "drci@chu-lyon.fr",
    }
    response = admin_client.post(edit_url(establishment_a), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [event] = edits_of(establishment_a)
    assert (event.action, event.actor) == ("update_establishment", administrator)
    assert event.changes == {
        "contact_email": {"old": establishment_a.contact_email, "new": "drci@chu-lyon.fr"}
    }


def test_creating_and_deleting_a_discipline_are_audited(admin_client, administrator):
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_discipline:add"), {"code": "zoologie", "label": "Zoologie"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    discipline = Discipline.objects.get(code="zoologie")
    response = admin_client.post(reverse("wagtailsnippets_workflows_discipline:delete", args=[discipline.pk]))
    assert response.status_code == 302
    assert not Discipline.objects.filter(code="zoologie").exists()
    events = AuditEvent.objects.filter(target_id=str(discipline.pk), action__endswith="_discipline")
    assert [e.action for e in events.order_by("pk")] == ["create_discipline", "delete_discipline"]
    assert events.last().changes["label"] == {"old": "Zoologie", "new": None}


def test_a_trial_registration_added_to_a_project_is_audited(administrator, project_a):
    portfolio_services.add_trial_registration(
        actor=administrator, project=project_a, registry="clinicaltrials", identifier="NCT01234567"
    )
    assert list(project_a.registrations.values_list("identifier", flat=True)) == ["NCT01234567"]
    [event] = AuditEvent.objects.filter(project=project_a, action="update_project")
    assert event.actor == administrator
    assert event.changes == {"registrations": {"old": [], "new": ["NCT01234567"]}}
    with pytest.raises(ValidationError):
        portfolio_services.add_trial_registration(
            actor=administrator, project=project_a, registry="clinicaltrials", identifier="pas un identifiant"
        )
    assert TrialRegistration.objects.count() == 1


def test_trial_registrations_are_edited_through_the_service_in_the_admin(admin_client, administrator):
    response = admin_client.post(
        reverse("wagtailsnippets_workflows_trialregistration:add"),
        {"registry": "clinicaltrials", "identifier": "NCT07654321"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    registration = TrialRegistration.objects.get(identifier="NCT07654321")
    [event] = edits_of(registration)
    assert (event.action, event.actor) == ("create_trialregistration", administrator)


def test_a_refused_edit_changes_nothing_and_says_why_in_french(admin_client, instructing_agent):
    programme = Programme.objects.get(code="PHRCN")
    with pytest.raises(PermissionDenied):
        catalogue_services.save_record(
            actor=instructing_agent, model=Programme, instance=programme, values={"name": "x"}
        )
    response = admin_client.post(
        edit_url(programme), {"code": "", "name": "Sans code", "operator": "", "description": ""}
    )
    assert response.status_code == 200
    programme.refresh_from_db()
    assert programme.name != "Sans code" and edits_of(programme) == []
