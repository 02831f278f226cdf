"""Issue 13 item 2 (second half): ProConnect sign-in, end to end against an OpenID provider that the test
runs on 127.0.0.1 (authorize, token, userinfo as a signed JWT like ProConnect, JWKS)."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY

from tests.two_factor_support import PATH as TEST_MIDDLEWARE

CLIENT_ID, CLIENT_SECRET = "sirano-test", secrets.token_urlsafe(16)


class Provider:
    """A minimal OpenID provider: code flow with PKCE, RS256 tokens, one identity at a time."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.codes: dict[str, dict] = {}
        self.email = ""
        self.audience = CLIENT_ID
        self.userinfo_sub = "agent-42"  # the ID token's subject is always "agent-42"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def sign(self, claims: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.audience, "iat": now, "exp": now + 60, **claims}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status: int, body: bytes = b"", content_type="application/json", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/api/v2/authorize":
                    assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
                    assert query["code_challenge_method"] == "S256" and "openid" in query["scope"]
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    location = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    self.send(302, headers=[("Location", location)])
                elif url.path == "/api/v2/userinfo":
                    assert self.headers["Authorization"] == "Bearer access-token"
                    claims = {
                        "sub": provider.userinfo_sub,
                        "email": provider.email,
                        "given_name": "Ana",
                        "usual_name": "Lyse",
                    }
                    self.send(200, provider.sign(claims).encode(), "application/jwt")
                elif url.path == "/api/v2/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self.send(
                        200, json.dumps({"keys": [{**jwk, "kid": provider.kid, "alg": "RS256"}]}).encode()
                    )
                else:
                    self.send(404)

            def do_POST(self):
                form = {
                    k: v[0]
                    for k, v in parse_qs(
                        self.rfile.read(int(self.headers["Content-Length"])).decode()
                    ).items()
                }
                request = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if (
                    self.path != "/api/v2/token"
                    or request is None
                    or form.get("client_secret") != CLIENT_SECRET
                    or challenge != request["code_challenge"]
                ):
                    self.send(400, b'{"error": "invalid_grant"}')
                    return
                id_token = provider.sign({"sub": "agent-42", "nonce": request["nonce"]})
                body = {
                    "access_token": "access-token",
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "id_token": id_token,
                }
                self.send(200, json.dumps(body).encode())

        return Handler


@pytest.fixture
def provider(settings):
    op = Provider()
    op.thread.start()
    settings.MIDDLEWARE = [entry for entry in django_settings.MIDDLEWARE if entry != TEST_MIDDLEWARE]
    settings.PROCONNECT_ENABLED = True
    settings.PROCONNECT_ISSUER = op.issuer
    settings.AUTHENTICATION_BACKENDS = [
        *django_settings.AUTHENTICATION_BACKENDS,
        "web.proconnect.ProConnectBackend",
    ]
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    for name, endpoint in [
        ("AUTHORIZATION", "authorize"),
        ("TOKEN", "token"),
        ("USER", "userinfo"),
        ("JWKS", "jwks"),
    ]:
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"{op.issuer}/{endpoint}")
    yield op
    op.server.shutdown()
    op.server.server_close()


def sign_in(client, provider, email: str, next_url: str = "/portail/"):
    provider.email = email
    start = client.get(f"/proconnect/connexion/?{urlencode({'next': next_url})}")
    assert start.status_code == 302 and start["Location"].startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)  # the browser's hop, over HTTP
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/proconnect/retour/"
    return client.get(f"{callback.path}?{callback.query}")


def test_member_signs_in_by_email(client, provider, member_a):
    member_a.email = "Alice@CHU-Lyon.fr"
    member_a.save()
    response = sign_in(client, provider, "alice@chu-lyon.fr")
    assert response["Location"] == "/portail/"
    assert int(client.session[SESSION_KEY]) == member_a.pk
    assert client.get("/portail/").status_code == 200


def test_agent_still_needs_the_second_factor(client, provider, instructing_agent):
    instructing_agent.email = "ana.lyse@sante.gouv.fr"
    instructing_agent.save()
    sign_in(client, provider, "ana.lyse@sante.gouv.fr", "/admin/")
    assert int(client.session[SESSION_KEY]) == instructing_agent.pk
    assert client.get("/admin/")["Location"].startswith("/admin/double-authentification/activer/")


def test_unknown_email_creates_nobody(client, provider, member_a, django_user_model):
    count = django_user_model.objects.count()
    response = sign_in(client, provider, "inconnu@exemple.fr")
    assert response["Location"] == "/portail/connexion/"
    assert SESSION_KEY not in client.session
    assert django_user_model.objects.count() == count
    page = client.get("/portail/connexion/").content.decode()
    assert "aucun compte SIRANo actif" in page


def test_token_for_another_client_is_refused(client, provider, member_a):
    member_a.email = "alice@chu-lyon.fr"
    member_a.save()
    provider.audience = "another-client"
    response = sign_in(client, provider, "alice@chu-lyon.fr")
    assert response["Location"] == "/portail/connexion/"
    assert SESSION_KEY not in client.session


def test_userinfo_for_another_subject_is_refused(client, provider, member_a, caplog):
    """Issue 25 §7: OpenID Connect Core 5.3.2, the userinfo `sub` must be the ID token's."""
    member_a.email = "alice@chu-lyon.fr"
    member_a.save()
    provider.userinfo_sub = "someone-else"
    response = sign_in(client, provider, "alice@chu-lyon.fr")
    assert response["Location"] == "/portail/connexion/"
    assert SESSION_KEY not in client.session
    assert "n'a pas pu être vérifiée" in client.get("/portail/connexion/").content.decode()
    assert "ProConnect answer refused" in caplog.text


def test_disabled_without_configuration(client, db):
    assert client.get("/proconnect/connexion/").status_code == 404
    assert "ProConnect" not in client.get("/portail/connexion/").content.decode()
