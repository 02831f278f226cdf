"""A project's card (DSFR `fr-card`): the directory's rows, a project's « Projets proches », the
programme and story pages' lists. One writer, in Python, for all of them.

A card used to be a template included once per project: about 0.3 ms each, six milliseconds of
a 20-row directory page and a project page's four neighbours. Here the card is written with
`format_html` (every value escaped) from a `Card`, made from a project instance
(`card_queryset`, `directory_queryset`) or from a `values()` row named by the catalogue kept per
data version (`web.catalogue_names`), which reads no joined table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from formatting import format_euros
from web import path_pattern
from web.catalogue_names import catalogue_names
from workflows.models import Region

#: the columns of a card read as a `values()` row (`cards_of_rows`)
CARD_COLUMNS = (
    "pk",
    "public_id",
    "acronym",
    "title",
    "award_amount",
    "call_id",
    "discipline_id",
    "establishment_id",
)
#: words of the title a card shows
TITLE_WORDS = 30
_REGIONS = dict(Region.choices)


@dataclass(frozen=True)
class Card:
    pk: int
    public_id: str
    acronym: str
    title: str
    call: str
    year: int
    discipline: str
    establishment: str
    region: str
    award_amount: Decimal


def card_of(project) -> Card:
    """The card of a project instance with its call, discipline and establishment."""
    discipline = project.discipline
    establishment = project.establishment
    return Card(
        pk=project.pk,
        public_id=project.public_id,
        acronym=project.acronym,
        title=project.title,
        call=project.call.code,
        year=project.call.year,
        discipline=discipline.label if discipline else "",
        establishment=establishment.name,
        region=str(_REGIONS.get(establishment.region, establishment.region)),
        award_amount=project.award_amount,
    )


def cards_of_rows(rows: list[dict]) -> list[Card]:
    """The cards of `values(*CARD_COLUMNS)` rows, named from the catalogue."""
    names = catalogue_names(rows)
    cards = []
    for row in rows:
        call = names.calls[row["call_id"]]
        establishment = names.establishments[row["establishment_id"]]
        discipline = names.disciplines.get(row["discipline_id"])
        cards.append(
            Card(
                pk=row["pk"],
                public_id=row["public_id"],
                acronym=row["acronym"],
                title=row["title"],
                call=call.code,
                year=call.year,
                discipline=discipline.label if discipline else "",
                establishment=establishment.name,
                region=str(_REGIONS.get(establishment.region, establishment.region)),
                award_amount=row["award_amount"],
            )
        )
    return cards


class _Addresses:
    """Project page addresses: one `reverse` per list, not per card."""

    def __init__(self) -> None:
        self.pattern = reverse("projects:detail", args=[path_pattern.ARGUMENT])

    def of(self, public_id: str) -> str:
        return path_pattern.fill(self.pattern, public_id)


def card_html(card: Card, addresses: _Addresses | None = None) -> SafeString:
    address = (addresses or _Addresses()).of(card.public_id)
    discipline = (
        format_html('<li><p class="fr-tag fr-tag--sm">{}</p></li>', card.discipline)
        if card.discipline
        else ""
    )
    return format_html(
        '<div class="fr-card fr-enlarge-link fr-card--sm">\n'
        '  <div class="fr-card__body">\n'
        '    <div class="fr-card__content">\n'
        '      <h3 class="fr-card__title"><a href="{}">{}</a></h3>\n'
        '      <p class="fr-card__desc">{}</p>\n'
        '      <div class="fr-card__start">\n'
        '        <ul class="fr-tags-group">\n'
        '          <li><p class="fr-tag fr-tag--sm">{} {}</p></li>\n'
        "          {}\n"
        "        </ul>\n"
        "      </div>\n"
        '      <div class="fr-card__end">\n'
        '        <p class="fr-card__detail">{} · {} · {}</p>\n'
        "      </div>\n"
        "    </div>\n"
        "  </div>\n"
        "</div>",
        address,
        card.acronym,
        Truncator(card.title).words(TITLE_WORDS, truncate=" …"),
        card.call,
        card.year,
        discipline,
        card.establishment,
        card.region,
        format_euros(card.award_amount),
    )


def cards_html(cards: list[Card]) -> list[SafeString]:
    addresses = _Addresses()
    return [card_html(card, addresses) for card in cards]
