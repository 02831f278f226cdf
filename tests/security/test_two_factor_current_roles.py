"""Issue 25 §3: the second-factor requirement follows the user's current roles on every request.

It used to be decided once per session: a member signed in without a second factor, then added to
the instructing agents from another window, reached the admin, the desk and internal API fields in
the same session.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.two_factor_support import PATH as TEST_MIDDLEWARE
from workflows.roles import Role

ENROL = "/admin/double-authentification/activer/"  # agents enrol in the admin's look


@pytest.fixture
def strict_two_factor(settings):
    settings.MIDDLEWARE = [entry for entry in settings.MIDDLEWARE if entry != TEST_MIDDLEWARE]


@pytest.mark.parametrize("role", [Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT, Role.EDITOR])
def test_a_member_promoted_mid_session_must_enrol(client, strict_two_factor, member_a, role):
    client.force_login(member_a)
    assert client.get("/portail/").status_code == 200  # second factor optional for a member

    Group.objects.get(name=role).user_set.add(member_a)  # from another window

    for path in ("/admin/", "/portail/", "/api/v1/projects/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"{ENROL}?next="), path


def test_staff_flag_set_mid_session_requires_the_second_factor(client, strict_two_factor, member_a):
    client.force_login(member_a)
    assert client.get("/portail/").status_code == 200
    member_a.is_staff = True
    member_a.save(update_fields=["is_staff"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ENROL}?next=")


def test_a_member_demoted_mid_session_is_no_longer_held(client, strict_two_factor, member_a):
    """The requirement lifts with the role: no stale answer in either direction."""
    group = Group.objects.get(name=Role.INSTRUCTING_AGENT)
    group.user_set.add(member_a)
    client.force_login(member_a)
    assert client.get("/portail/").status_code == 302
    group.user_set.remove(member_a)
    assert client.get("/portail/").status_code == 200
