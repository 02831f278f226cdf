"""The mails' text is byte-identical to what the domain's templates wrote when they spelled the faces'
paths themselves (`/portail/demandes/<pk>/`, `/admin/bureau/demandes/<pk>/`, the late-milestones list):
the faces now hand those addresses down, and a reader must not see one byte change."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from tests.workflows.builders import draft_request
from workflows import notifications, services
from workflows.models import ProjectMilestone

#: the mail templates as they read before the faces handed their paths down, paths hard-coded
BEFORE = {
    "tranche_status_changed": "{% autoescape off %}{% load french %}Madame, Monsieur,\n\nLa demande de tranche {{ request.milestone.rank }} du projet {{ project.public_id }} ({{ project.acronym }}) est passée de l'état « {{ from_label }} » à l'état « {{ to_label }} » le {{ event.created_at|datetime_fr }}.\n{% if event.comment %}\nCommentaire :\n{{ event.comment }}\n{% endif %}\nSuivre la demande : {{ site_url }}/portail/demandes/{{ request.pk }}/\n\n—\nSIRANo, ministère chargé de la santé (DGOS)\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n{% endautoescape %}\n",
    "tranche_submitted": "{% load french %}{% autoescape off %}Madame, Monsieur,\n\n{{ project.establishment.name }} a soumis la demande de tranche {{ request.milestone.rank }} du projet {{ project.public_id }} ({{ project.acronym }}) pour un montant de {{ request.amount|euros:2 }}.\n\nElle attend une instruction dans le bureau des agents : {{ site_url }}/admin/bureau/demandes/{{ request.pk }}/\n\n—\nSIRANo\n{% endautoescape %}\n",
    "late_milestones_establishment": '{% autoescape off %}{% load french %}Madame, Monsieur,\n\nAu {{ today|date_fr }}, {{ milestones|length }} jalon{{ milestones|length|pluralize }} des projets coordonnés par {{ establishment.name }} (FINESS {{ establishment.finess }}) {{ milestones|length|pluralize:"a,ont" }} dépassé {{ milestones|length|pluralize:"sa,leur" }} date prévue sans avoir été déclaré{{ milestones|length|pluralize }} atteint{{ milestones|length|pluralize }} :\n{% for m in milestones %}\n- {{ m.project.public_id }} ({{ m.project.acronym }}) — jalon {{ m.rank }} « {{ m.label }} » : prévu le {{ m.planned_date|date_fr }}, {{ m.days_late }} jour{{ m.days_late|pluralize }} de retard{% endfor %}\n\nDéclarez les jalons atteints et déposez les justificatifs sur le portail : {{ site_url }}/portail/\n\n—\nSIRANo, ministère chargé de la santé (DGOS)\nCe message est envoyé automatiquement ; merci de ne pas y répondre.\n{% endautoescape %}\n',
    "late_milestones_agents": '{% autoescape off %}{% load french %}Madame, Monsieur,\n\nAu {{ today|date_fr }}, {{ total }} jalon{{ total|pluralize }} non déclaré{{ total|pluralize }} {{ total|pluralize:"a,ont" }} dépassé {{ total|pluralize:"sa,leur" }} date prévue, dans {{ summary|length }} établissement{{ summary|length|pluralize }} :\n{% for establishment, count, worst in summary %}\n- {{ establishment.name }} (FINESS {{ establishment.finess }}, {{ establishment.get_region_display }}) : {{ count }} jalon{{ count|pluralize }}, retard maximal {{ worst }} jour{{ worst|pluralize }}{% endfor %}\n\nFile « Jalons en retard » du bureau des agents : {{ site_url }}/admin/workflows/latemilestone/\n\n—\nSIRANo\n{% endautoescape %}\n',
}


@pytest.fixture
def rendered():
    """Every mail body the adapter renders, with the context it was rendered with."""
    seen: list[tuple[str, dict, str]] = []

    def spy(template_name, context=None, *args, **kwargs):
        text = render_to_string(template_name, context, *args, **kwargs)
        if not template_name.endswith("_subject.txt"):
            seen.append((template_name.rsplit("/", 1)[-1].removesuffix(".txt"), dict(context), text))
        return text

    with mock.patch.object(notifications, "render_to_string", side_effect=spy):
        yield seen


def assert_as_before(seen, expected_names, *, site_url: str) -> None:
    assert sorted({name for name, _context, _text in seen}) == sorted(expected_names)
    for name, context, text in seen:
        with translation.override("fr"):
            before = Template(BEFORE[name]).render(Context(context))
        assert text == before, name
        assert site_url in text
        assert any(m.body == text for m in mail.outbox), name


@pytest.mark.django_db
@pytest.mark.parametrize("site_url", ["https://sirano.sante.gouv.fr", "http://127.0.0.1:8000"])
def test_request_mails_read_as_before(
    project_a, member_a, instructing_agent, django_capture_on_commit_callbacks, settings, rendered, site_url
):
    settings.SITE_URL = site_url
    request = draft_request(project_a.milestones.get(rank=1), member_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_tranche_request(tranche_request=request, actor=member_a)
        services.start_review(tranche_request=request, actor=instructing_agent)
        services.request_changes(tranche_request=request, actor=instructing_agent, comment="Joindre l'avis.")
    assert_as_before(rendered, ["tranche_status_changed", "tranche_submitted"], site_url=site_url)
    assert f"{site_url}/portail/demandes/{request.pk}/\n" in mail.outbox[0].body
    assert any(f"{site_url}/admin/bureau/demandes/{request.pk}/\n" in m.body for m in mail.outbox)
    assert any("Joindre l'avis." in text for _name, _context, text in rendered)


@pytest.mark.django_db
def test_late_milestone_digests_read_as_before(project_a, project_b, member_a, member_b, settings, rendered):
    settings.SITE_URL = "https://sirano.sante.gouv.fr"
    planned = {m.rank: m.planned_date for m in project_b.milestones.all()}
    ProjectMilestone.objects.filter(project=project_a, rank=1).update(declared_on=datetime.date(2016, 12, 1))
    mail.outbox.clear()
    call_command("check_milestones", f"--today={planned[2] + datetime.timedelta(days=10)}", stdout=None)
    assert_as_before(
        rendered, ["late_milestones_agents", "late_milestones_establishment"], site_url=settings.SITE_URL
    )
    assert any("https://sirano.sante.gouv.fr/portail/\n" in m.body for m in mail.outbox)
    assert any("https://sirano.sante.gouv.fr/admin/workflows/latemilestone/\n" in m.body for m in mail.outbox)
