"""The README tells a newcomer what the demo really asks (issue 27, item 10): seeding takes about
a minute (52 s measured), not « a few seconds », and the DGOS accounts must enrol a second factor
at their first sign-in (`web.two_factor` makes it mandatory for whoever reaches the admin)."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_seeding_time_is_not_understated():
    assert "a few seconds" not in README
    assert "about a minute" in README


def test_demo_users_section_says_agents_enrol_a_second_factor():
    section = README[README.index("## Demo users") : README.index("## Environment variables")]
    assert "second factor" in section and "first sign-in" in section
    assert "/admin/double-authentification/activer/" in section
