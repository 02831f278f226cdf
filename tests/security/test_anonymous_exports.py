"""Issue 13 §5: the large anonymous exports are built once per data version, streamed from a
file, and limited per client with a French 429."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import ProjectFactory
from web import export_files

pytestmark = pytest.mark.django_db

EXPORTS = ["/donnees/sirano.csv", "/projets/resultats.csv", "/projets/resultats.csv?annee=2016"]


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    cache.clear()
    yield
    cache.clear()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# Committed writes: the data version moves on commit (workflows.data_version), never inside a
# test's rolled-back transaction.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", EXPORTS)
def test_the_export_is_not_rebuilt_per_request(
    client, project_a, project_b, url, django_assert_max_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    content = body(first)
    with django_assert_max_num_queries(0):
        again = client.get(url)
        assert body(again) == content
    # A change to the portfolio is in the next download.
    ProjectFactory(establishment=project_a.establishment, acronym="NOUVEAU")
    assert b"NOUVEAU" not in content
    assert b"NOUVEAU" in body(client.get(url))


def test_parallel_requests_build_once(client, project_a, monkeypatch):
    builds = []
    original = export_files.cached_file

    def counting(name, parts, build):
        def counted():
            builds.append(name)
            return build()

        return original(name, parts, counted)

    monkeypatch.setattr(export_files, "cached_file", counting)
    for _ in range(5):
        assert client.get("/donnees/sirano.csv").status_code == 200
    assert builds == ["sirano.csv"]


@pytest.mark.parametrize("url", EXPORTS[:2])
@override_settings(EXPORT_RATE_PER_MINUTE=3)
def test_a_burst_is_throttled_per_client(client, project_a, url):
    statuses = [client.get(url, REMOTE_ADDR="192.0.2.7").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get(url, REMOTE_ADDR="192.0.2.7")
    assert refused["Retry-After"] == "60"
    assert "Trop de téléchargements" in refused.content.decode()
    # Another client still downloads; the directory page itself is not limited.
    assert client.get(url, REMOTE_ADDR="192.0.2.8").status_code == 200
    assert client.get("/projets/", REMOTE_ADDR="192.0.2.7").status_code == 200


@override_settings(EXPORT_RATE_PER_MINUTE=0)
def test_zero_means_no_export_limit(client, project_a):
    statuses = {client.get("/donnees/sirano.csv", REMOTE_ADDR="192.0.2.9").status_code for _ in range(12)}
    assert statuses == {200}


def test_sirano_csv_revalidates_with_etag_and_last_modified(client, project_a):
    first = client.get("/donnees/sirano.csv")
    body = b"".join(first.streaming_content)
    assert first["ETag"] and first["Last-Modified"] and body.startswith(b"appel_a_projets;")
    by_etag = client.get("/donnees/sirano.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag["ETag"] == first["ETag"]
    by_date = client.get("/donnees/sirano.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304
    assert client.get("/donnees/sirano.csv", HTTP_IF_NONE_MATCH='"ancienne"').status_code == 200


# Several workers share one host's export directory. A worker that has seen a newer data version
# removes older versions' directories; a worker still on the older version must not fail (CI run
# of stop 30: FileNotFoundError on os.replace, a 500 on /projets/resultats.csv).
def _prune_as_a_newer_version():
    export_files._prune(export_files.exports_root(), keep="v-newer")


@pytest.mark.parametrize("url", EXPORTS[:2])
def test_an_export_pruned_while_it_is_built_still_downloads(client, project_a, monkeypatch, url):
    original = export_files.cached_file

    def pruned_mid_build(name, parts, build):
        def building():
            yield from build()
            _prune_as_a_newer_version()

        return original(name, parts, building)

    monkeypatch.setattr(export_files, "cached_file", pruned_mid_build)
    response = client.get(url)
    assert response.status_code == 200
    assert project_a.acronym.encode() in body(response)


@pytest.mark.parametrize("url", EXPORTS[:2])
def test_an_export_pruned_after_it_was_found_still_downloads(client, project_a, monkeypatch, url):
    expected = body(client.get(url))
    original = export_files.cached_file

    def pruned_after(name, parts, build):
        found = original(name, parts, build)
        _prune_as_a_newer_version()
        return found

    monkeypatch.setattr(export_files, "cached_file", pruned_after)
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == expected
