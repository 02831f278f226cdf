"""StreamField block that embeds one public indicator (chart, data table, downloads) in any page.

The data and chart come from `reports.indicators` (cached); download links point to the
indicators page's routes, so the block needs that page to exist and be live.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


def _choices() -> list[tuple[str, str]]:
    from reports.registry import public_indicators

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
        from content.models import IndicatorsPage
        from reports import indicators
        from reports.snapshot import Filters

        context = super().get_context(value, parent_context=parent_context)
        key = value["indicator"]
        page = IndicatorsPage.objects.live().first()
        base = page.url if page else ""
        context["section"] = {
            "indicator": indicators.INDICATORS[key],
            "table": indicators.table(key, filters=Filters(public_only=True)),
            "note": value.get("note") or "",
            "links": {fmt: f"{base}{key}/{fmt}/" for fmt in ("svg", "png", "csv", "xlsx")} if page else {},
        }
        context["heading_level"] = 3
        return context
