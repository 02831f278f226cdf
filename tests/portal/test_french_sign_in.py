"""Sign-in and password-reset forms speak French whatever the browser asks for (issue 16)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)


def labels(html: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in LABEL.findall(html)]


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["fr-FR,fr;q=0.9", "en-US,en;q=0.9", ""])
@pytest.mark.parametrize("url_name", ["portal:login", "wagtailadmin_login"])
def test_sign_in_labels_are_french(client, url_name, accept):
    html = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    found = " ".join(labels(html))
    assert "Nom d’utilisateur" in found or "Nom d'utilisateur" in found, found
    assert "Mot de passe" in found, found
    assert "Username" not in html and "Password" not in html


@pytest.mark.django_db
def test_password_reset_button_reads_send_the_link(client):
    html = client.get(reverse("portal:password_reset")).content.decode()
    button = re.search(r'<button[^>]*type="submit"[^>]*>(.*?)</button>', html, re.S).group(1).strip()
    assert button == "Envoyer le lien"
    assert "nous vous enverrons un lien pour choisir un nouveau mot de passe." in html
    assert ".:" not in html
