"""A forged POST (missing or wrong CSRF token) is refused with one French message, on the site's
own page, and changes nothing (issue 27, item 10: the refusal was shown twice, titled in English)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.test_french_everywhere import visible_text

pytestmark = pytest.mark.django_db

MESSAGE = "Ce formulaire a expiré ou n’a pas été envoyé depuis ce site : rien n’a été enregistré."


@pytest.mark.parametrize("url", ["/portail/connexion/", "/admin/login/"])
def test_a_forged_post_is_refused_once_in_french(url, reference):
    client = Client(enforce_csrf_checks=True)
    client.get(url)
    response = client.post(url, {"username": "x", "password": "y", "csrfmiddlewaretoken": "forged" * 6})
    assert response.status_code == 403
    html = response.content.decode()
    text = visible_text(html)
    assert text.count(MESSAGE) == 1
    assert "CSRF" not in text and "Forbidden" not in html
    assert '<html lang="fr"' in html
    assert "_auth_user_id" not in client.session
