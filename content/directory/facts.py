"""A project page's « Fiche du projet »: each fact's label and its HTML, written in Python.

The template wrote them through a chain of `{% if name == … %}` per field, some fifteen facts
a page: a millisecond of every project page rendered (a fifth of its template time). Here each
field has its writer; every value is escaped (`format_html`), the wording is the template's.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from formatting import format_date, format_euros

#: fields shown in the facts list, in the page's order (title, summary… have their own place)
FACT_FIELDS = (
    "programme",
    "call",
    "year",
    "discipline",
    "discipline_raw",
    "establishment",
    "investigator",
    "award_amount",
    "amount_delegated",
    "tranche_number",
    "registrations",
    "status",
    "selected_on",
    "results_url",
    "results_posted_on",
)

_DASH = "—"


def _establishment_link(finess: str) -> str:
    return f"{reverse('projects:list')}?{urlencode({'etablissement': finess})}"


def _programme(item: dict, shown: dict, programme_page_url: str | None) -> SafeString:
    programme = item["value"]
    if programme_page_url:
        return format_html('<a href="{}">{}</a> ({})', programme_page_url, programme.name, programme.code)
    return format_html("{} ({})", programme.name, programme.code)


def _establishment(item: dict, shown: dict, _url) -> SafeString:
    finess = shown["establishment_finess"]["value"]
    return format_html('<a href="{}">{}</a>', _establishment_link(finess), item["value"])


def _tranche_number(item: dict, _shown, _url) -> SafeString:
    if item["value"]:
        return format_html("{}", gettext("tranche %(n)s") % {"n": item["value"]})
    return format_html("{}", gettext("aucune tranche"))


def _selected_on(item: dict, _shown, _url) -> SafeString:
    return format_html("{}", format_date(item["value"]) if item["value"] else item.get("year", ""))


def _results_url(item: dict, _shown, _url) -> SafeString:
    if not item["value"]:
        return format_html("{}", _DASH)
    return format_html(
        '<a href="{}" target="_blank" rel="noopener" title="{}">{}</a>',
        item["value"],
        gettext("Résultats de l’étude – nouvelle fenêtre"),
        gettext("Consulter les résultats"),
    )


def _registrations(item: dict, _shown, _url) -> SafeString:
    if not item["value"]:
        return format_html("{}", gettext("non renseigné"))
    entries = format_html_join(
        "",
        '<li><a href="{}" target="_blank" rel="noopener" title="{}">{}</a> ({})</li>',
        (
            (
                registration.url,
                gettext("%(id)s sur %(registry)s – nouvelle fenêtre")
                % {"id": registration.identifier, "registry": registration.get_registry_display()},
                registration.identifier,
                registration.get_registry_display(),
            )
            for registration in item["value"]
        ),
    )
    return format_html('<ul class="sirano-plain-list">{}</ul>', entries)


def _euros(item: dict, _shown, _url) -> SafeString:
    return format_html("{}", format_euros(item["value"]))


_WRITERS: dict[str, Callable[[dict, dict, str | None], SafeString]] = {
    "programme": _programme,
    "establishment": _establishment,
    "award_amount": _euros,
    "amount_delegated": _euros,
    "tranche_number": _tranche_number,
    "selected_on": _selected_on,
    "results_url": _results_url,
    "results_posted_on": lambda item, _shown, _url: format_html("{}", format_date(item["value"]) or _DASH),
    "registrations": _registrations,
}


def _plain(item: dict, _shown, _url) -> SafeString:
    return format_html("{}", item["value"] or _DASH)


def project_facts(shown: dict[str, dict], programme_page_url: str | None) -> list[dict]:
    """`[{"name", "label", "html"}]`: the facts `shown` (`presenters.project_values`, the tier's
    fields) holds, in the order of `shown`."""
    return [
        {
            "name": name,
            "label": item["label"],
            "html": _WRITERS.get(name, _plain)(item, shown, programme_page_url),
        }
        for name, item in shown.items()
        if name in FACT_FIELDS
    ]
