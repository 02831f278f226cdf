"""The open-data release as a background job of `reports.jobs`: how it is written, named and shown,
handed to the jobs from `OpendataConfig.ready` so that the jobs and the admin's « Publications et
rapports » screens never import the open-data face; and the open-data addresses the layers below
link to (`workflows.links`)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from opendata import releases
from reports import jobs
from workflows import links


def publish(*, today: datetime.date | None, progress) -> tuple[str, int]:
    release = releases.publish_release(today=today, progress=progress)
    return release.name, len(release.files)


def page_url(name: str) -> str:
    return (
        reverse("opendata:release", kwargs={"release": name}) if name and releases.release_name(name) else ""
    )


def register() -> None:
    links.register("opendata_index", lambda: reverse("opendata:index"))
    links.register("api_docs", lambda: reverse("api:docs"))
    jobs.register_releases(
        jobs.ReleasePublisher(
            file_count=len(releases.RELEASE_FILES),
            publish=publish,
            latest_name=releases.latest_name,
            next_name=releases.next_release_name,
            page_url=page_url,
        )
    )
