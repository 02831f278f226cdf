"""A small hand-built portfolio, written through `workflows.services` with `at=` (plus one
imported request with dated fields only and one historical-stock project), whose figures are
computed by hand in each test.

    P1 PHRCN 2016 HCL (CHUR, ARA)      100 000 €, cardiologie
       rank 1 (30 000): declared 5/1/2017, submitted 20/1, review 1/2, validated 15/3,
                        delegated 10/4, paid 20/5/2017
       rank 2 (20 000): declared 1/7/2017, changes requested 20/7, validated 1/9/2017
    P2 PHRCI 2017 APHP (CHUR, IDF)     200 000 €, cardiologie
       rank 1 (60 000): declared 10/1/2018, rejected 10/2; new request submitted 5/3/2018
       rank 2: reached 10/7/2018, declaration recorded 15/7/2018
    P3 PHRCN 2016 CH PAC (CH, PAC)      50 000 €, neurologie, historical tranches 1-2 (ledger,
       recorded 2/1/2018); rank 1 declared 1/11/2016 verified 1/12/2016; rank 2 declared 1/5/2017
       verified 15/6/2017 (a historical tranche is dated by its milestone's verification)
    P4 PHRCI 2017 APHP                  100 000 €, no discipline
       rank 1 (30 000): imported request validated 20/3/2018 (no audit), declared 20/2/2018
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import EstablishmentFactory, ProjectFactory, finess_with_key
from tests.tranche_support import tranches  # noqa: F401
from workflows import ledger, services
from workflows.documents import inspect_upload
from workflows.models import (
    Discipline,
    EstablishmentType,
    ProjectMilestone,
    Region,
    TrancheRequest,
)
from workflows.reference import get_or_create_call

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: str, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


def _attach_all(request, actor, when):
    for evidence_type in request.milestone.evidence_types.all():
        upload = inspect_upload(SimpleUploadedFile("preuve.pdf", PDF, content_type="application/pdf"))
        services.attach_evidence(
            tranche_request=request, actor=actor, evidence_type=evidence_type, upload=upload, at=when
        )


def _request_to_review(milestone, member, agent, *, created, submitted, review):
    request = services.create_tranche_request(milestone=milestone, actor=member, at=at(created))
    _attach_all(request, member, at(created))
    services.submit_tranche_request(tranche_request=request, actor=member, at=at(submitted))
    services.start_review(tranche_request=request, actor=agent, at=at(review))
    return request


@pytest.fixture
def portfolio(establishment_a, establishment_b, member_a, member_b, instructing_agent, budget_agent):
    cardio = Discipline.objects.get(code="cardiologie")
    neuro = Discipline.objects.get(code="neurologie")
    establishment_c = EstablishmentFactory(
        finess=finess_with_key("13000164"),
        name="CENTRE HOSPITALIER DU PAYS D'AIX",
        type=EstablishmentType.CH,
        region=Region.PAC,
    )
    phrcn = get_or_create_call("PHRCN", 2016)
    phrci = get_or_create_call("PHRCI", 2017)
    p1 = ProjectFactory(
        call=phrcn,
        establishment=establishment_a,
        acronym="P1",
        discipline=cardio,
        selected_on=d("2016-06-01"),
    )
    p2 = ProjectFactory(
        call=phrci,
        establishment=establishment_b,
        acronym="P2",
        discipline=cardio,
        award_amount=Decimal("200000"),
        selected_on=d("2017-06-01"),
    )
    p3 = ProjectFactory(
        call=phrcn,
        establishment=establishment_c,
        acronym="P3",
        discipline=neuro,
        award_amount=Decimal("50000"),
        selected_on=d("2016-06-01"),
    )
    p4 = ProjectFactory(call=phrci, establishment=establishment_b, acronym="P4", selected_on=d("2017-06-01"))

    # P1 rank 1: the whole path to payment.
    m11 = p1.milestones.get(rank=1)
    services.declare_milestone(milestone=m11, actor=member_a, reached_on=d("2017-01-05"), at=at("2017-01-06"))
    r11 = _request_to_review(
        m11, member_a, instructing_agent, created="2017-01-10", submitted="2017-01-20", review="2017-02-01"
    )
    services.validate_tranche_request(tranche_request=r11, actor=instructing_agent, at=at("2017-03-15"))
    delegation = services.create_delegation(
        actor=budget_agent, reference="C-2017-04", circular_date=d("2017-04-10")
    )
    services.add_to_delegation(actor=budget_agent, delegation=delegation, tranche_requests=[r11])
    services.issue_delegation(delegation=delegation, actor=budget_agent, at=at("2017-04-10"))
    services.record_delegation_payment(
        delegation=delegation,
        actor=budget_agent,
        paid_on=d("2017-05-19"),
        payment_reference="VERS-2017-05",
        at=at("2017-05-20"),
    )

    # P1 rank 2: changes requested, then validated; never delegated.
    m12 = p1.milestones.get(rank=2)
    services.declare_milestone(milestone=m12, actor=member_a, reached_on=d("2017-07-01"), at=at("2017-07-02"))
    r12 = _request_to_review(
        m12, member_a, instructing_agent, created="2017-07-05", submitted="2017-07-10", review="2017-07-12"
    )
    services.request_changes(
        tranche_request=r12, actor=instructing_agent, comment="Attestation illisible.", at=at("2017-07-20")
    )
    services.resubmit_tranche_request(tranche_request=r12, actor=member_a, at=at("2017-08-01"))
    services.start_review(tranche_request=r12, actor=instructing_agent, at=at("2017-08-02"))
    services.validate_tranche_request(tranche_request=r12, actor=instructing_agent, at=at("2017-09-01"))

    # P2 rank 1: rejected, then a new request left submitted.
    m21 = p2.milestones.get(rank=1)
    services.declare_milestone(milestone=m21, actor=member_b, reached_on=d("2018-01-10"), at=at("2018-01-10"))
    r21 = _request_to_review(
        m21, member_b, instructing_agent, created="2018-01-15", submitted="2018-01-20", review="2018-02-01"
    )
    services.reject_tranche_request(
        tranche_request=r21, actor=instructing_agent, comment="Hors délai.", at=at("2018-02-10")
    )
    r21b = services.create_tranche_request(milestone=m21, actor=member_b, at=at("2018-03-01"))
    _attach_all(r21b, member_b, at("2018-03-01"))
    services.submit_tranche_request(tranche_request=r21b, actor=member_b, at=at("2018-03-05"))
    # P2 rank 2: reached on 10 July, recorded on 15 July 2018.
    services.declare_milestone(
        milestone=p2.milestones.get(rank=2), actor=member_b, reached_on=d("2018-07-10"), at=at("2018-07-15")
    )

    # P3: historical stock, two tranches delegated before SIRANo.
    ProjectMilestone.objects.filter(project=p3, rank=1).update(
        declared_on=d("2016-11-01"), verified_at=at("2016-12-01")
    )
    ProjectMilestone.objects.filter(project=p3, rank=2).update(
        declared_on=d("2017-05-01"), verified_at=at("2017-06-15")
    )
    ledger.record_historical_tranches(
        entries=[
            ledger.HistoricalStock(project_id=p3.pk, last_rank=2, source_file="stock.csv", source_row=3)
        ],
        at=at("2018-01-02"),
    )

    # P4: a request imported with its validation date only (no audit trail).
    m41 = p4.milestones.get(rank=1)
    ProjectMilestone.objects.filter(pk=m41.pk).update(declared_on=d("2018-02-20"))
    TrancheRequest.objects.bulk_create(
        [
            TrancheRequest(
                milestone=m41,
                amount=Decimal("30000.00"),
                status="validated",
                validated_at=at("2018-03-20"),
            )
        ]
    )
    TrancheRequest.objects.filter(milestone=m41).update(status_changed_at=at("2018-03-20"))
    cache.clear()
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "r11": r11, "r12": r12, "delegation": delegation}


@pytest.fixture
def releases_root(settings, tmp_path):
    """Open-data releases go to a throw-away RELEASES_ROOT."""
    settings.RELEASES_ROOT = tmp_path / "releases"
    return settings.RELEASES_ROOT


@pytest.fixture
def reports_root(settings, tmp_path):
    """Indicator reports built in the admin go to a throw-away REPORTS_ROOT."""
    settings.REPORTS_ROOT = tmp_path / "rapports"
    return settings.REPORTS_ROOT
