"""SIRANo settings: one module, read from the environment, strict about bad values.

Every variable is listed in `.env.example`. Junk values raise at start-up rather than
being silently ignored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """Strict boolean: anything outside the accepted spellings is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_rate(name: str, default: str) -> str | None:
    """A throttle rate as DRF reads it: `<count>/<second|minute|hour|day>`; `off`: no throttle
    (DRF then neither counts nor writes to the cache; benchmarks, a proxy that limits)."""
    raw = os.environ.get(name, default).strip()
    if raw == "off":
        return None
    count, _sep, period = raw.partition("/")
    if not count.isdigit() or not period or period[0] not in "smhd":
        raise ImproperlyConfigured(f"{name} must look like 600/minute, got {raw!r}")
    return raw


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form (bad or missing token) answers a French page that says so once.
CSRF_FAILURE_VIEW = "web.csrf.csrf_failure"

INSTALLED_APPS = [
    # SIRANo's own apps, from the faces down to the domain core (docs/architecture.md).
    "web",
    "portal",
    "agents",
    "opendata",
    "ingest",  # imports of projects and legacy documents (commands)
    "search",  # the project search (its index follows the domain's saves)
    "workflows",  # before content: its post_migrate creates the permissions content's moderation uses
    "content",
    "reports",
    "demo",
    "formatting",  # the `french` template filters
    "dsfr",
    "widget_tweaks",  # loaded by django-dsfr's form templates (radio buttons, checkboxes)
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail_modeladmin",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_fsm",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    # Probes first: a load balancer asks by address over HTTP (no host check, no HTTPS redirect).
    "web.health.HealthCheckMiddleware",
    "web.request_log.RequestLogMiddleware",  # after the probes: a probe every few seconds is not logged
    "web.page_store.VersionsPerRequest",
    "django.middleware.security.SecurityMiddleware",
    "sirano.request_guards.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "web.private_answers.PrivateAnswersNotStoredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "web.session_timeouts.SessionTimeoutMiddleware",
    "web.two_factor.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "web.security_headers.SiranoCSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sirano.urls"
WSGI_APPLICATION = "sirano.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sirano" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "content.context_processors.site_identity",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Connections kept 60 s outside DEBUG: opening one to PostgreSQL (TLS/SCRAM) cost 12–28 ms, more
# than a cached page takes to serve. With DEBUG (runserver: a thread per request) nothing is gained.
# Health checks replace a connection the server closed (restart, failover) instead of failing.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's server, worker and seed write to one file together: readers never wait for a
    # writer (WAL), a transaction takes the write lock when it begins instead of failing when it
    # first writes after a read (IMMEDIATE), and a writer waits out another's long transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server, and a statement run twice on a connection prepared there:
    # a cold page's queries (the same shapes with other values) skip parsing and, once PostgreSQL
    # settles on a generic plan, planning (3.6 ms of a project page's 4.4 ms query at 40,000
    # projects). Connections are kept (above), so the prepared statements are reused. Behind
    # PgBouncer, transaction pooling needs `max_prepared_statements` (PgBouncer 1.21+).
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": 2,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# ProConnect (the State's OpenID Connect service): enabled when its client id is set. Users are
# matched by e-mail to existing accounts; nobody is created (web/proconnect.py).
PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID", "")
PROCONNECT_ENABLED = bool(PROCONNECT_CLIENT_ID)
PROCONNECT_ISSUER = os.environ.get("PROCONNECT_BASE_URL", "").rstrip("/")
if PROCONNECT_ENABLED:
    if not PROCONNECT_ISSUER.startswith("https://") and not DEBUG:
        raise ImproperlyConfigured(
            "PROCONNECT_BASE_URL must be an https:// URL when PROCONNECT_CLIENT_ID is set."
        )
    AUTHENTICATION_BACKENDS.append("web.proconnect.ProConnectBackend")
OIDC_RP_CLIENT_ID = PROCONNECT_CLIENT_ID
OIDC_RP_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROCONNECT_ISSUER}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PROCONNECT_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = f"{PROCONNECT_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PROCONNECT_ISSUER}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("PROCONNECT_SCOPES", "openid email given_name usual_name")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": "eidas1"}
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/portail/connexion/"
OIDC_USE_PKCE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Signed-in sessions: 30 minutes idle, 8 hours at most (web.session_timeouts); the cookie
# itself never outlives the absolute limit.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# Password-reset links are valid for hours, not Django's three days.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3 * 60 * 60)
# Reset e-mails: at most this many per address and per client in PASSWORD_RESET_RATE_PERIOD.
PASSWORD_RESET_PER_EMAIL = env_int("PASSWORD_RESET_PER_EMAIL", 3)
PASSWORD_RESET_PER_CLIENT = env_int("PASSWORD_RESET_PER_CLIENT", 10)
PASSWORD_RESET_RATE_PERIOD = 60 * 60
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "/"

# Reverse proxies in front of the application that append to X-Forwarded-For (0: none, the
# client is REMOTE_ADDR). Read by web.client_address for axes, DRF and the export limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# django-axes: lock one account from one address only. Locking the account alone lets anyone
# lock `admin` for everybody; locking the address alone locks everyone behind one proxy.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "web.client_address.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "portal/lockout.html"
# The lockout page with `Retry-After` (web/lockout.py renders AXES_LOCKOUT_TEMPLATE).
AXES_LOCKOUT_CALLABLE = "web.lockout.lockout_response"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sirano" / "static"]
VAR_DIR = Path(os.environ.get("SIRANO_VAR_DIR", BASE_DIR / "var"))
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Without a bucket (the demo), each storage below is a folder of SIRANO_VAR_DIR:
# evidence, legacy documents and import uploads live outside every web root and are served
# only through access-checked views;
PRIVATE_STORAGE_ROOT = VAR_DIR / "private"
# open-data releases: immutable dated snapshots plus the `latest` pointer;
RELEASES_ROOT = VAR_DIR / "releases"
# indicator reports built in the admin (XLSX + PDF per job), served to DGOS agents only.
REPORTS_ROOT = VAR_DIR / "reports"

# Object storage (S3 API): with a bucket, every stored file goes there, one prefix per storage,
# so any web instance or worker reads what another wrote. The names are those boto3 and
# django-storages read; the keys may also come from the host's role (then leave them unset).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip() or None
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME", "").strip() or None
# Objects inherit the bucket's (private) policy; URLs, if ever asked, are signed and short-lived.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = 300
AWS_S3_FILE_OVERWRITE = False
if bool(AWS_ACCESS_KEY_ID) != bool(AWS_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together.")
if AWS_S3_ENDPOINT_URL and not AWS_S3_ENDPOINT_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"AWS_S3_ENDPOINT_URL must be an http(s) URL, got {AWS_S3_ENDPOINT_URL!r}")


def file_storage(prefix: str, root_setting: str, *, overwrite: bool = False) -> dict:
    """One named storage: a prefix of the bucket when there is one, else a SIRANO_VAR_DIR folder.
    `overwrite` only for the releases (their `latest` pointer is replaced in place)."""
    if AWS_STORAGE_BUCKET_NAME:
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"location": prefix, "file_overwrite": overwrite},
        }
    return {
        "BACKEND": "fileformats.storage.SettingRootStorage",
        "OPTIONS": {"root_setting": root_setting, "allow_overwrite": overwrite},
    }


STORAGES = {
    "default": file_storage("media", "MEDIA_ROOT")
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": file_storage("private", "PRIVATE_STORAGE_ROOT"),
    "releases": file_storage("releases", "RELEASES_ROOT", overwrite=True),
    "reports": file_storage("reports", "REPORTS_ROOT"),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Downloads of /donnees/sirano.csv and /projets/resultats.csv per client and minute.
EXPORT_RATE_PER_MINUTE = env_int("EXPORT_RATE_PER_MINUTE", 10)
MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Legacy documents (`import_documents`): an archive uploaded in the admin, and every file in it.
DOCUMENT_IMPORT_MAX_ARCHIVE = env_int("DOCUMENT_IMPORT_MAX_ARCHIVE_MB", 500) * 1024 * 1024
DOCUMENT_IMPORT_MAX_FILE = env_int("DOCUMENT_IMPORT_MAX_FILE_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler keeps each file's name as sent, so a forged path is refused (web/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "web.uploads.RawNameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CACHE_TABLE = "sirano_cache"


def cache_settings(url: str, alias: str = "default", max_entries: int = 5000) -> dict:
    """One cache alias (see `CACHE_PURPOSES`), shared by every worker.

    Empty or `db://`: the database cache (Django's, storing in one statement: `dbtools.cache`), one table per alias (`sirano_cache`,
    `sirano_cache_pages`…, all made by `manage.py createcachetable`); `redis://…`/`rediss://…`:
    Redis, keys prefixed by the alias (give an alias its own Redis with `CACHE_URL_<ALIAS>` for
    its own memory limit); `file:///path`: files on one host, a directory per alias;
    `locmem://`: this process only, refused unless DEBUG (several gunicorn workers would serve
    stale figures).
    """
    # The database and file caches cull at MAX_ENTRIES, each alias on its own entries.
    culled = {"OPTIONS": {"MAX_ENTRIES": max_entries}}
    suffix = "" if alias == "default" else f"_{alias}"
    if url in ("", "db://"):
        return {
            "BACKEND": "dbtools.cache.DatabaseCache",
            "LOCATION": CACHE_TABLE + suffix,
            **culled,
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": alias,
        }
    if url.startswith("file://") and len(url) > len("file://"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url[7:].rstrip("/") + (f"/{alias}" if suffix else ""),
            **culled,
        }
    if url == "locmem://":
        if not DEBUG:
            raise ImproperlyConfigured(
                "CACHE_URL=locmem:// is per process: use db://, redis:// or file:// when DEBUG is off."
            )
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"sirano{suffix}"}
    raise ImproperlyConfigured(f"CACHE_URL must be db://, redis://…, file:///path or locmem://, got {url!r}")


# Background work (project and legacy document imports, open-data releases, indicator reports):
# django-tasks with its database backend; a `manage.py db_worker` process (Procfile `worker`,
# started by `make demo`) runs the queue.
# Import dry runs nobody confirmed are removed (with their stored file) after this many hours.
IMPORT_DRY_RUN_TTL_HOURS = env_int("IMPORT_DRY_RUN_TTL_HOURS", 48)
TASKS = {
    "default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}

#: One cache alias per purpose, each with its own size (entries before culling) and expiry, so
#: that no traffic on one purpose evicts another's entries: alias -> (max entries, timeout).
CACHE_PURPOSES = {
    # The data and content versions and export generations (small: never crowded out).
    "default": (env_int("CACHE_MAX_ENTRIES", 5000), None),
    # The project pages' versions (workflows.data_version): one per project and per group of
    # neighbours, so as many as the portfolio; apart, so that they never crowd out the above.
    "versions": (env_int("CACHE_VERSIONS_MAX_ENTRIES", 200000), None),
    # Rendered public pages (web.page_store): anonymous traffic, canonical addresses only.
    "pages": (env_int("CACHE_PAGES_MAX_ENTRIES", 20000), 600),
    # Indicator figures (reports.cache), keyed by data and code version: old keys age out.
    "figures": (env_int("CACHE_FIGURES_MAX_ENTRIES", 5000), env_int("CACHE_FIGURES_TIMEOUT", 7 * 24 * 3600)),
    # Rate-limit counters (web.rate_limits) apart, so that no public traffic evicts them; each counter
    # sets its own expiry (its window), the hour bounds strays.
    "counters": (env_int("CACHE_COUNTERS_MAX_ENTRIES", 50000), 60 * 60),
}
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    alias: {
        **cache_settings(os.environ.get(f"CACHE_URL_{alias.upper()}") or _CACHE_URL, alias, max_entries),
        "TIMEOUT": timeout,
    }
    for alias, (max_entries, timeout) in CACHE_PURPOSES.items()
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SIRANo <ne-pas-repondre@sirano.sante.gouv.fr>")
# Where agents' digests and "request submitted" notices go.
DGOS_AGENTS_EMAIL = os.environ.get("DGOS_AGENTS_EMAIL", "dgos-pf4@sante.gouv.fr")

# DGOS's persistent identifiers, printed in the DCAT catalogue and the grants' schema.org markup
# (https://ror.org/<id>, https://doi.org/10.13039/<id>); empty: left out of the markup.
DGOS_ROR_ID = os.environ.get("DGOS_ROR_ID", "").strip()
if DGOS_ROR_ID and not re.fullmatch(r"0[0-9a-hj-km-np-tv-z]{6}[0-9]{2}", DGOS_ROR_ID):
    raise ImproperlyConfigured(f"DGOS_ROR_ID must be a bare ROR id like 0xxxxxxxx, got {DGOS_ROR_ID!r}")
DGOS_CROSSREF_FUNDER_ID = os.environ.get("DGOS_CROSSREF_FUNDER_ID", "").strip()
if DGOS_CROSSREF_FUNDER_ID and not re.fullmatch(r"\d{9,12}", DGOS_CROSSREF_FUNDER_ID):
    raise ImproperlyConfigured(
        f"DGOS_CROSSREF_FUNDER_ID must be the digits after 10.13039/, got {DGOS_CROSSREF_FUNDER_ID!r}"
    )
# The open data's contact point (DCAT catalogue, data.gouv.fr).
OPENDATA_CONTACT_EMAIL = os.environ.get("OPENDATA_CONTACT_EMAIL", "").strip() or DGOS_AGENTS_EMAIL

WAGTAIL_SITE_NAME = "SIRANo"
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# One password-reset path for everyone, the rate-limited one of /portail/ (agents included).
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The agents' sign-in form with French labels (Wagtail leaves the password field unlabelled).
WAGTAILADMIN_USER_LOGIN_FORM = "agents.desk.sign_in.AdminLoginForm"
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "opendata.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "opendata.api.throttling.AnonymousThrottle",
        "opendata.api.throttling.SignedInThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_ANON_RATE", "600/minute"),
        "user": env_rate("API_USER_RATE", "1200/minute"),
    },
    # Same proxy count as web.client_address: X-Forwarded-For is believed only that far.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens are stored hashed and expire (opendata/api/tokens.py).
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 180)
SPECTACULAR_SETTINGS = {
    "TITLE": "API SIRANo",
    # French introduction of /api/v1/docs/ (Markdown); each operation has its own French text.
    "DESCRIPTION": """Données ouvertes des projets de recherche appliquée en santé financés par la
Direction générale de l'offre de soins (DGOS) : projets sélectionnés, établissements coordonnateurs,
appels à projets et tranches de financement déléguées ou versées. L'API est en lecture seule.

**Accès.** Sans authentification, chaque réponse donne les champs publics, ceux des fichiers de
[/donnees/](/donnees/). Un expert ou un agent de la DGOS muni d'un jeton voit davantage de champs
(montants validés, reste à engager, jalons en retard…) : le jeton s'envoie dans l'en-tête
`Authorization: Token <jeton>`. Chaque champ du schéma indique le niveau d'accès qui le voit.

**Formats.** JSON par défaut ; CSV avec `?format=csv` ou l'en-tête `Accept: text/csv`.

**Pagination.** Par curseur : suivez les liens `next` et `previous` de chaque réponse (ou l'en-tête
`Link`) ; `page_size` règle la taille des pages (100 par défaut, 1000 au plus) et `ordering` le tri.
Parcourir les liens `next` rend chaque ligne une fois et une seule.

**Erreurs.** Toujours la même forme : `{"error": {"code", "message", "details"}}`, message en
français ; un paramètre inconnu ou vide est une erreur, jamais ignoré.

**Limites.** Les requêtes anonymes sont limitées par adresse ; au-delà, la réponse 429 donne
l'attente dans l'en-tête `Retry-After`.

**Licence.** Licence Ouverte / Open Licence 2.0 (Etalab) : réutilisation libre, en citant la source
(DGOS, SIRANo) et la date de mise à jour.""",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["opendata.schema.exclude_admin_endpoints"],
}

# Content-Security-Policy (web/security_headers.py relaxes styles for the admin and API docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *([PROCONNECT_ISSUER.split("/api/")[0]] if PROCONNECT_ENABLED else [])],
        "frame-ancestors": [NONE],
        "manifest-src": [SELF],
        "worker-src": [SELF],
    }
}
# Nothing phones home: no Gravatar, no update check, no "what's new" banner fetched from Wagtail.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_FINDERS = []  # no oEmbed lookups to third parties from the server

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview sets SAMEORIGIN on its own views
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading is a commitment for the whole domain (hstspreload.org): only when the operator asks.
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0 and env_bool("SECURE_HSTS_PRELOAD", False)
# check --deploy recommends preloading (security.W021); without the operator's request it is a choice.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs on standard error: one JSON object a line (web/json_logs.py), the request id in each; one
# line per request from `sirano.requests` and per task start/end from `sirano.tasks` (INFO).
# LOG_FORMAT=text: plain lines, for a terminal (the default with DEBUG).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "web.json_logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "sirano.requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
        "sirano.tasks": {"level": "INFO"},
    },
}

# Error reports to Sentry (or a compatible service) only when SENTRY_DSN is set; no personal data.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from sirano.error_reports import start_error_reports

    start_error_reports(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
    )
