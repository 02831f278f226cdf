"""StreamField block that embeds one public indicator (chart, data table, downloads) in any page.

The data and chart come from `reports.indicators` (cached); download links point to the
indicators page's routes, so the block needs that page to exist and be live.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from reports import charts, indicators, regions_map
from reports.registry import public_indicators
from reports.snapshot import Filters

#: indicators also drawn as a map of France (`reports.regions_map`)
MAP_INDICATORS = {"awards_by_region"}


def indicator_section(key: str, *, as_of=None, base: str = "", note: str = "") -> dict:
    """What `indicator_section.html` renders for one public indicator on `as_of` (None: today):
    the table, the chart inlined at both sizes, the download links (which keep the date)."""

    filters = Filters(public_only=True)
    query = f"?au={as_of.isoformat()}" if as_of else ""
    funding_map = None
    if key in MAP_INDICATORS:
        table = indicators.table(key, as_of, filters=filters)
        funding_map = regions_map.build(indicators.get(key, as_of, filters=filters), table.as_of)
    return {
        "map": funding_map,
        "indicator": indicators.INDICATORS[key],
        "table": indicators.table(key, as_of, filters=filters),
        "svg": {
            size: charts.inline_svg(
                indicators.chart(key, "svg", as_of, filters=filters, size=size),
                css_class=f"sirano-chart sirano-chart--{size}",
            )
            for size in charts.SIZES
        },
        "note": note,
        "links": {fmt: f"{base}{key}/{fmt}/{query}" for fmt in ("svg", "png", "csv", "xlsx")} if base else {},
    }


def _choices() -> list[tuple[str, str]]:

    return [(ind.key, ind.title) for ind in public_indicators()]


class IndicatorChartBlock(blocks.StructBlock):
    indicator = blocks.ChoiceBlock(choices=_choices, label=_("indicateur"))
    note = blocks.RichTextBlock(
        label=_("note de méthode"), required=False, features=["bold", "italic", "link"]
    )

    class Meta:
        icon = "table"
        label = _("Indicateur (graphique et données)")
        template = "content/blocks/indicator_chart_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # By name: `content.models` imports these blocks, so they never import it back.
        page = apps.get_model("content", "IndicatorsPage").objects.live().first()
        context["section"] = indicator_section(
            value["indicator"], base=page.url if page else "", note=value.get("note") or ""
        )
        context["heading_level"] = 3
        return context
