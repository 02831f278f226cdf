"""Hypothesis drives random sequences of requests, delegations and transitions by random
personas; invariants: never over the award, one audit event per successful transition,
terminal states stay terminal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.factories import ProjectFactory
from tests.workflows.builders import SERVICES, draft_request
from workflows import services
from workflows.models import AuditEvent, Delegation, TrancheRequest, TrancheStatus

TRANSITIONS = list(SERVICES)
TERMINAL = {TrancheStatus.REJECTED, TrancheStatus.PAID, TrancheStatus.WITHDRAWN}


@pytest.mark.django_db
def test_random_transition_sequences(establishment_a, member_a, member_b, instructing_agent, budget_agent):
    personas = [member_a, member_b, instructing_agent, budget_agent, AnonymousUser()]
    by_role = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    reached: set[str] = set()

    class TrancheMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.project = ProjectFactory(establishment=establishment_a, award_amount=Decimal("100000.00"))
            # Random ranks: the declaration order (tests/workflows/test_requestability.py) is waived.
            for milestone in self.project.milestones.all():
                services.allow_out_of_order_declaration(
                    milestone=milestone, actor=instructing_agent, comment="séquences aléatoires"
                )
            self.requests: list[int] = []
            self.successes = 0
            self.terminal: dict[int, str] = {}
            self.delegation = None

        @rule(rank=st.integers(1, 5), factor=st.sampled_from(["1", "2", "3.5"]))
        def open_request(self, rank, factor):
            milestone = self.project.milestones.get(rank=rank)
            if milestone.tranche_requests.exclude(status__in=["rejected", "withdrawn"]).exists():
                return
            if milestone.declared_on is None:
                request = draft_request(milestone, member_a)
            else:
                request = services.create_tranche_request(milestone=milestone, actor=member_a)
            # Setup only: larger amounts make the award ceiling reachable.
            TrancheRequest.objects.filter(pk=request.pk).update(amount=request.amount * Decimal(factor))
            self.requests.append(request.pk)

        @rule(data=st.data())
        def add_to_delegation(self, data):
            validated = list(
                TrancheRequest.objects.filter(
                    pk__in=self.requests, status="validated", delegation__isnull=True
                ).values_list("pk", flat=True)
            )
            if not validated:
                return
            if self.delegation is None or self.delegation.status != "draft":
                self.delegation = services.create_delegation(
                    actor=budget_agent,
                    reference=f"H-{self.project.pk}-{Delegation.objects.count()}",
                    circular_date=datetime.date(2020, 1, 1),
                )
            pk = data.draw(st.sampled_from(validated))
            services.add_to_delegation(actor=budget_agent, delegation=self.delegation, tranche_requests=[pk])

        @initialize()
        def first_request(self):
            self.open_request(1, "1")

        @rule(
            data=st.data(),
            persona=st.one_of(st.just("role"), st.sampled_from(range(5))),
        )
        def fire(self, data, persona):
            pk = data.draw(st.sampled_from(self.requests))
            current = TrancheRequest.objects.get(pk=pk)
            from_here = sorted(
                t.name for t in current.get_all_status_transitions() if t.source == current.status
            )
            # Two times in three a transition that exists from the current state, else any.
            name = data.draw(
                st.sampled_from(from_here or TRANSITIONS)
                | st.sampled_from(from_here or TRANSITIONS)
                | st.sampled_from(TRANSITIONS)
            )
            service, role = SERVICES[name]
            actor = by_role[role] if persona == "role" else personas[persona]
            comment = data.draw(st.sampled_from(["", "motif"]))
            before = TrancheRequest.objects.get(pk=pk).status
            try:
                service(tranche_request=pk, actor=actor, comment=comment)
            except (PermissionDenied, ValidationError):
                assert TrancheRequest.objects.get(pk=pk).status == before
                return
            self.successes += 1
            reached.add(TrancheRequest.objects.get(pk=pk).status)

        @rule(data=st.data())
        def advance(self, data):
            """A well-formed step (right persona, a comment, a transition from the current state),
            so runs reach deep states; `fire` explores everything else."""
            pk = data.draw(st.sampled_from(self.requests))
            current = TrancheRequest.objects.get(pk=pk)
            from_here = sorted(
                t.name for t in current.get_all_status_transitions() if t.source == current.status
            )
            if not from_here:
                return
            name = data.draw(st.sampled_from(from_here))
            service, role = SERVICES[name]
            try:
                service(tranche_request=pk, actor=by_role[role], comment="motif")
            except ValidationError:  # e.g. over the award, or not yet in a delegation
                assert TrancheRequest.objects.get(pk=pk).status == current.status
                return
            self.successes += 1
            reached.add(TrancheRequest.objects.get(pk=pk).status)

        @invariant()
        def never_over_the_award(self):
            committed = sum(
                TrancheRequest.objects.filter(
                    milestone__project=self.project, status__in=["validated", "delegated", "paid"]
                ).values_list("amount", flat=True),
                Decimal(0),
            )
            assert committed <= self.project.award_amount

        @invariant()
        def one_audit_event_per_transition(self):
            assert (
                AuditEvent.objects.filter(project=self.project, action__in=TRANSITIONS).count()
                == self.successes
            )

        @invariant()
        def terminal_states_stay_terminal(self):
            for pk, status in TrancheRequest.objects.filter(pk__in=self.requests).values_list("pk", "status"):
                if pk in self.terminal:
                    assert status == self.terminal[pk]
                elif status in TERMINAL:
                    self.terminal[pk] = status

    run_state_machine_as_test(
        TrancheMachine,
        settings=settings(
            max_examples=20,
            derandomize=True,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            database=None,
        ),
    )
    # The exploration really went through the workflow, refusals alone would prove nothing.
    assert {"submitted", "under_review", "validated"} <= reached
    assert reached & {"rejected", "withdrawn", "paid"}
