"""Establishments carry an optional ROR identifier: validated (format and check digits), edited in
the admin through an audited service, filled in bulk from a FINESS → ROR CSV by a command that
writes nothing when one row is wrong."""

from __future__ import annotations

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import EstablishmentFactory, UserFactory
from workflows.models import AuditEvent, Establishment
from workflows.roles import Role
from workflows.validators import validate_ror_id

pytestmark = pytest.mark.django_db

#: Real ROR identifiers (Université Paris Cité, CNRS): their last two digits are the checksum.
PARIS_CITE = "05f82e368"
CNRS = "02feahw73"


@pytest.mark.parametrize("value", [PARIS_CITE, CNRS])
def test_real_ror_ids_pass(value):
    validate_ror_id(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("05f82e369", "clé de contrôle"),  # checksum off by one
        ("15f82e368", "0xxxxxxxx"),  # must start with 0
        ("05f82e36", "0xxxxxxxx"),  # 8 characters
        ("05f8Le368", "0xxxxxxxx"),  # l is not in Crockford's base 32
        ("https://ror.org/05f82e368", "0xxxxxxxx"),  # the identifier, not the URL
    ],
)
def test_malformed_ror_ids_are_refused_in_french(value, reason):
    with pytest.raises(ValidationError) as error:
        validate_ror_id(value)
    assert reason in str(error.value)


@pytest.fixture
def administrator(reference):
    return UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)


def edits_of(establishment) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Establishment), target_id=str(establishment.pk)
        )
    )


def _post_data(establishment, **overrides) -> dict:
    data = {
        "finess": establishment.finess,
        "name": establishment.name,
        "type": establishment.type,
        "region": establishment.region,
        "girci": establishment.girci,
        "contact_email": establishment.contact_email,
        "ror_id": establishment.ror_id,
    }
    data.update(overrides)
    return data


def test_admin_edit_of_the_ror_id_is_audited_old_to_new(client, administrator, establishment_a):
    client.force_login(administrator)
    url = reverse("wagtailsnippets_workflows_establishment:edit", args=[establishment_a.pk])
    response = client.post(url, _post_data(establishment_a, ror_id=f"  {PARIS_CITE.upper()} "))
    assert response.status_code == 302, response.content.decode()[:3000]
    establishment_a.refresh_from_db()
    assert establishment_a.ror_id == PARIS_CITE
    [event] = edits_of(establishment_a)
    assert (event.action, event.actor) == ("update_establishment", administrator)
    assert event.changes == {"ror_id": {"old": "", "new": PARIS_CITE}}
    # Saving without a change writes no audit event.
    client.post(url, _post_data(establishment_a))
    assert len(edits_of(establishment_a)) == 1


def test_admin_refuses_a_bad_ror_id_and_changes_nothing(client, administrator, establishment_a):
    client.force_login(administrator)
    url = reverse("wagtailsnippets_workflows_establishment:edit", args=[establishment_a.pk])
    response = client.post(url, _post_data(establishment_a, ror_id="05f82e369", name="AUTRE NOM"))
    assert response.status_code == 200
    assert "clé de contrôle" in response.content.decode()
    establishment_a.refresh_from_db()
    assert (establishment_a.ror_id, establishment_a.name) == ("", "HOSPICES CIVILS DE LYON")
    assert edits_of(establishment_a) == []


def _csv(text: str, tmp_path) -> str:
    path = tmp_path / "ror.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_command_fills_ror_ids_from_a_finess_csv_and_audits_each(establishment_a, establishment_b, tmp_path):
    untouched = EstablishmentFactory()
    path = _csv(
        f"finess;ror\n{establishment_a.finess};{PARIS_CITE}\n75071218 4;https://ror.org/{CNRS}\n", tmp_path
    )
    out = io.StringIO()
    call_command("import_ror_ids", path, stdout=out)
    establishment_a.refresh_from_db()
    establishment_b.refresh_from_db()
    untouched.refresh_from_db()
    assert (establishment_a.ror_id, establishment_b.ror_id, untouched.ror_id) == (PARIS_CITE, CNRS, "")
    assert "2 établissements mis à jour" in out.getvalue()
    [event] = edits_of(establishment_a)
    assert event.action == "update_establishment"
    assert event.changes == {"ror_id": {"old": "", "new": PARIS_CITE}}
    # Running it again changes nothing and writes no audit event.
    call_command("import_ror_ids", path, stdout=io.StringIO())
    assert len(edits_of(establishment_a)) == 1


def test_command_reports_every_bad_row_and_writes_nothing(establishment_a, establishment_b, tmp_path):
    path = _csv(
        "finess,ror\n"
        f"{establishment_a.finess},{PARIS_CITE}\n"
        f"{establishment_b.finess},05f82e369\n"
        "010000024,02feahw73\n"
        "12345,02feahw73\n",
        tmp_path,
    )
    with pytest.raises(CommandError) as error:
        call_command("import_ror_ids", path, stdout=io.StringIO())
    message = str(error.value)
    assert "ligne 3" in message and "clé de contrôle" in message
    assert "ligne 4" in message and "aucun établissement" in message
    assert "ligne 5" in message
    assert "aucune modification" in message
    establishment_a.refresh_from_db()
    assert establishment_a.ror_id == ""
    assert edits_of(establishment_a) == []


def test_command_refuses_a_file_without_the_expected_columns(tmp_path, reference):
    path = _csv("numero;identifiant\n690781810;05f82e368\n", tmp_path)
    with pytest.raises(CommandError, match="colonnes « finess » et « ror »"):
        call_command("import_ror_ids", path, stdout=io.StringIO())
