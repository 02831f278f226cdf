"""Demo accounts documented in the README (password `sirano-demo`), created only with DEBUG on."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from workflows.models import Establishment, EstablishmentMembership
from workflows.roles import Role

DEMO_PASSWORD = "sirano-demo"  # noqa: S105 (documented demo password, refused unless DEBUG)

#: username, first name, last name, roles, establishment FINESS, superuser
DEMO_USERS = [
    ("admin", "Alice", "Administratrice", [Role.ADMINISTRATOR], [], True),
    ("instructeur", "Igor", "Instructeur", [Role.INSTRUCTING_AGENT], [], False),
    ("budget", "Bérénice", "Budget", [Role.BUDGET_AGENT], [], False),
    ("redaction", "Rémi", "Rédacteur", [Role.EDITOR], [], False),
    ("moderation", "Mona", "Modératrice", [Role.MODERATOR], [], False),
    ("chu-lyon", "Louise", "DRCI Lyon", [Role.ESTABLISHMENT_MEMBER], ["690781810"], False),
    ("aphp", "Paul", "DRCI AP-HP", [Role.ESTABLISHMENT_MEMBER], ["750712184"], False),
]


@transaction.atomic
def ensure_demo_users() -> dict[str, User]:
    users = {}
    for username, first, last, roles, finess_list, superuser in DEMO_USERS:
        user, _created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.sirano.fr"},
        )
        user.set_password(DEMO_PASSWORD)
        user.is_staff = superuser or any(r != Role.ESTABLISHMENT_MEMBER for r in roles)
        user.is_superuser = superuser
        user.save()
        user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
        for establishment in Establishment.objects.filter(finess__in=finess_list):
            EstablishmentMembership.objects.get_or_create(user=user, establishment=establishment)
        users[username] = user
    return users


def establishment_member(establishment: Establishment, known: dict[str, User] | None = None) -> User:
    """A demo DRCI account for an establishment: the documented one (chu-lyon, aphp) when it
    exists, else a `drci-<FINESS>` account without a usable password (it only acts in the demo)."""
    for username, *_rest, finess_list, _superuser in DEMO_USERS:
        if establishment.finess in finess_list:
            user = (known or {}).get(username) or User.objects.filter(username=username).first()
            if user is not None:
                return user
    user, created = User.objects.get_or_create(
        username=f"drci-{establishment.finess}",
        defaults={"email": f"drci-{establishment.finess}@demo.sirano.fr", "last_name": "DRCI"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=Role.ESTABLISHMENT_MEMBER.value))
    EstablishmentMembership.objects.get_or_create(user=user, establishment=establishment)
    return user
