"""Template filters of the one French formatter, for every face: `{% load french %}`."""

from __future__ import annotations

from django import template
from django.utils import timezone

from formatting import format_date, format_datetime, format_euros, format_number

register = template.Library()


@register.filter
def euros(value, places=0):
    """`{{ amount|euros }}` → '1 234 567 €'; `{{ amount|euros:2 }}` → '1 234 567,00 €'."""
    return format_euros(value, places=int(places))


@register.filter
def euros_compact(value):
    """'1,2 M€', '3,45 Md€'."""
    return format_euros(value, compact=True)


@register.filter
def nombre(value):
    return "" if value in (None, "") else format_number(value)


@register.filter
def date_fr(value) -> str:
    """Dates always in French whatever the browser asks (RGAA 8.7), "1er" for the first day."""
    return format_date(value or None)


@register.filter
def datetime_fr(value) -> str:
    """'7 décembre 2026 à 9 h 05' in the site's time zone, as Django's `|date` would convert it."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_datetime(value)
