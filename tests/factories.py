"""factory_boy factories for the domain records; reference data comes from workflows.reference."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from workflows import ledger, services
from workflows.models import (
    Establishment,
    EstablishmentMembership,
    EstablishmentType,
    Investigator,
    Project,
    Region,
)
from workflows.reference import ensure_reference_data, get_or_create_call
from workflows.validators import luhn_ok


def finess_with_key(prefix8: str) -> str:
    """Complete 8 digits with the Luhn key digit that makes a valid FINESS."""
    for digit in "0123456789":
        if luhn_ok(prefix8 + digit):
            return prefix8 + digit
    raise AssertionError("unreachable")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("sirano-test-pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=str(role)))


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("finess",)

    finess = factory.Sequence(lambda n: finess_with_key(f"{13100000 + n:08d}"))
    name = factory.Sequence(lambda n: f"CENTRE HOSPITALIER NUMERO {n}")
    type = EstablishmentType.CH
    region = Region.PAC


class InvestigatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investigator

    title = "Pr"
    last_name = factory.Sequence(lambda n: f"DUPONT{n}")
    first_name = "Jeanne"


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project with its milestones copied from the call's schedule."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    call = factory.LazyFunction(lambda: (ensure_reference_data(), get_or_create_call("PHRCN", 2016))[1])
    acronym = factory.Sequence(lambda n: f"PROJ{n}")
    title = factory.Sequence(lambda n: f"Essai randomisé numéro {n}")
    summary = "Étude multicentrique."
    establishment = factory.SubFactory(EstablishmentFactory)
    investigator = factory.SubFactory(InvestigatorFactory)
    award_amount = Decimal("100000.00")
    selected_on = datetime.date(2016, 6, 1)

    @factory.post_generation
    def with_milestones(self, create, extracted, **kwargs):
        if create and extracted is not False:
            services.copy_schedule_to_project(project=self)

    @factory.post_generation
    def historical_tranches(self, create, extracted, **kwargs):
        """`historical_tranches=k`: tranches 1..k delegated before SIRANo, through the ledger service."""
        if create and extracted:
            ledger.record_historical_tranches(
                entries=[
                    ledger.HistoricalStock(project_id=self.pk, last_rank=extracted, source_file="test.csv")
                ]
            )
            self.refresh_from_db(fields=["status"])


def member_of(establishment: Establishment, username: str) -> User:
    from workflows.roles import Role

    user = UserFactory(username=username, roles=[Role.ESTABLISHMENT_MEMBER])
    EstablishmentMembership.objects.get_or_create(user=user, establishment=establishment)
    return user
