"""Issue 13 item 2 (first half): TOTP second factor, mandatory for whoever reaches the Wagtail admin,
optional for establishment members, with recovery codes; proven with the production middleware."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sirano import settings as production_settings
from tests.factories import UserFactory
from tests.two_factor_support import PATH as TEST_MIDDLEWARE

#: agents enrol and verify in the admin's look; establishment members in the portal's
ENROL, VERIFY = "/admin/double-authentification/activer/", "/admin/double-authentification/"
MEMBER_VERIFY = "/portail/double-authentification/"


@pytest.fixture
def strict_two_factor(settings):
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if entry != TEST_MIDDLEWARE]


def code_of(device: TOTPDevice, drift: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{totp.token():0{device.digits}d}"


def unthrottle(device: TOTPDevice) -> None:
    """django-otp delays the next try after a failure (1 s, 2 s, 4 s…); the test does not wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_production_settings_enforce_and_cannot_trust_sessions():
    assert "web.two_factor.RequireTwoFactorMiddleware" in production_settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" in production_settings.MIDDLEWARE
    assert not any(entry.startswith("tests.") for entry in production_settings.MIDDLEWARE)


@pytest.mark.parametrize("persona", ["instructing_agent", "budget_agent", "editor", "superuser"])
def test_admin_users_must_enrol_before_anything(client, strict_two_factor, persona, request, reference):
    user = (
        UserFactory(username="root", is_superuser=True)
        if persona == "superuser"
        else request.getfixturevalue(persona)
    )
    client.force_login(user)
    for path in ("/admin/", "/portail/", "/api/v1/projects/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{ENROL}?next="), path


def test_enrolment_then_admin(client, strict_two_factor, instructing_agent):
    client.force_login(instructing_agent)
    page = client.get(f"{ENROL}?next=/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Activer la double authentification" in html
    assert '<svg role="img" aria-label="QR code' in html  # inline, no request to a QR service
    assert not re.search(r'<img[^>]+src="https?://', html)
    device = TOTPDevice.objects.get(user=instructing_agent, confirmed=False)
    assert client.post(ENROL, {"code": "000000", "next": "/admin/"}).status_code == 200
    assert client.get("/admin/").status_code == 302
    unthrottle(device)
    done = client.post(ENROL, {"code": code_of(device), "next": "/admin/"})
    codes = re.findall(r"<code>(\d{8})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "La double authentification est activée." in done.content.decode()
    assert StaticToken.objects.filter(device__user=instructing_agent).count() == 10
    assert client.get("/admin/").status_code == 200


def test_next_session_must_verify_and_recovery_codes_are_single_use(client, strict_two_factor, budget_agent):
    device = enrolled(budget_agent)
    client.force_login(budget_agent)
    client.get("/admin/")  # the policy is decided once per session
    response = client.get("/admin/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    wrong = client.post(VERIFY, {"code": "123456", "next": "/admin/"})
    assert "Code incorrect, expiré ou déjà utilisé." in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    unthrottle(device)
    ok = client.post(VERIFY, {"code": code_of(device), "next": "/admin/"})
    assert ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    recovery = client.post("/admin/double-authentification/codes-de-secours/", {"next": "/admin/"})
    code = re.findall(r"<code>(\d{8})</code>", recovery.content.decode())[0]
    for attempt in range(2):
        client.logout()
        client.force_login(budget_agent)
        response = client.post(VERIFY, {"code": code, "next": "/admin/"})
        if attempt == 0:
            assert response["Location"] == "/admin/"
        else:
            assert response.status_code == 200  # used once already
            assert client.get("/admin/").status_code == 302


def test_members_may_skip_but_once_enrolled_must_verify(client, strict_two_factor, member_a):
    client.force_login(member_a)
    assert client.get("/portail/").status_code == 200
    client.logout()
    enrolled(member_a)
    client.force_login(member_a)
    response = client.get("/portail/")
    assert response["Location"] == f"{MEMBER_VERIFY}?next=%2Fportail%2F"


def test_wagtail_admin_password_sign_in_still_needs_the_second_factor(client, strict_two_factor, editor):
    editor.set_password("un mot de passe assez long")
    editor.save()
    enrolled(editor)
    response = client.post(
        "/admin/login/", {"username": "redaction", "password": "un mot de passe assez long"}
    )
    assert response.status_code == 302
    follow = client.get("/admin/")
    assert follow["Location"].startswith(VERIFY)
    assert client.get("/admin/pages/").status_code == 302


def test_agents_enrol_in_the_admins_look_members_in_the_portals(
    client, strict_two_factor, instructing_agent, member_a
):
    """Issue 27, item 9: an agent's enrolment was drawn in the establishments' chrome (« Mon espace »)."""
    client.force_login(instructing_agent)
    agent_page = client.get(client.get("/admin/")["Location"]).content.decode()
    assert "Activer la double authentification" in agent_page
    assert "wagtailadmin" in agent_page and "Mon espace" not in agent_page and "fr-header" not in agent_page
    # the admin's look loads its translations and icons before the session is verified
    for asset in ("/admin/jsi18n/", "/admin/sprite/"):
        assert client.get(asset).status_code == 200, asset
    client.logout()
    enrolled(member_a)
    client.force_login(member_a)
    member_page = client.get(client.get("/portail/")["Location"]).content.decode()
    assert "Vérification en deux étapes" in member_page and "fr-header" in member_page
