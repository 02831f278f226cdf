"""Walks the agents' admin and the establishments' portal as each persona would (following the
links of every page reached), and fails on English UI words and on raw codes (transition or
state names) in the visible text (issue 16)."""

from __future__ import annotations

import datetime
import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlparse

import pytest
from django.utils import timezone

from reports.models import BackgroundJob
from tests.factories import ProjectFactory, UserFactory
from tests.workflows.builders import request_in_state
from workflows import services
from workflows.models import ImportRun, TrancheStatus
from workflows.roles import Role

S = TrancheStatus
#: English words a French interface must not show (whole words, case-sensitive).
ENGLISH = [
    "Username", "Password", "Choose", "Submit", "Search", "Save", "Delete", "Edit", "Cancel",
    "Filter", "Dashboard", "Settings", "Sign out", "Log out", "Welcome", "Hello", "Account",
    "Yes", "No", "None", "True", "False", "Next", "Previous", "Back", "Home", "Status",
    "Created", "Updated", "Upload", "Download", "Required", "Optional", "Close",
]  # fmt: skip
CODES = [
    "declare_milestone", "attach_evidence", "remove_evidence", "start_review", "request_changes",
    "record_payment", "add_to_delegation", "create_delegation", "mark_paid", "under_review",
    "changes_requested", "pi_last_name", "pi_first_name", "establishment_name", "selected_on",
]  # fmt: skip
WORDS = re.compile(r"(?<![\w/.-])(" + "|".join(map(re.escape, ENGLISH + CODES)) + r")(?![\w/.-])")
#: Never followed: they change something, download files or belong to other teams' CMS screens.
SKIP = re.compile(
    r"/(deconnexion|logout|documents/\d+|exporter|export|telecharger|download|retirer|soumettre|"
    r"confirmer|progression)/|/admin/(pages|images|documents|users|groups|sites|locales|workflows/"
    r"(?:tasks|list|edit|usage)|reports|settings|collections|redirects|forms|snippets/content|"
    r"searchpicks|jsi18n|sprite|account/(?!$))|\?(.*&)?(export|format)="
)
LIMIT = 120


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg|template)[^>]*>.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    # Labels people read in attributes, then the text between tags.
    said = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html))
    return unescape(" ".join((said + " " + re.sub(r"<[^>]+>", " ", html)).split()))


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        url = urldefrag(unescape(href))[0]
        parsed = urlparse(url)
        if parsed.netloc or not url.startswith(("/admin/", "/portail/")):
            continue
        found.append(url)
    return found


def walk(client, start: str, *, at_least: int = 6) -> dict[str, list[str]]:
    """{url: offending words} for every page reached from `start`."""
    seen, queue, problems = {start}, deque([start]), {}
    while queue and len(seen) <= LIMIT:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        bad = sorted(set(WORDS.findall(visible_text(html))))
        if bad:
            problems[url] = bad
        for link in links(html):
            if link not in seen and not SKIP.search(link):
                seen.add(link)
                queue.append(link)
    assert len(seen) >= at_least, seen
    return problems


@pytest.fixture
def demo_like(project_a, member_a, instructing_agent, budget_agent, establishment_a):
    walk_personas = {"member": member_a, "instructor": instructing_agent, "budget": budget_agent}
    for rank, state in enumerate([S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED], start=1):
        request_in_state(state, milestone=project_a.milestones.get(rank=rank), **walk_personas)
    other = ProjectFactory(establishment=establishment_a, acronym="OMEGA")
    validated = request_in_state(S.VALIDATED, milestone=other.milestones.get(rank=1), **walk_personas)
    services.issue_delegation(delegation=validated.delegation, actor=budget_agent)
    ImportRun.objects.create(file_name="projets.csv", dry_run=True, status=ImportRun.Status.DRY_RUN)
    # « Publications et rapports »: a report waiting, a release done, one that failed.
    now = timezone.now()
    for kind, status, extra in (
        (BackgroundJob.Kind.REPORT, BackgroundJob.Status.QUEUED, {"parameters": {"as_of": "2024-12-31"}}),
        (BackgroundJob.Kind.RELEASE, BackgroundJob.Status.DONE, {"result": {"release": "2024-12-31"}}),
        (BackgroundJob.Kind.RELEASE, BackgroundJob.Status.FAILED, {"error": "La publication a échoué."}),
    ):
        BackgroundJob.objects.create(
            kind=kind, status=status, actor=budget_agent, created_at=now, updated_at=now, **extra
        )
    member_a.first_name, member_a.last_name = "Alice", "Durand"
    member_a.save()
    return datetime.date.today()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("instructing_agent", "/admin/"),
        ("budget_agent", "/admin/"),
        ("member_a", "/portail/"),
        ("moderator", "/admin/"),
        # Menu items are drawn by Wagtail's sidebar script (not followed): start from these pages too.
        ("budget_agent", "/admin/publications/"),
    ],
)
def test_no_english_nor_code_on_reachable_pages(client, demo_like, persona, start, request, reference):
    user = (
        UserFactory(username="moderation", roles=[Role.MODERATOR])
        if persona == "moderator"
        else request.getfixturevalue(persona)
    )
    client.force_login(user)
    # The communication team works in Wagtail's page screens (not walked here): its home only.
    assert walk(client, start, at_least=2 if persona == "moderator" else 6) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/portail/connexion/", "/admin/login/", "/portail/mot-de-passe-oublie/"])
def test_sign_in_pages_in_french(client, url):
    text = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert WORDS.findall(text) == []
