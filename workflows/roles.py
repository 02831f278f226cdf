"""Roles are Django groups with permissions, created or refreshed after every migrate."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ESTABLISHMENT_MEMBER = "Établissement", _("Membre d'établissement (DRCI)")
    INSTRUCTING_AGENT = "Instructeur DGOS", _("Agent instructeur DGOS")
    BUDGET_AGENT = "Agent budgétaire DGOS", _("Agent budgétaire DGOS")
    ADMINISTRATOR = "Administrateur DGOS", _("Administrateur DGOS")
    EDITOR = "Rédaction", _("Équipe de communication (rédaction)")
    MODERATOR = "Modération", _("Équipe de communication (modération)")
    EXPERT = "Expert", _("Expert (acteur de la recherche)")


_VIEW = ["view"]
_ALL = ["add", "change", "delete", "view"]

#: role -> list of (app_label, model, actions or custom codenames)
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, list[str]]]] = {
    Role.ESTABLISHMENT_MEMBER: [],
    Role.INSTRUCTING_AGENT: [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("workflows", "trancherequest", ["view", "review_trancherequest"]),
        ("workflows", "project", _VIEW),
        ("workflows", "projectmilestone", ["view", "change", "allow_out_of_order_milestone"]),
        ("workflows", "establishment", _VIEW),
        ("workflows", "investigator", _VIEW),
        ("workflows", "programme", _VIEW),
        ("workflows", "call", _VIEW),
        ("workflows", "fundingschedule", _VIEW),
        ("workflows", "evidencetype", _VIEW),
        ("workflows", "discipline", _VIEW),
        ("workflows", "trialregistration", _VIEW),
        ("workflows", "importrun", ["view", "add"]),
        ("workflows", "documentimportrun", ["view", "add"]),
        ("workflows", "legacydocument", ["view", "change"]),
        ("workflows", "auditevent", _VIEW),
        ("workflows", "delegation", _VIEW),
    ],
    Role.BUDGET_AGENT: [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("workflows", "trancherequest", ["view", "delegate_trancherequest"]),
        ("workflows", "delegation", _ALL),
        ("workflows", "project", _VIEW),
        ("workflows", "establishment", _VIEW),
        ("workflows", "programme", _VIEW),
        ("workflows", "call", _VIEW),
        ("workflows", "fundingschedule", _VIEW),
        ("workflows", "auditevent", _VIEW),
    ],
    Role.ADMINISTRATOR: [
        ("wagtailadmin", "admin", ["access_admin"]),
        ("workflows", "programme", _ALL),
        ("workflows", "call", _ALL),
        ("workflows", "fundingschedule", _ALL),
        ("workflows", "evidencetype", _ALL),
        ("workflows", "establishment", _ALL),
        ("workflows", "establishmentmembership", _ALL),
        ("workflows", "project", [*_ALL, "decide_project_status"]),
        ("workflows", "projectmilestone", ["view", "allow_out_of_order_milestone"]),
        ("workflows", "investigator", _ALL),
        ("workflows", "discipline", _ALL),
        ("workflows", "trialregistration", _ALL),
        ("workflows", "importrun", ["view", "add"]),
        ("workflows", "documentimportrun", ["view", "add"]),
        ("workflows", "legacydocument", ["view", "change"]),
        ("workflows", "auditevent", _VIEW),
        ("workflows", "trancherequest", ["view"]),
        ("workflows", "delegation", _VIEW),
        ("auth", "user", _ALL),
        ("auth", "group", _VIEW),
    ],
    Role.EDITOR: [("wagtailadmin", "admin", ["access_admin"])],
    Role.MODERATOR: [("wagtailadmin", "admin", ["access_admin"])],
    Role.EXPERT: [],
}

DGOS_ROLES = (Role.INSTRUCTING_AGENT, Role.BUDGET_AGENT, Role.ADMINISTRATOR)


def sync_role_groups(sender=None, apps=None, using="default", **kwargs) -> None:
    """Create each role's group and grant its baseline permissions (idempotent)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.models import Group, Permission

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for role, entries in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        wanted = []
        for app_label, model, actions in entries:
            for action in actions:
                codename = action if "_" in action else f"{action}_{model}"
                perm = (
                    Permission.objects.using(using)
                    .filter(content_type__app_label=app_label, codename=codename)
                    .first()
                )
                if perm is not None:
                    wanted.append(perm)
        group.permissions.add(*wanted)


def user_has_role(user, role: Role) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names
    return role.value in names


def is_dgos_agent(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(user_has_role(user, role) for role in DGOS_ROLES)
