"""A signed-in HTTP client for the drills: forms posted with their CSRF token, a second factor enrolled
with an RFC 6238 code as an authenticator app computes it. One session, any host of the stack (the
session lives in the shared database, the cookie is per host name, not per port)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import requests

PASSWORD = "sirano-demo"  # demo.users.DEMO_PASSWORD, seeded by create_demo_users
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = re.compile(r"<code>([A-Z2-7 ]{16,})</code>")


def totp(secret: str, *, at: float | None = None) -> str:
    """RFC 6238 code (30 s, 6 digits, SHA-1)."""
    key = base64.b32decode(secret.replace(" ", "").upper())
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Client:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def url(self, path: str, base_url: str | None = None) -> str:
        return path if path.startswith("http") else f"{base_url or self.base_url}{path}"

    def get(self, path: str, *, base_url: str | None = None, **kwargs) -> requests.Response:
        return self.session.get(self.url(path, base_url), timeout=60, **kwargs)

    def post_form(self, path: str, data: dict, *, files: dict | None = None, base_url: str | None = None):
        """GET the form's page for its CSRF token, then POST to the same address."""
        page = self.get(path, base_url=base_url)
        page.raise_for_status()
        token = CSRF.search(page.text)
        assert token, f"no CSRF token on {path}"
        return self.session.post(
            self.url(path, base_url),
            data={"csrfmiddlewaretoken": token.group(1), **data},
            files=files,
            headers={"Referer": self.url(path, base_url)},
            timeout=120,
        )

    def sign_in_portal(self, username: str) -> None:
        answer = self.post_form("/portail/connexion/", {"username": username, "password": PASSWORD})
        assert answer.ok and "/connexion/" not in answer.url, answer.url

    def sign_in_admin(self, username: str) -> None:
        """Password, then the second factor an agent must enrol at first sign-in."""
        answer = self.post_form("/admin/login/", {"username": username, "password": PASSWORD})
        assert answer.ok, answer.status_code
        if "/double-authentification/activer/" in answer.url:
            secret = SECRET.search(answer.text)
            assert secret, "no manual key on the enrolment page"
            self.secret = secret.group(1)
            answer = self.post_form(answer.url, {"code": totp(self.secret)})
            assert answer.ok, answer.status_code
        assert self.get("/admin/").url.rstrip("/").endswith("/admin"), "not signed in to the admin"
