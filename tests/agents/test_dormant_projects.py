"""A milestone years late on a project nobody has touched is not an alarm to repeat but a project
to declare lapsed (issue 27, item 3): the agents' home offers the audited lapse decision instead."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.agents.test_agents_home import HOME, tiles
from tests.factories import ProjectFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows import selectors, services
from workflows.models import TrancheStatus
from workflows.roles import Role


@pytest.fixture
def stock(establishment_a, member_a, instructing_agent, budget_agent):
    """One project untouched since 2012, one as old but with a request submitted today."""
    dormant = ProjectFactory(
        establishment=establishment_a, acronym="DORMANT", selected_on=datetime.date(2012, 3, 1)
    )
    active = ProjectFactory(
        establishment=establishment_a, acronym="ACTIF", selected_on=datetime.date(2012, 3, 1)
    )
    request_in_state(
        TrancheStatus.SUBMITTED,
        milestone=active.milestones.get(rank=1),
        member=member_a,
        instructor=instructing_agent,
        budget=budget_agent,
    )
    services.mark_late_milestones(today=datetime.date.today())
    return dormant, active


@pytest.mark.django_db
def test_dormant_project_is_offered_for_lapse_not_counted_late(client, stock, instructing_agent):
    dormant, _active = stock
    assert list(selectors.dormant_projects()) == [dormant]
    late_projects = {m.project.acronym for m in selectors.late_milestones()}
    assert "DORMANT" not in late_projects
    assert "ACTIF" in late_projects
    client.force_login(instructing_agent)
    html = client.get(HOME).content.decode()
    counts = tiles(html)
    assert counts["Projets sans activité à déclarer caducs"] == 1
    lapse_url = reverse("workflows_desk:project_lifecycle", args=[dormant.public_id]) + "?decision=lapse"
    assert lapse_url in html


@pytest.mark.django_db
def test_lapse_offer_opens_the_audited_decision_preselected(client, stock, reference):
    dormant, _active = stock
    admin = UserFactory(username="admin-dgos", roles=[Role.INSTRUCTING_AGENT], is_superuser=True)
    client.force_login(admin)
    url = reverse("workflows_desk:project_lifecycle", args=[dormant.public_id])
    form = client.get(url, {"decision": "lapse"}).context["form"]
    assert form["decision"].value() == "lapse"
    assert "2012" in str(form["comment"].value())


@pytest.mark.django_db
def test_no_digest_about_dormant_projects(stock):
    mail.outbox.clear()
    call_command("check_milestones", stdout=StringIO())
    bodies = "\n".join(message.body for message in mail.outbox)
    assert "DORMANT" not in bodies
