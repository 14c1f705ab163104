"""sqsadmin settings, read from the environment (and a local .env file) by django-environ.

Every setting is listed in .env.example. Local use gets safe defaults; a production setting that
is missing or malformed stops start-up with ImproperlyConfigured naming it (manage.py prints that
as one line).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default))
    if raw.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default))
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def _positive(name: str, default: int) -> int:
    value = _int(name, default)
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more, not {value}")
    return value


def _database(name: str, default: str) -> dict:
    url = env.str(name, default=default)
    scheme = urlsplit(url).scheme
    if scheme not in environ.Env.DB_SCHEMES:
        known = ", ".join(sorted(environ.Env.DB_SCHEMES))
        raise ImproperlyConfigured(
            f"{name} is malformed: {url.split('@')[-1]!r} has no known scheme (one of: {known})"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            config = environ.Env.db_url_config(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} is malformed: it names no database")
    return config


DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-sqsadmin-local-development-only"

# Fernet keys that encrypt stored AWS secrets, newest first: prepend a new key to rotate, run
# `manage.py rotate_secrets`, then drop the old one. Local development without keys derives one
# from SECRET_KEY so a fresh clone works; production must set its own.
_fernet_keys = env.list("FERNET_KEYS", default=[])
if not _fernet_keys:
    if not DEBUG:
        raise ImproperlyConfigured("FERNET_KEYS must be set when DEBUG is off")
    _fernet_keys = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]
for _key in _fernet_keys:
    try:
        if len(base64.urlsafe_b64decode(_key.encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "FERNET_KEYS must be comma-separated url-safe base64 keys of 32 bytes "
            "(make one with: python -c 'import secrets,base64; "
            "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())')"
        ) from None
FERNET_KEYS = _fernet_keys

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, opened to the Admins group (queues/accounts/admin_site.py).
    "queues.accounts.admin_site.SqsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "queues",
    "axes",
]

MIDDLEWARE = [
    # First: /healthz answers before sessions, CSRF and sign-in (queues/console/health.py).
    "queues.console.health.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "queues.accounts.middleware.HtmxLoginRequiredMiddleware",
    "queues.accounts.middleware.SecretUnreadableMiddleware",
    "queues.console.workspace.SqsFailureMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the login page saying so.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sqsadmin.urls"
WSGI_APPLICATION = "sqsadmin.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "queues.console.context_processors.workspace",
]
TEMPLATES = [
    # sqsadmin's pages (templates/): Jinja2, see sqsadmin/jinja2.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "sqsadmin.jinja2.environment",
            "context_processors": [*_CONTEXT_PROCESSORS, "sqsadmin.jinja2.csrf"],
        },
    },
    # Django's admin and the widgets only it has: Django's template language.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _CONTEXT_PROCESSORS},
    },
]

FORM_RENDERER = "queues.console.forms.FormRenderer"

DATABASES = {"default": _database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Keep each thread's connection between requests (a new PostgreSQL connection per page costs
# milliseconds), checked before reuse so a restarted database is not an error page.
DATABASES["default"].setdefault("CONN_MAX_AGE", _int("CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Write-ahead logging: readers never wait for the audit trail's writes, and a commit does
    # not wait for a disk flush (NORMAL is still safe against corruption in WAL mode).
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # Several workers (make serve): a write transaction takes the lock when it begins and waits
    # for it, instead of failing with "database is locked" when two try to upgrade at once
    # (concurrent sign-in failures all write their count).
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = _int("SESSION_COOKIE_AGE", 8 * 3600)
# Django's database sessions, read with a plain query (queues/accounts/sessions.py).
SESSION_ENGINE = "queues.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

# A form may carry a 1 MiB message body (up to 3x that once percent-encoded) or PEM uploads;
# anything larger is refused with the 400 page before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Served by whitenoise; with DEBUG off, hashed and compressed by `collectstatic` (make serve).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "sqsadmin.storage.StaticFilesStorage"
    },
}

# Short-lived counters and caches. One process: local memory is enough; several workers or hosts
# may share one (e.g. CACHE_URL=dbcache://sqsadmin_cache, or Redis). Sign-in lockout does not
# depend on it: django-axes keeps its counts in the database.
try:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
except Exception as exc:  # django-environ raises several types for a bad URL
    raise ImproperlyConfigured(f"CACHE_URL is malformed: {exc}") from None
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    CACHES["default"]["BACKEND"] = "sqsadmin.cache.LocMemCache"  # the same, keys checked faster

# --- Sign-in lockout (django-axes, counts in the database so every worker and host sees them) ---
# One account from one address is refused after LOGIN_MAX_FAILURES failures; one address is
# refused for every account after LOGIN_MAX_FAILURES_PER_ADDRESS failures across accounts, so a
# sprayer of made-up usernames stops without locking anyone else out. Both last
# LOGIN_LOCKOUT_SECONDS after the last failure. The client address is REMOTE_ADDR, or the
# X-Forwarded-For entry added by the nearest proxy listed in TRUSTED_PROXIES.
LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 100)
LOGIN_LOCKOUT_SECONDS = _int("LOGIN_LOCKOUT_SECONDS", 900)
for _name in ("LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_LOCKOUT_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
_trusted = env.list("TRUSTED_PROXIES", default=[])
try:
    TRUSTED_PROXIES = [ipaddress.ip_network(entry.strip(), strict=False) for entry in _trusted]
except ValueError:
    raise ImproperlyConfigured(
        "TRUSTED_PROXIES must be comma-separated IP addresses or networks, "
        f"not {','.join(_trusted)!r}"
    ) from None
AXES_HANDLER = "queues.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = "queues.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "queues.accounts.lockout.cool_off"
AXES_CLIENT_IP_CALLABLE = "queues.accounts.lockout.client_ip"
AXES_USERNAME_CALLABLE = "queues.accounts.lockout.username"
AXES_WHITELIST_CALLABLE = "queues.accounts.lockout.not_a_password_attempt"
AXES_LOCKOUT_CALLABLE = "queues.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are logged by sqsadmin.auth instead
AXES_VERBOSE = False

# --- Single sign-on (OpenID Connect, mozilla-django-oidc); off unless OIDC_CLIENT_ID is set ---
# Endpoints come from the issuer's discovery document (fetched on first use, not at start-up)
# unless all four are given. Local passwords stay for break-glass unless LOCAL_LOGIN=false.
LOCAL_LOGIN = _bool("LOCAL_LOGIN", True)
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_ADMIN_GROUPS = [g.strip() for g in env.list("OIDC_ADMIN_GROUPS", default=[]) if g.strip()]
OIDC_OPERATOR_GROUPS = [
    g.strip() for g in env.list("OIDC_OPERATOR_GROUPS", default=[]) if g.strip()
]
OIDC_VIEWER_GROUPS = [g.strip() for g in env.list("OIDC_VIEWER_GROUPS", default=[]) if g.strip()]
OIDC_TIMEOUT = _int("OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
OIDC_STORE_ACCESS_TOKEN = OIDC_STORE_ID_TOKEN = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
if SSO_ENABLED:
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_CLIENT_SECRET must be set when OIDC_CLIENT_ID is")
    _endpoints = (
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    )
    if not OIDC_ISSUER and not all(_endpoints):
        raise ImproperlyConfigured(
            "OIDC_ISSUER must be set when OIDC_CLIENT_ID is (or all four OIDC_*_ENDPOINT settings)"
        )
    for _url in (OIDC_ISSUER, *_endpoints):
        if _url and urlsplit(_url).scheme not in {"http", "https"}:
            raise ImproperlyConfigured(f"OIDC endpoints must be http(s) URLs, not {_url!r}")
elif not LOCAL_LOGIN:
    raise ImproperlyConfigured("LOCAL_LOGIN=false needs single sign-on (OIDC_CLIENT_ID) set up")
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out sign-ins before any password is checked.
    "queues.accounts.lockout.LockoutBackend",
    *(["queues.accounts.oidc.RoleMappingBackend"] if SSO_ENABLED else []),
    *(["queues.accounts.backends.ModelBackend"] if LOCAL_LOGIN else []),
]

# Scripts and styles come from our own origin only; htmx gets the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

# Production serves over HTTPS only (secure cookies, redirect, HSTS). SECURE_HTTPS=false is for
# trying `make serve` over plain HTTP on 127.0.0.1; behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=true so Django trusts its X-Forwarded-Proto.
SECURE_HTTPS = _bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31_536_000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a one-way door (browsers ship the list for months, for every subdomain): an
# internal tool opts in deliberately, so the deploy check's reminder (W021) is silenced when off.
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if _bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The embedded SQS that `manage.py demo` starts and its "Local demo" profile points at.
DEMO_SQS_PORT = _int("DEMO_SQS_PORT", 9324)
DEMO_ADMIN_USERNAME = env.str("DEMO_ADMIN_USERNAME", default="admin")
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="sqsadmin-demo")

# SQS calls must fail fast: a dead endpoint gives the operator a message, not a hung worker.
AWS_CONNECT_TIMEOUT = _int("AWS_CONNECT_TIMEOUT", 3)
AWS_READ_TIMEOUT = _int("AWS_READ_TIMEOUT", 10)
AWS_MAX_ATTEMPTS = _int("AWS_MAX_ATTEMPTS", 3)
# Seconds one request may spend on SQS in all, retries included (long polls add their wait).
AWS_REQUEST_BUDGET = _positive("AWS_REQUEST_BUDGET", 8)
# Circuit breaker per endpoint (profile and region): this many calls in a row without an answer
# open it for AWS_BREAKER_COOLDOWN seconds, during which its pages fail at once.
AWS_BREAKER_FAILURES = _positive("AWS_BREAKER_FAILURES", 3)
AWS_BREAKER_COOLDOWN = _positive("AWS_BREAKER_COOLDOWN", 30)
# Bulkhead: requests of one worker process that may wait on one endpoint at once. Keep it below
# the worker's threads (`make serve` runs 4) so a hung endpoint always leaves threads for others.
AWS_ENDPOINT_MAX_WAITING = _positive("AWS_ENDPOINT_MAX_WAITING", 2)
# IAM Roles Anywhere CreateSession: host[:port] (blank: the public endpoint of the trust anchor's
# region, e.g. a VPC endpoint otherwise) and a CA bundle file to verify it with (blank: system CAs).
AWS_ROLESANYWHERE_ENDPOINT = env.str("AWS_ROLESANYWHERE_ENDPOINT", default="")
AWS_ROLESANYWHERE_CA_BUNDLE = env.str("AWS_ROLESANYWHERE_CA_BUNDLE", default="")

# Endpoint URLs a profile may use besides AWS's (*.amazonaws.com, *.amazonaws.com.cn, *.api.aws)
# and this machine's: host names or addresses, `*.example.com` for every host under example.com.
PROFILE_ENDPOINT_HOSTS = env.list("PROFILE_ENDPOINT_HOSTS", default=[])

# The audit records where each request came from: REMOTE_ADDR, or X-Forwarded-For when
# REMOTE_ADDR is one of these proxies (addresses or networks, comma-separated).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Long work streamed from a request (browse, bulk send, import): it holds a server thread, so it
# ends after LONG_WORK_MAX_SECONDS, and at most LONG_WORK_MAX_STREAMS run at once per worker
# process (keep it below the worker's threads).
LONG_WORK_MAX_SECONDS = _positive("LONG_WORK_MAX_SECONDS", 300)
LONG_WORK_MAX_STREAMS = _positive("LONG_WORK_MAX_STREAMS", 2)
# Export and import move message bodies out of and into SQS; false hides both and refuses them.
MESSAGE_EXPORT_ENABLED = _bool("MESSAGE_EXPORT_ENABLED", True)
# The largest NDJSON file an import takes, in bytes and in lines.
MESSAGE_IMPORT_MAX_BYTES = _positive("MESSAGE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MESSAGE_IMPORT_MAX_LINES = _positive("MESSAGE_IMPORT_MAX_LINES", 10_000)
# Monitoring: the live chart's sampling interval (seconds; 1 GetQueueAttributes call per interval
# while a Monitoring page is open) and how much history the shared cache keeps per queue.
MONITORING_INTERVAL_SECONDS = _int("MONITORING_INTERVAL_SECONDS", 5)
MONITORING_HISTORY_SECONDS = _int("MONITORING_HISTORY_SECONDS", 3600)
# Estate health: a queue whose oldest message is older than this is listed; profiles scanned at
# once, and GetQueueAttributes calls at once per profile (4 x 8 stays within a client's pool).
ESTATE_OLDEST_AGE_SECONDS = _int("ESTATE_OLDEST_AGE_SECONDS", 3600)
ESTATE_PROFILE_WORKERS = _int("ESTATE_PROFILE_WORKERS", 4)
ESTATE_COUNT_WORKERS = _int("ESTATE_COUNT_WORKERS", 8)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object a line, nothing around it, for a SIEM's collector.
        "json_line": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "audit_json": {"class": "logging.StreamHandler", "formatter": "json_line"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "werkzeug": {"level": "WARNING"},
        "sqsadmin.audit.json": {"handlers": ["audit_json"], "level": "INFO", "propagate": False},
    },
}
