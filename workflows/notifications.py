"""The one adapter through which the domain sends mail; templates live in templates/workflows/email/.

Links in mails are `SITE_URL` followed by a path the face that shows the page hands down
(`workflows.links`): the domain never spells a face's path."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from workflows import links

logger = logging.getLogger(__name__)


def _send(*, template: str, recipients: list[str], context: dict) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override("fr"):  # mails are French whatever the request's language
        subject = " ".join(render_to_string(f"workflows/email/{template}_subject.txt", context).split())
        body = render_to_string(f"workflows/email/{template}.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def establishment_recipients(establishment) -> list[str]:
    """Active members' addresses plus the establishment's contact address."""
    memberships = establishment.memberships.all()
    if "memberships" not in getattr(establishment, "_prefetched_objects_cache", {}):
        memberships = memberships.select_related("user")
    emails = [m.user.email for m in memberships if m.user.is_active]
    return emails + ([establishment.contact_email] if establishment.contact_email else [])


def tranche_request_changed(*, event_id: int) -> None:
    """After commit: tell the establishment of every state change; tell agents of submissions."""
    from workflows.models import AuditEvent, TrancheStatus

    event = AuditEvent.objects.select_related(
        "tranche_request__milestone__project__establishment", "actor"
    ).get(pk=event_id)
    request = event.tranche_request
    project = request.milestone.project
    context = {
        "event": event,
        "request": request,
        "project": project,
        "from_label": TrancheStatus(event.from_state).label if event.from_state else "",
        "to_label": TrancheStatus(event.to_state).label,
        "request_path": links.path("establishment_request", pk=request.pk),
        "desk_path": links.path("desk_request", pk=request.pk),
    }
    _send(
        template="tranche_status_changed",
        recipients=establishment_recipients(project.establishment),
        context=context,
    )
    if event.to_state == TrancheStatus.SUBMITTED:
        _send(template="tranche_submitted", recipients=[settings.DGOS_AGENTS_EMAIL], context=context)


def late_milestone_digests(*, today) -> dict[str, int]:
    """One digest per establishment with late milestones (to its members and contact address),
    and one to the agents' mailbox. Returns how many mails left."""
    from django.db.models import Prefetch

    from workflows.models import EstablishmentMembership
    from workflows.selectors import late_milestones

    milestones = list(
        late_milestones(today)
        .select_related("project__establishment")
        .prefetch_related(
            Prefetch(
                "project__establishment__memberships",
                queryset=EstablishmentMembership.objects.select_related("user"),
            )
        )
        .order_by("project__establishment__name", "-days_late", "project__public_id", "rank")
    )
    by_establishment: dict[int, list] = {}
    for milestone in milestones:
        by_establishment.setdefault(milestone.project.establishment_id, []).append(milestone)
    sent = 0
    summary = []
    for items in by_establishment.values():
        establishment = items[0].project.establishment
        summary.append((establishment, len(items), max(m.days_late for m in items)))
        sent += _send(
            template="late_milestones_establishment",
            recipients=establishment_recipients(establishment),
            context={
                "establishment": establishment,
                "milestones": items,
                "today": today,
                "portal_path": links.path("establishment_home"),
            },
        )
    agents = 0
    if milestones:
        summary.sort(key=lambda row: (-row[1], row[0].name))
        agents = _send(
            template="late_milestones_agents",
            recipients=[settings.DGOS_AGENTS_EMAIL],
            context={
                "summary": summary,
                "total": len(milestones),
                "today": today,
                "late_milestones_path": links.path("late_milestones"),
            },
        )
    return {"establishments": sent, "agents": agents, "late": len(milestones)}
