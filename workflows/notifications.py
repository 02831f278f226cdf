"""The one adapter through which the domain sends mail; templates live in templates/workflows/email/."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def _send(*, template: str, recipients: list[str], context: dict) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"workflows/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"workflows/email/{template}.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)


def establishment_recipients(establishment) -> list[str]:
    emails = [m.user.email for m in establishment.memberships.select_related("user") if m.user.is_active]
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
    }
    _send(
        template="tranche_status_changed",
        recipients=establishment_recipients(project.establishment),
        context=context,
    )
    if event.to_state == TrancheStatus.SUBMITTED:
        _send(template="tranche_submitted", recipients=[settings.DGOS_AGENTS_EMAIL], context=context)
