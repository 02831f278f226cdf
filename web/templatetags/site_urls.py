"""`absolute` and `page_absolute` filters: links in pages come from `SITE_URL` (web.absolute_urls)."""

from __future__ import annotations

from django import template

from web.absolute_urls import absolute_url, page_absolute_url

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    return absolute_url(str(path))


@register.filter
def page_absolute(page) -> str:
    return page_absolute_url(page)
