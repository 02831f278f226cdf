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
