"""The agents' browser tabs end with « SIRANo », not « Wagtail » (issue 27, item 8)."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_admin_tab_title_names_sirano(client, instructing_agent):
    client.force_login(instructing_agent)
    html = client.get("/admin/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert "Wagtail" not in title
    assert title.endswith("SIRANo — agents DGOS"), title
