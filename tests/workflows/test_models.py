"""Records of the domain core: schedule shares, stable public ids, money, French validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import EstablishmentFactory, ProjectFactory
from workflows.models import (
    Establishment,
    FundingSchedule,
    Girci,
    MilestoneTemplate,
    Project,
    Region,
    TrialRegistration,
)
from workflows.reference import get_or_create_call
from workflows.validators import Registry

pytestmark = pytest.mark.django_db


# Funding schedules


@pytest.mark.parametrize(
    "shares", [["30", "20", "20", "20", "10"], ["100"], ["33.33", "33.33", "33.34"], ["50", "50", "0"]]
)
def test_shares_summing_to_100_are_accepted(shares):
    FundingSchedule.check_shares([Decimal(s) for s in shares])


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (["30", "20", "20", "20"], "La somme des parts des jalons doit être 100 % (elle est de 90 %)."),
        (["60", "50"], "La somme des parts des jalons doit être 100 % (elle est de 110 %)."),
        (["33.33", "33.33", "33.33"], "La somme des parts des jalons doit être 100 % (elle est de 99,99 %)."),
        ([], "La somme des parts des jalons doit être 100 % (elle est de 0 %)."),
    ],
)
def test_shares_not_summing_to_100_are_refused_in_french(shares, message):
    with pytest.raises(ValidationError) as excinfo:
        FundingSchedule.check_shares([Decimal(s) for s in shares])
    assert excinfo.value.code == "shares_not_100"
    assert excinfo.value.messages == [message]


def test_default_schedule_is_copied_and_sums_to_100(reference):
    call = get_or_create_call("PHRCN", 2024)
    schedule = call.current_schedule()
    schedule.clean_milestones()
    assert [t.rank for t in schedule.milestone_templates.order_by("rank")] == [1, 2, 3, 4, 5]
    assert schedule.results_required_for_last_tranche  # the 2024 campaign rule
    assert not get_or_create_call("PHRCN", 2023).current_schedule().results_required_for_last_tranche
    first = schedule.milestone_templates.get(rank=1)
    assert set(first.evidence_types.values_list("code", flat=True)) == {
        "registry-record",
        "regulatory-opinion",
    }


def test_schedule_helper_refuses_an_edited_schedule(reference):
    schedule = get_or_create_call("PHRIP", 2020).current_schedule()
    MilestoneTemplate.objects.filter(schedule=schedule, rank=5).update(share_percent=Decimal("15"))
    with pytest.raises(ValidationError, match="elle est de 105 %"):
        schedule.clean_milestones()


def test_current_schedule_is_the_highest_active_version(reference):
    call = get_or_create_call("PREPS", 2019)
    v2 = FundingSchedule.objects.create(call=call, version=2)
    FundingSchedule.objects.create(call=call, version=3, is_active=False)
    assert call.current_schedule() == v2


# Public identifiers


def test_public_id_is_call_year_and_a_per_call_sequence(reference):
    phrcn = get_or_create_call("PHRCN", 2016)
    preps = get_or_create_call("PREPS-IQ", 2021)
    first = ProjectFactory(call=phrcn)
    second = ProjectFactory(call=phrcn)
    other = ProjectFactory(call=preps)
    assert (first.public_id, second.public_id) == ("PHRCN-2016-0001", "PHRCN-2016-0002")
    assert other.public_id == "PREPS-IQ-2021-0001"
    assert preps.programme.code == "PREPS"


def test_public_id_is_not_derived_from_title_or_acronym(reference):
    call = get_or_create_call("PHRCN", 2016)
    a = ProjectFactory(call=call, acronym="SAME", title="Même titre")
    b = ProjectFactory(call=call, acronym="SAME", title="Même titre")
    assert a.public_id != b.public_id
    assert "SAME" not in a.public_id


def test_public_id_survives_title_and_acronym_changes(reference):
    project = ProjectFactory(call=get_or_create_call("PHRCI", 2018), acronym="AVANT", title="Ancien titre")
    public_id = project.public_id
    project.acronym = "APRES"
    project.title = "Un tout autre titre"
    project.save()
    project.refresh_from_db()
    assert project.public_id == public_id == "PHRCI-2018-0001"


def test_sequence_continues_after_the_highest_even_with_gaps(reference):
    call = get_or_create_call("PHRCN", 2017)
    ProjectFactory(call=call)
    third = ProjectFactory(call=call)
    third.sequence = 40
    Project.objects.filter(pk=third.pk).update(sequence=40)
    assert ProjectFactory(call=call).public_id == "PHRCN-2017-0041"


def test_public_id_is_not_editable_in_forms():
    field = Project._meta.get_field("public_id")
    assert not field.editable
    assert not Project._meta.get_field("sequence").editable


# Money and milestones


def test_award_is_a_decimal_and_tranche_amounts_are_exact(reference):
    project = ProjectFactory(award_amount=Decimal("123456.78"))
    project.refresh_from_db()
    assert isinstance(project.award_amount, Decimal)
    amounts = [m.tranche_amount for m in project.milestones.order_by("rank")]
    assert amounts == [
        Decimal("37037.03"),
        Decimal("24691.36"),
        Decimal("24691.36"),
        Decimal("24691.36"),
        Decimal("12345.68"),
    ]
    assert all(isinstance(a, Decimal) for a in amounts)


def test_milestones_are_copied_with_planned_dates(reference):
    project = ProjectFactory(selected_on=datetime.date(2016, 6, 1))
    milestones = list(project.milestones.order_by("rank"))
    assert [m.planned_date for m in milestones] == [
        datetime.date(2016, 12, 1),
        datetime.date(2017, 6, 1),
        datetime.date(2018, 12, 1),
        datetime.date(2020, 6, 1),
        datetime.date(2021, 6, 1),
    ]
    assert milestones[-1].is_last and milestones[-1].is_results_milestone
    assert milestones[0].is_late_on(datetime.date(2017, 1, 1))
    assert not milestones[0].is_late_on(datetime.date(2016, 11, 30))


def test_declared_date_in_the_future_is_refused(reference):
    milestone = ProjectFactory().milestones.get(rank=1)
    milestone.declared_on = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as excinfo:
        milestone.clean()
    assert excinfo.value.message_dict == {
        "declared_on": ["La date d'atteinte du jalon ne peut pas être dans le futur."]
    }


def test_negative_award_is_refused(reference):
    project = ProjectFactory.build(call=get_or_create_call("PHRCN", 2016), award_amount=Decimal("-1"))
    project.establishment = EstablishmentFactory()
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean(exclude=["public_id", "sequence", "investigator"])
    assert "award_amount" in excinfo.value.message_dict


# Establishments and registrations


def test_establishment_finess_is_validated_in_french(reference):
    establishment = Establishment(finess="690781811", name="HCL", type="CHUR", region=Region.ARA)
    with pytest.raises(ValidationError) as excinfo:
        establishment.full_clean()
    assert excinfo.value.message_dict["finess"] == [
        "Le numéro FINESS « 690781811 » a une clé de contrôle invalide."
    ]


def test_establishment_gets_its_girci_and_ars_from_its_region(reference):
    establishment = EstablishmentFactory(finess="690781810", region=Region.ARA)
    assert establishment.girci == Girci.ARA
    assert establishment.ars == "ARS Auvergne-Rhône-Alpes"
    corsica = EstablishmentFactory(finess="2A0000154", region=Region.COR)
    assert corsica.girci == Girci.MED


def test_trial_registration_checks_its_registry_format():
    TrialRegistration(registry=Registry.CLINICALTRIALS, identifier="NCT01234567").clean()
    with pytest.raises(ValidationError, match=r"n'est pas un identifiant ClinicalTrials\.gov valide"):
        TrialRegistration(registry=Registry.CLINICALTRIALS, identifier="2019-A01234-56").clean()


def test_one_trial_may_be_funded_by_several_projects(reference):
    trial = TrialRegistration.objects.create(registry=Registry.CLINICALTRIALS, identifier="NCT01234567")
    a, b = ProjectFactory(), ProjectFactory()
    a.registrations.add(trial)
    b.registrations.add(trial)
    assert set(trial.projects.all()) == {a, b}
    assert trial.url == "https://clinicaltrials.gov/study/NCT01234567"
