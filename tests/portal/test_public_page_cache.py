"""Anonymous directory and project pages: rendered once per data version, revalidated by ETag,
never shared with a signed-in visitor (`content.directory.page_cache`)."""

from __future__ import annotations

import pytest
from django.conf import settings

from web import page_store
from workflows.data_version import bump_data_version

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


def test_a_committed_write_shows_on_the_next_visit(client, project_a):
    url = f"/projets/{project_a.public_id}/"
    before = client.get(url)
    project_a.title = "Titre révisé après publication"
    project_a.save()
    bump_data_version()  # what the save's transaction does on commit
    after = client.get(url)
    assert "Titre révisé après publication" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


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


def test_a_404_is_not_cached(client, urls):
    assert client.get("/projets/INCONNU-2016-9999/").status_code == 404
    assert client.get("/projets/INCONNU-2016-9999/").status_code == 404
