"""Demo step: tranche requests in every state, built THROUGH THE SERVICES with backdated `at=`,
so the audit trail, the desk queues and the establishments' portal all show real history.

Older declared milestones go further down the workflow; the coordinating establishments of the
demo accounts (HCL for chu-lyon, AP-HP for aphp) always get requests in several states.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone

from demo.users import establishment_member
from workflows import services
from workflows.documents import inspect_upload
from workflows.models import Delegation, Project, ProjectMilestone, TrancheRequest, TrancheStatus
from workflows.selectors import ACTIVE_PROJECT_STATES

S = TrancheStatus
DEMO_FINESS = ("690781810", "750712184")
#: Target states, from the furthest along (oldest declarations) to the least.
STATE_ORDER = [
    S.PAID,
    S.DELEGATED,
    S.REJECTED,
    S.VALIDATED,
    S.CHANGES_REQUESTED,
    S.UNDER_REVIEW,
    S.SUBMITTED,
    S.WITHDRAWN,
    S.DRAFT,
]
WEIGHTS = {
    S.PAID: 14,
    S.DELEGATED: 10,
    S.REJECTED: 5,
    S.VALIDATED: 16,
    S.CHANGES_REQUESTED: 10,
    S.UNDER_REVIEW: 16,
    S.SUBMITTED: 14,
    S.WITHDRAWN: 4,
    S.DRAFT: 11,
}
STEPS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.UNDER_REVIEW: ["submit", "start_review"],
    S.CHANGES_REQUESTED: ["submit", "start_review", "request_changes"],
    S.VALIDATED: ["submit", "start_review", "validate"],
    S.REJECTED: ["submit", "start_review", "reject"],
    S.DELEGATED: ["submit", "start_review", "validate"],
    S.PAID: ["submit", "start_review", "request_changes", "resubmit", "start_review", "validate"],
    S.WITHDRAWN: ["withdraw"],
}
COMMENTS = {
    "request_changes": [
        "L'attestation d'inclusion n'est pas signée par l'investigateur coordonnateur.",
        "Merci de joindre l'avis du CPP mentionné dans la demande.",
        "Le rapport d'inclusions ne couvre pas tous les centres associés.",
    ],
    "reject": [
        "Le jalon déclaré ne correspond pas au calendrier de financement de l'appel.",
        "Les justificatifs ne démontrent pas l'atteinte du jalon.",
    ],
    "resubmit": ["Attestation signée jointe.", "Documents complétés comme demandé."],
    "withdraw": ["Demande déposée par erreur sur ce jalon."],
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _candidates(rng: random.Random, count: int) -> list[ProjectMilestone]:
    """The first declared, unverified milestone of active projects; demo establishments first."""
    seen, picked, others = set(), [], []
    rows = (
        ProjectMilestone.objects.filter(
            declared_on__isnull=False,
            verified_at__isnull=True,
            project__status__in=ACTIVE_PROJECT_STATES,
            tranche_requests__isnull=True,
        )
        .select_related("project__establishment")
        .order_by("project_id", "rank")
    )
    for milestone in rows:
        if milestone.project_id in seen:
            continue
        seen.add(milestone.project_id)
        finess = milestone.project.establishment.finess
        (picked if finess in DEMO_FINESS else others).append(milestone)
    per_demo = Counter()
    chosen = []
    for milestone in picked:
        finess = milestone.project.establishment.finess
        if per_demo[finess] < 12:
            per_demo[finess] += 1
            chosen.append(milestone)
    rng.shuffle(others)
    chosen += others[: max(0, count - len(chosen))]
    return sorted(chosen, key=lambda m: (m.declared_on, m.pk))


def _states_for(milestones: list[ProjectMilestone]) -> list:
    """Assign states so that each appears, older declarations further along the workflow."""
    total = len(milestones)
    weight_sum = sum(WEIGHTS.values())
    states = []
    for state in STATE_ORDER:
        states += [state] * max(1, round(total * WEIGHTS[state] / weight_sum))
    states = states[:total] if len(states) >= total else states + [S.DRAFT] * (total - len(states))
    return states


def _attach(request: TrancheRequest, actor, at: datetime.datetime) -> None:
    for evidence_type in request.milestone.evidence_types.all():
        upload = inspect_upload(SimpleUploadedFile("justificatif.pdf", PDF, content_type="application/pdf"))
        services.attach_evidence(
            tranche_request=request, actor=actor, evidence_type=evidence_type, upload=upload, at=at
        )


def seed_requests(*, rng: random.Random, today: datetime.date, stdout) -> None:
    """Requests in every state, once: a second `seed_demo` leaves the existing workflow as it is."""
    if TrancheRequest.objects.workflow().exists():
        stdout.write(f"Demandes de tranche : {TrancheRequest.objects.workflow().count()} déjà présentes.")
        return
    count = max(30, min(120, Project.objects.count() // 30))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        built = _build(rng=rng, today=today, count=count)
    stdout.write(
        "Demandes de tranche : "
        + ", ".join(f"{S(state).label} {n}" for state, n in sorted(built.items(), key=lambda kv: kv[0]))
        + "."
    )


def _build(*, rng: random.Random, today: datetime.date, count: int) -> Counter:
    users = {
        u.username: u for u in User.objects.filter(username__in=["instructeur", "budget", "chu-lyon", "aphp"])
    }
    instructor, budget = users["instructeur"], users["budget"]
    milestones = _candidates(rng, count)
    # Demo establishments: rotate their requests through every state.
    demo = [m for m in milestones if m.project.establishment.finess in DEMO_FINESS]
    others = [m for m in milestones if m.project.establishment.finess not in DEMO_FINESS]
    plan = list(zip(others, _states_for(others), strict=True))
    plan += [(m, STATE_ORDER[i % len(STATE_ORDER)]) for i, m in enumerate(demo)]
    now = timezone.now() - datetime.timedelta(hours=1)
    if today < timezone.localdate():
        now = _at(today, 8)
    members: dict[int, User] = {}
    built: Counter = Counter()
    to_delegate: list[tuple[TrancheRequest, str, datetime.datetime]] = []
    for milestone, state in plan:
        establishment = milestone.project.establishment
        member = members.get(establishment.pk) or establishment_member(establishment, users)
        members[establishment.pk] = member
        steps = STEPS[state]
        start = _at(milestone.declared_on + datetime.timedelta(days=rng.randint(2, 10)), 9)
        span = max(now - start, datetime.timedelta(hours=len(steps) + 4))
        gap = min(datetime.timedelta(days=rng.randint(6, 20)), span / (len(steps) + 4))
        at = min(start, now - gap * (len(steps) + 3))
        try:
            request = services.create_tranche_request(milestone=milestone, actor=member, at=at)
            if state != S.DRAFT or rng.random() < 0.6:
                _attach(request, member, at + datetime.timedelta(minutes=20))
            for step in steps:
                at += gap
                actor = member if step in ("submit", "resubmit", "withdraw") else instructor
                comment = rng.choice(COMMENTS[step]) if step in COMMENTS else ""
                _fire(step, request, actor, comment, at)
        except (ValidationError, PermissionDenied):
            continue  # e.g. a last tranche whose results are not posted: the request stays where it is
        request.refresh_from_db(fields=["status"])
        if state in (S.DELEGATED, S.PAID) and request.status == S.VALIDATED:
            to_delegate.append((request, state, at))
        built[request.status] += 1
    _delegations(to_delegate, budget=budget, now=now, built=built, today=today)
    return built


def _fire(step: str, request, actor, comment: str, at) -> None:
    service = {
        "submit": services.submit_tranche_request,
        "start_review": services.start_review,
        "request_changes": services.request_changes,
        "resubmit": services.resubmit_tranche_request,
        "validate": services.validate_tranche_request,
        "reject": services.reject_tranche_request,
        "withdraw": services.withdraw_tranche_request,
    }[step]
    service(tranche_request=request, actor=actor, comment=comment, at=at)


def _delegations(items, *, budget, now, built: Counter, today: datetime.date) -> None:
    """One circular paid, one issued (and the later validated tranches wait for the next one)."""
    for target, number in ((S.PAID, 1), (S.DELEGATED, 2)):
        group = [(r, at) for r, state, at in items if state == target]
        if not group:
            continue
        last = max(at for _r, at in group)
        created = last + min(datetime.timedelta(days=3), (now - last) / 4)
        reference = f"CIRC-DGOS-{created.year}-{number:02d}"
        if Delegation.objects.filter(reference=reference).exists():
            reference = f"{reference}-{Delegation.objects.count() + 1}"
        delegation = services.create_delegation(
            actor=budget,
            reference=reference,
            circular_date=created.date(),
            at=created,
        )
        services.add_to_delegation(
            actor=budget, delegation=delegation, tranche_requests=[r for r, _at in group], at=created
        )
        issued = created + min(datetime.timedelta(days=2), (now - created) / 3)
        services.issue_delegation(delegation=delegation, actor=budget, at=issued)
        built[S.VALIDATED] -= len(group)
        if target == S.PAID:
            paid = issued + min(datetime.timedelta(days=20), (now - issued) / 2)
            services.record_delegation_payment(
                delegation=delegation,
                actor=budget,
                paid_on=timezone.localdate(paid),
                payment_reference=f"VERS-{reference}",
                at=paid,
            )
        built[target] += len(group)
