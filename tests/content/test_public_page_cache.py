"""Anonymous directory and project pages: rendered once per data version, revalidated by ETag,
never shared with a signed-in visitor (`content.directory.page_cache`)."""

from __future__ import annotations

import pytest
from django.conf import settings

from demo.site import ensure_home
from tests.factories import ProjectFactory, UserFactory
from web import page_store
from workflows import catalogue_services
from workflows.data_version import data_version
from workflows.models import Investigator, Project, Visibility
from workflows.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(project_a, project_b):
    return ["/projets/", "/projets/?programme=PHRCN&annee=2016", f"/projets/{project_a.public_id}/"]


def test_a_second_anonymous_visit_is_not_rendered_again(client, urls, django_assert_max_num_queries):
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200
        assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
        assert "Cookie" in first["Vary"]
        with django_assert_max_num_queries(2):  # at most the data version and the entry
            second = client.get(url)
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]


def test_a_warm_page_costs_one_query_with_the_database_cache(
    client, urls, database_cache, django_assert_max_num_queries
):
    """Production's shared cache: the data version is read, the page comes from the worker's memory."""
    for url in urls:
        first = client.get(url)
        with django_assert_max_num_queries(1):
            second = client.get(url)
        assert second.content == first.content and second["ETag"] == first["ETag"]
        page_store.clear_local_copies()  # another worker: the shared copy, one more read
        with django_assert_max_num_queries(2):
            assert client.get(url).content == first.content


def test_if_none_match_is_answered_304(client, urls):
    for url in urls:
        etag = client.get(url)["ETag"]
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert revalidated.status_code == 304 and revalidated["ETag"] == etag
        assert not revalidated.content
        assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_on_the_next_visit(client, project_a, reference):
    """A real write, committed: an investigator corrected through the audited service (a plain
    save of a model `reports.signals` did not watch used to leave the old name for good)."""
    url = f"/projets/{project_a.public_id}/"
    before = client.get(url)
    assert client.get(url)["ETag"] == before["ETag"]
    administrator = UserFactory(username="administratrice", roles=[Role.ADMINISTRATOR], is_staff=True)
    catalogue_services.save_record(
        actor=administrator,
        model=Investigator,
        instance=project_a.investigator,
        values={"last_name": "NOMCORRIGÉ"},
    )
    after = client.get(url)
    assert "NOMCORRIGÉ" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_editorial_publish_shows_on_the_next_visit(client, project_a, reference):
    """Publishing the directory's Wagtail page moves the content version in the pages' keys."""
    from content.models import DirectoryPage

    home = ensure_home()
    directory = home.add_child(instance=DirectoryPage(title="Projets financés", slug="projets"))
    directory.save_revision().publish()
    before = client.get("/projets/")
    assert client.get("/projets/")["ETag"] == before["ETag"]
    directory.title = "Annuaire des projets révisé"
    directory.save_revision().publish()
    after = client.get("/projets/")
    assert "Annuaire des projets révisé" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_junk_parameters_add_no_entry(client, project_a):
    """A crawler's parameters are dropped and the others sorted before a page is stored."""
    page_store.clear_local_copies()
    canonical = client.get("/projets/?annee=2016&programme=PHRCN")
    for junk in ("/projets/?programme=PHRCN&annee=2016", "/projets/?annee=2016&programme=PHRCN&utm=1"):
        assert client.get(junk)["ETag"] == canonical["ETag"]
    for n in range(5):
        client.get(f"/projets/?x{n}={n}")
        client.get(f"/projets/{project_a.public_id}/?x{n}={n}")
    assert len(page_store._local.entries) == 3  # the filtered page, the directory, the project page
    assert "utm" not in client.get("/projets/?utm=1&page=1").content.decode()


def test_crawled_pages_do_not_evict_figures(client, project_a):
    """Pages live in their own alias: however many pages a crawler stores, the figures stay."""
    from django.core.cache import caches

    from reports.cache import ALIAS, cached, make_key

    cached("test-figure", ("all",), lambda: 42)
    limit = caches["pages"]._max_entries
    for n in range(limit + 10):
        client.get(f"/projets/?q=mot{n}")
    assert caches[ALIAS].get(make_key("test-figure", "all")) == 42


def test_a_404_is_not_cached(client, reference):
    """A 404 answered under a data version must not be served once the project is public, even
    before the version moves (the test's writes are not committed: the version stays)."""
    project = ProjectFactory(visibility=Visibility.INTERNAL)
    url = f"/projets/{project.public_id}/"
    assert client.get(url).status_code == 404
    version = data_version()
    Project.objects.filter(pk=project.pk).update(visibility=Visibility.PUBLIC)
    assert data_version() == version
    assert client.get(url).status_code == 200


def test_signed_in_visitors_get_their_own_private_page(client, urls, member_a):
    anonymous = client.get(urls[2])
    client.force_login(member_a)
    signed_in = client.get(urls[2])
    assert "private" in signed_in["Cache-Control"] and "ETag" not in signed_in
    assert signed_in.content != anonymous.content  # the header names the member
    client.logout()
    # a session cookie left in the browser bypasses the cache too
    client.cookies[settings.SESSION_COOKIE_NAME] = "stale"
    assert "private" in client.get(urls[2])["Cache-Control"]
