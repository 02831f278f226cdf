"""Issue 25 §4: Wagtail's own admin exports (site history, aging pages, redirects) write a title
an editor typed as text, never as a live formula, in CSV and XLSX alike."""

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from tests.factories import UserFactory
from tests.security.test_formula_injection import EVIL, assert_csv_safe, assert_xlsx_safe

pytestmark = pytest.mark.django_db

EXPORTS = ["/admin/reports/site-history/", "/admin/reports/aging-pages/", "/admin/redirects/"]


@pytest.fixture
def superuser(reference):
    """Sees every report and redirect (the site's own roles split these between people)."""
    return UserFactory(username="racine", is_superuser=True, is_staff=True)


@pytest.fixture
def evil_page(superuser):
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title=EVIL, slug="page-piegee"))
    page.save_revision(user=superuser, log_action=True).publish(user=superuser)
    Redirect.objects.create(old_path="/ancienne-page", redirect_link=EVIL)
    return page


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("url", EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_wagtail_exports_are_formula_safe(client, superuser, evil_page, url, fmt):
    client.force_login(superuser)
    response = client.get(f"{url}?export={fmt}")
    assert response.status_code == 200, url
    content = body(response)
    if fmt == "csv":
        assert_csv_safe(content.decode("utf-8"), ",")
    else:
        assert_xlsx_safe(content)
