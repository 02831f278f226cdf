"""The directory's sort applies when chosen, without a « Trier » click, under the production CSP
(no inline script); without JavaScript the « Trier » button still sorts. The search text is shown
but is not counted as a filter (issue 27, item 10)."""

from __future__ import annotations

import pytest

from tests.e2e.test_public_site import public_site  # noqa: F401 — the shared portfolio fixture


def _context(browser, live_server, **options):
    # No `bypass_csp`: the script must run under the CSP the site sends.
    return browser.new_context(base_url=live_server.url, locale="fr-FR", **options)


@pytest.mark.django_db(transaction=True)
def test_sort_applies_on_change_and_search_is_not_a_filter(browser, live_server, public_site):  # noqa: F811
    context = _context(browser, live_server)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/projets/?q=cardiologie")
    assert "filtre actif" not in page.locator("#directory-filters-button").inner_text()
    assert not page.get_by_role("button", name="Trier", exact=True).is_visible()
    page.select_option("#f-tri", "-montant")
    page.wait_for_url("**tri=-montant**")
    assert "q=cardiologie" in page.url
    assert (
        page.locator(".sirano-result-list .fr-card__title").first.inner_text().strip().startswith("TELECARD")
    )
    page.goto("/projets/?q=cardiologie&programme=PHRCN")
    assert "(1 filtre actif)" in page.locator("#directory-filters-button").inner_text()
    assert [e for e in errors if "Content Security Policy" in e] == []
    context.close()

    without_js = _context(browser, live_server, java_script_enabled=False)
    page = without_js.new_page()
    page.goto("/projets/?q=cardiologie")
    page.select_option("#f-tri", "-montant")
    page.get_by_role("button", name="Trier", exact=True).click()
    page.wait_for_url("**tri=-montant**")
    without_js.close()
