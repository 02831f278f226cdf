"""On PostgreSQL, with real threads and connections: the row lock and the concurrency guard make
one transition out of 50 simultaneous validations, and the award ceiling holds under races.

The control run removes the lock and the guard (and makes every thread read before anyone
writes): it must show the double transitions the real code prevents, so the main test has teeth.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models

from tests.workflows.builders import request_in_state
from workflows import services
from workflows.models import AuditEvent, TrancheRequest, TrancheStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(calls) -> tuple[int, list[Exception]]:
    """Start every call at the same instant, one thread and one connection each."""
    barrier = threading.Barrier(len(calls), timeout=60)
    successes, errors, lock = [], [], threading.Lock()

    def worker(call):
        try:
            barrier.wait()
            call()
            with lock:
                successes.append(1)
        except (ValidationError, PermissionDenied) as exc:
            with lock:
                errors.append(exc)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return len(successes), errors


def _under_review(project, member, instructor, budget, rank=1):
    return request_in_state(
        TrancheStatus.UNDER_REVIEW,
        milestone=project.milestones.get(rank=rank),
        member=member,
        instructor=instructor,
        budget=budget,
    )


def _validate_calls(pk, actor, n):
    return [lambda: services.validate_tranche_request(tranche_request=pk, actor=actor) for _ in range(n)]


def test_fifty_simultaneous_validations_make_one_transition(
    project_a, member_a, instructing_agent, budget_agent
):
    request = _under_review(project_a, member_a, instructing_agent, budget_agent)
    successes, errors = run_together(_validate_calls(request.pk, instructing_agent, 50))
    assert successes == 1
    assert len(errors) == 49
    assert all(isinstance(e, ValidationError) for e in errors), errors[:3]
    request.refresh_from_db()
    assert request.status == TrancheStatus.VALIDATED
    assert AuditEvent.objects.filter(tranche_request=request, action="validate").count() == 1


def test_control_without_lock_and_guard_shows_the_race(
    monkeypatch, project_a, member_a, instructing_agent, budget_agent
):
    request = _under_review(project_a, member_a, instructing_agent, budget_agent)
    n = 10
    everyone_has_read = threading.Barrier(n, timeout=60)

    def unlocked_read(pk):
        stale = TrancheRequest.objects.select_related(
            "milestone__project__establishment", "milestone__template__schedule"
        ).get(pk=pk)
        everyone_has_read.wait()
        return stale

    monkeypatch.setattr(services, "_lock_request", unlocked_read)
    monkeypatch.setattr(services, "_lock_project", lambda pk: None)
    # ConcurrentTransitionMixin's guard (UPDATE ... WHERE status = <state read>) off as well.
    monkeypatch.setattr(TrancheRequest, "_do_update", models.Model._do_update)

    successes, errors = run_together(_validate_calls(request.pk, instructing_agent, n))
    events = AuditEvent.objects.filter(tranche_request=request, action="validate").count()
    assert successes > 1, f"no race reproduced: {errors[:3]}"
    assert events == successes


def test_guard_alone_stops_the_race_without_the_lock(
    monkeypatch, project_a, member_a, instructing_agent, budget_agent
):
    """Defence in depth: with the row lock removed, ConcurrentTransitionMixin still refuses."""
    request = _under_review(project_a, member_a, instructing_agent, budget_agent)
    n = 10
    everyone_has_read = threading.Barrier(n, timeout=60)

    def unlocked_read(pk):
        stale = TrancheRequest.objects.select_related(
            "milestone__project__establishment", "milestone__template__schedule"
        ).get(pk=pk)
        everyone_has_read.wait()
        return stale

    monkeypatch.setattr(services, "_lock_request", unlocked_read)
    monkeypatch.setattr(services, "_lock_project", lambda pk: None)
    successes, errors = run_together(_validate_calls(request.pk, instructing_agent, n))
    assert successes == 1
    assert AuditEvent.objects.filter(tranche_request=request, action="validate").count() == 1
    assert all("changé entre-temps" in " ".join(e.messages) for e in errors), errors[:3]


def test_two_validations_over_the_award_only_one_succeeds(
    project_a, member_a, instructing_agent, budget_agent
):
    first = _under_review(project_a, member_a, instructing_agent, budget_agent, rank=1)
    second = _under_review(project_a, member_a, instructing_agent, budget_agent, rank=2)
    # Setup only: each asks 60 % of the award, so both together would exceed it.
    share = (project_a.award_amount * Decimal("0.6")).quantize(Decimal("0.01"))
    TrancheRequest.objects.filter(pk__in=[first.pk, second.pk]).update(amount=share)
    calls = [
        lambda: services.validate_tranche_request(tranche_request=first.pk, actor=instructing_agent),
        lambda: services.validate_tranche_request(tranche_request=second.pk, actor=instructing_agent),
    ]
    successes, errors = run_together(calls)
    assert successes == 1
    assert len(errors) == 1
    assert "dépasserait le financement accordé" in " ".join(errors[0].messages)
    committed = sum(
        r.amount for r in TrancheRequest.objects.filter(pk__in=[first.pk, second.pk], status="validated")
    )
    assert committed <= project_a.award_amount
    assert AuditEvent.objects.filter(action="validate", project=project_a).count() == 1
