"""Sign-in, throttling (django-axes, per account and address), password reset and change,
logout by POST only, and the current establishment for users of several establishments."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import ProjectFactory
from workflows.models import EstablishmentMembership

PASSWORD = "sirano-test-pw"
LOCKED = "Trop de tentatives de connexion ont échoué pour ce compte depuis cette adresse"


@pytest.mark.django_db
def test_login_then_dashboard(client, member_a):
    response = client.post(reverse("portal:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")


@pytest.mark.django_db
def test_wrong_password_is_explained_in_french(client, member_a):
    response = client.post(reverse("portal:login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_from_that_address(client, member_a):
    for _attempt in range(3):
        client.post(
            reverse("portal:login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.1"
        )
    # Even the right password is refused from that address while the pair is locked.
    response = client.post(
        reverse("portal:login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_by_email_in_french(client, member_a):
    response = client.post(reverse("portal:password_reset"), {"email": member_a.email})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "SIRANo : réinitialisation de votre mot de passe"
    assert "Pour choisir un nouveau mot de passe" in message.body
    assert "(valable 3 heures, une seule fois)" in message.body  # PASSWORD_RESET_TIMEOUT: 3 h
    link = re.search(r"https?://[^/]+(/portail/reinitialisation/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-mot-2-passe", "new_password2": "Un-nouveau-mot-2-passe"},
    )
    assert done["Location"] == reverse("portal:password_reset_complete")
    member_a.refresh_from_db()
    assert member_a.check_password("Un-nouveau-mot-2-passe")


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_and_says_nothing(client):
    response = client.post(reverse("portal:password_reset"), {"email": "inconnu@example.org"})
    assert response["Location"] == reverse("portal:password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_change(client_a, member_a):
    url = reverse("portal:password_change")
    refused = client_a.post(url, {"old_password": "bad", "new_password1": "x", "new_password2": "x"})
    assert "old_password" in refused.context["form"].errors
    response = client_a.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Encore-un-autre-2024",
            "new_password2": "Encore-un-autre-2024",
        },
    )
    assert response["Location"] == reverse("portal:password_change_done")
    member_a.refresh_from_db()
    assert member_a.check_password("Encore-un-autre-2024")


@pytest.mark.django_db
def test_logout_needs_a_post(client_a):
    assert client_a.get(reverse("portal:logout")).status_code == 405
    assert client_a.post(reverse("portal:logout")).status_code == 302
    assert client_a.get(reverse("portal:dashboard")).status_code == 302


@pytest.mark.django_db
def test_switching_between_establishments(client, member_a, establishment_a, establishment_b, project_a):
    ProjectFactory(establishment=establishment_b, acronym="BETA")
    EstablishmentMembership.objects.create(user=member_a, establishment=establishment_b)
    client.force_login(member_a)
    dashboard = reverse("portal:dashboard")

    def shown():
        return [p.acronym for p in client.get(dashboard).context["projects"]]

    assert shown() == ["BETA"]  # default: the first establishment by name (AP-HP)
    response = client.post(reverse("portal:establishment_switch"), {"establishment": establishment_a.pk})
    assert response["Location"] == dashboard
    assert shown() == ["ALPHA"]
    # Both establishments' projects stay reachable by their page.
    assert client.get(reverse("portal:project_detail", args=[project_a.public_id])).status_code == 200

    # An establishment the user does not belong to is refused on the field.
    other = ProjectFactory(acronym="GAMMA").establishment
    refused = client.post(reverse("portal:establishment_switch"), {"establishment": other.pk})
    assert refused.status_code == 200
    assert refused.context["form"].errors["establishment"] == [
        "Vous n'êtes pas rattaché à cet établissement."
    ]
    assert shown() == ["ALPHA"]

    # A revoked membership takes effect on the next request.
    EstablishmentMembership.objects.filter(user=member_a, establishment=establishment_a).delete()
    assert shown() == ["BETA"]
    assert client.get(reverse("portal:project_detail", args=[project_a.public_id])).status_code == 404


@pytest.mark.django_db
def test_open_redirect_is_refused_after_switching(client_a, establishment_a):
    response = client_a.post(
        reverse("portal:establishment_switch"),
        {"establishment": establishment_a.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("portal:dashboard")
