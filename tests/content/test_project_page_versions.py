"""A write invalidates only what it changes: a project's page moves with its own rows, its
neighbours and the catalogue, never with another project's write (`workflows.data_version`'s
project versions, `web.page_store.address_key`). Lists and facets still move with every write.

Transactional tests: the versions move once the write commits, as in production.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProjectFactory, UserFactory
from web import page_store
from workflows import catalogue_services, data_version, portfolio_services, services
from workflows.models import Discipline, Investigator, Project
from workflows.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def administrator(reference):
    return UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.fixture
def elsewhere(reference):
    """A project of another discipline: not a neighbour of project A."""
    return ProjectFactory(acronym="GAMMA", discipline=Discipline.objects.order_by("pk").first())


def url(project) -> str:
    return f"/projets/{project.public_id}/"


def served_from_store(client, project) -> tuple[bool, bytes]:
    """Whether the page comes from the store (no database query at all with the tests' local
    cache: rendering one reads the project), and its body."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(project))
    assert response.status_code == 200
    return len(queries) == 0, response.content


def test_a_write_to_one_project_leaves_the_other_projects_pages_stored(
    client, project_a, project_b, elsewhere, administrator
):
    for project in (project_a, project_b, elsewhere):
        client.get(url(project))
        assert served_from_store(client, project)[0]
    directory_before = client.get("/projets/")["ETag"]
    portfolio_services.update_project(
        actor=administrator, project=project_a, values={"title": "Titre corrigé"}
    )

    stored, body = served_from_store(client, elsewhere)
    assert stored, "another discipline's project page was rendered again after a write to project A"
    assert b"Titre corrig" not in body
    fresh, body = served_from_store(client, project_a)
    assert not fresh and "Titre corrigé" in body.decode()  # its own write: never stale
    fresh, body = served_from_store(client, project_b)
    assert not fresh and "Titre corrigé" in body.decode()  # A is among B's "projets proches"
    assert client.get("/projets/")["ETag"] != directory_before  # lists move with the portfolio


def test_a_tranche_transition_moves_only_its_project(
    client, project_a, elsewhere, member_a, instructing_agent, budget_agent
):
    from tests.tranche_support import advance_tranche

    for project in (project_a, elsewhere):
        client.get(url(project))
    before = client.get(url(project_a)).content
    advance_tranche(
        project_a.milestones.get(rank=1),
        until="delegated",
        member=member_a,
        agent=instructing_agent,
        budget=budget_agent,
    )
    assert served_from_store(client, elsewhere)[0]
    fresh, body = served_from_store(client, project_a)
    assert not fresh and body != before  # the timeline and the delegated amount moved


def test_a_discipline_change_moves_the_old_and_the_new_neighbours(
    client, project_a, project_b, elsewhere, administrator
):
    for project in (project_a, project_b, elsewhere):
        client.get(url(project))
    portfolio_services.update_project(
        actor=administrator, project=project_a, values={"discipline": elsewhere.discipline}
    )
    fresh, body = served_from_store(client, project_b)
    assert not fresh and "ALPHA" not in body.decode()  # left B's neighbours
    fresh, body = served_from_store(client, elsewhere)
    assert not fresh and "ALPHA" in body.decode()  # joined GAMMA's


def test_a_catalogue_write_moves_every_project_page(client, project_a, elsewhere, administrator):
    for project in (project_a, elsewhere):
        client.get(url(project))
    catalogue_services.save_record(
        actor=administrator,
        model=Investigator,
        instance=elsewhere.investigator,
        values={"last_name": "NOMCORRIGÉ"},
    )
    assert not served_from_store(client, project_a)[0]
    fresh, body = served_from_store(client, elsewhere)
    assert not fresh and "NOMCORRIGÉ" in body.decode()


def test_a_project_row_written_without_a_declared_scope_moves_every_project_page(
    client, project_a, elsewhere
):
    """The safe default: a write the domain cannot attribute (here a bare `.update()`)."""
    for project in (project_a, elsewhere):
        client.get(url(project))
    Project.objects.filter(pk=project_a.pk).update(acronym="ALPHABIS")
    assert not served_from_store(client, elsewhere)[0]
    fresh, body = served_from_store(client, project_a)
    assert not fresh and "ALPHABIS" in body.decode()


def test_a_write_outside_the_declared_projects_moves_every_project_page(client, project_a, elsewhere):
    """A declared scope covers its projects' own rows only: a catalogue row written inside it
    still moves every page."""
    for project in (project_a, elsewhere):
        client.get(url(project))
    with data_version.writes_to_projects(project_a.pk):
        Investigator.objects.filter(pk=elsewhere.investigator_id).update(last_name="AUTRENOM")
    fresh, body = served_from_store(client, elsewhere)
    assert not fresh and "AUTRENOM" in body.decode()


def test_a_write_rolled_back_moves_nothing(client, project_a, elsewhere, member_a):
    client.get(url(elsewhere))
    client.get(url(project_a))
    milestone = project_a.milestones.get(rank=1)
    with pytest.raises(PermissionDenied):  # refused inside the transaction: rolled back
        services.declare_milestone(
            milestone=milestone, actor=UserFactory(username="inconnu"), reached_on=milestone.planned_date
        )
    assert served_from_store(client, project_a)[0]
    assert served_from_store(client, elsewhere)[0]


def test_the_tables_said_unshown_are_not_read_by_a_project_page(client, project_a, project_b):
    """`UNSHOWN_ON_PROJECT_PAGES` lets their writes leave project pages stored: the page must not
    read them."""
    page_store.clear_local_copies()
    data_version.bump_data_version()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(project_a)).status_code == 200
    read = {
        table.lower()
        for query in queries.captured_queries
        for table in re.findall(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', query["sql"], re.IGNORECASE)
    }
    assert read & data_version.unshown_tables() == set()
    assert data_version.project_tables() & read  # the parsing sees the tables it does read


def test_a_site_identity_change_reaches_every_stored_page(client, project_a, elsewhere):
    """The footer and the title carry the site identity (a Wagtail setting, not a page): saving
    it moves the content version, so no stored page keeps the old words."""
    from wagtail.models import Locale, Page, Site

    from content.models import SiteIdentity

    Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(title="Racine", slug="root")
    site = Site.objects.create(hostname="testserver", root_page=root, is_default_site=True)
    for address in (url(project_a), url(elsewhere), "/projets/"):
        client.get(address)
    identity = SiteIdentity.for_site(site)  # created on the first page: not a change
    for address in (url(project_a), url(elsewhere)):
        assert served_from_store(client, Project.objects.get(public_id=address.split("/")[2]))[0]
    identity.footer_description = "Pied de page revu par la communication"
    identity.save()
    for address in (url(project_a), url(elsewhere), "/projets/"):
        assert "Pied de page revu par la communication" in client.get(address).content.decode(), address


def test_a_project_page_outlives_the_list_pages_lifetime(client, project_a, monkeypatch):
    """A project page is checked against its own versions on every hit, so it stays stored while
    nothing it shows changes (the bench at 40,000 projects saw every page rendered again after five
    minutes); a directory page, keyed by the whole portfolio's version, still ages out."""
    import time

    from content.directory import page_cache

    client.get(url(project_a))
    client.get("/projets/")
    later = time.time() + page_cache.MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert served_from_store(client, project_a)[0]
    with CaptureQueriesContext(connection) as queries:
        client.get("/projets/")
    assert len(queries) > 0


def _neighbour_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].endswith("LIMIT 5")]


def test_a_group_s_neighbours_are_read_once_per_version_of_the_group(
    client, project_a, project_b, elsewhere, administrator
):
    """A and B share discipline and programme: B's page reuses the group A's page read, until a
    write to the group moves its version; the neighbours shown are then the new ones."""
    with CaptureQueriesContext(connection) as queries:
        client.get(url(project_a))
    assert len(_neighbour_reads(queries)) == 1
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url(project_b)).content.decode()
    cards = re.findall(r'class="fr-card__title"><a href="[^"]+">([^<]+)</a>', body)
    assert _neighbour_reads(queries) == [] and "ALPHA" in cards and "BETA" not in cards
    portfolio_services.update_project(actor=administrator, project=project_b, values={"acronym": "BETA2"})
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url(project_a)).content.decode()
    cards = re.findall(r'class="fr-card__title"><a href="[^"]+">([^<]+)</a>', body)
    assert len(_neighbour_reads(queries)) == 1 and cards == ["BETA2"]


def test_a_project_page_reads_each_of_its_versions_once(client, project_a, project_b, monkeypatch):
    """Checking the stored copy, rendering again and telling the neighbours: one read of the
    project versions' alias, not one per step (each was a round trip to the shared cache)."""
    from django.core.cache import caches

    client.get(url(project_a))
    data_version.bump_data_version()
    store = caches[data_version.PROJECT_VERSIONS_ALIAS]
    reads = []
    get_many = store.get_many
    monkeypatch.setattr(
        store, "get_many", lambda keys, *a, **k: reads.append(list(keys)) or get_many(keys, *a, **k)
    )

    fresh, _body = served_from_store(client, project_a)

    assert not fresh
    assert len(reads) == 1, reads
    assert data_version.neighbours_key(project_a.discipline_id, project_a.call.programme_id) in reads[0]
    assert served_from_store(client, project_a)[0]  # stored under the versions read once


def test_a_project_page_reads_the_data_and_content_versions_in_one_round_trip(
    client, project_a, elsewhere, monkeypatch
):
    """The names it shows need the data version, its shell the content version: one read of the
    default cache for both (`data_version.read_together`), not one each."""
    from django.core.cache import cache

    client.get(url(project_a))
    data_version.bump_data_version()
    page_store.bump_content_version()
    reads, inside = [], []
    get, get_many = cache.get, cache.get_many

    def counted_get(key, *args, **kwargs):
        if not inside:  # the local cache's get_many calls get for each key
            reads.append([key])
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)

    fresh, _body = served_from_store(client, elsewhere)  # its neighbours' names need the data version

    assert not fresh
    assert len(reads) == 1, reads
    assert set(reads[0]) == {data_version.VERSION_KEY, page_store.CONTENT_VERSION_KEY}
