"""Settings for the ECS Online Systems, read from the environment.

Defaults give the embedded set-up (`make run`): DEBUG on, SQLite under var/, sandboxes on localhost.
With DEBUG off every secret must be given and the deploy checks must pass.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ECS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("ECS_TESTING", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",  # with one more ignore pattern, added in portal.core.apps
    "django.contrib.humanize",
    "django_filters",
    "viewflow",
    "viewflow.workflow",
    "portal.core",
    "portal.accounts",
    "portal.organisations",
    "portal.registry",
    "portal.employees",
    "portal.licensing",
    "portal.orders",
    "portal.applications",
    "portal.notifications",
    "portal.assessments",
    "portal.contracts",
    "portal.sitechecks",
    "ninja",  # the ECS Check API (portal.sitechecks.api); serves its OpenAPI docs from static files
    "workflows.common",
    "workflows.licence",
    "workflows.card_application",
    "workflows.bacs_allocation",
    "workflows.assessment_booking",
    "workflows.contract_setup",
    "workflows.incidents",
    "workflows.insights",
    "workflows.tasklist",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.core.middleware.SecurityHeadersMiddleware",
    "portal.accounts.middleware.FrontDoorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ecs.urls"  # the portal and the back office; portal.urls alone has no back office
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.portal",
            ],
        },
    },
    {
        # The long tables' rows only (portal/core/rows.py): Jinja2 draws 50 rows in about a tenth of the time.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "rows",
        "DIRS": [BASE_DIR / "templates" / "rows"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "portal.core.rows.environment",
            "autoescape": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # A connection is kept for a minute and checked before a request reuses it: opening one costs 5-18 ms
        # (measured on PostgreSQL here), a third of a portal page's time.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, Prefect workers) share the embedded database: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries are short: PostgreSQL's JIT compiler costs 20-30 ms per query once a plan looks large (measured).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked account or address before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "portal.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:signin"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "accounts:signin"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads larger than this are refused by the forms; the request limit leaves room for the rest of the form.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Sessions and cookies
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
CSRF_COOKIE_HTTPONLY = True
SECURE = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips it from clients): otherwise anyone could
# claim https.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Headers (portal.core.middleware). Pages run no inline script or style: each behaviour is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# viewflow's back office and Django's admin carry style attributes and, on the assign/unassign pages, an inline
# "Back" handler: there, inline styles and exactly those handlers (by hash) are allowed, nothing else.
CSP_BACKOFFICE_PREFIXES = ("/backoffice/", "/admin/")
CSP_BACKOFFICE_UPDATE = {
    "script-src": [
        "'unsafe-hashes'",
        "'sha256-seD630z7277f97kwMcz927xhDjB8+HQCe4f0EztcsAU='",  # window.history.back(-1)
        "'sha256-GdAjV6tJJrCv5L8FkbHYzJwNrscSj7aTuYJzS/C7wZY='",  # ...;setTimeout(()=>Turbo.visit('.'), 100)
    ],
    "style-src": ["'unsafe-inline'"],
}
# Browser features no page uses are refused everywhere (an empty allowlist); a view that needs one says so with
# portal.core.middleware.permissions_policy(camera="self").
PERMISSIONS_POLICY = {"camera": "", "microphone": "", "geolocation": "", "usb": "", "payment": ""}

# Email (notifications, invitations): in development a file outbox under var/mail that a developer reads with
# `manage.py mail_outbox`; otherwise SMTP from the environment, and with DEBUG off the SMTP host must be given.
EMAIL_OUTBOX_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", EMAIL_OUTBOX_BACKEND if DEBUG or TESTING else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "" if not DEBUG and not TESTING else "localhost").strip()
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # seconds: a stalled server fails the try, Prefect retries
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ECS Online Systems <no-reply@ecscard.org.uk>")
if EMAIL_BACKEND.endswith("smtp.EmailBackend") and not EMAIL_HOST:
    raise ImproperlyConfigured("EMAIL_HOST must be set for the SMTP email backend when DEBUG is off.")

# SMS: the development outbox keeps every message in the database for a person to read.
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND", "portal.accounts.sms.OutboxBackend" if DEBUG or TESTING else "portal.accounts.sms.HttpSmsBackend"
)
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = os.environ.get("SMS_GATEWAY_API_KEY", "")
SMS_SENDER = os.environ.get("SMS_SENDER", "ECS")
if SMS_BACKEND.endswith("HttpSmsBackend") and not (SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY):
    raise ImproperlyConfigured("SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY must be set for the HTTP SMS backend.")

# Two-factor sign-in
OTP_CODE_VALIDITY_SECONDS = 300
OTP_MAX_FAILURES = 5
OTP_LOCKOUT_SECONDS = 15 * 60
OTP_RESEND_MIN_INTERVAL_SECONDS = 30
OTP_MAX_SENDS_PER_WINDOW = 5
OTP_ISSUER = "ECS Online Systems"

# Password guessing (django-axes, database handler: shared by every web process). Failures are counted per
# account and per client address, each on its own; a locked sign-in gets the same message as a wrong password.
INSTALLED_APPS.append("axes")
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the key the sign-in passes to authenticate()
# Failures are not wiped by a sign-in: axes would wipe every failure from that address, so a guesser with a login
# of their own could reset the count on someone else's account. They lapse after the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "portal.accounts.throttle.client_ip"
AXES_VERBOSE = False
# No AxesMiddleware: its lockout page would tell a guesser the account is locked; the sign-in view answers instead.
# models.W040: the work lists' count index carries a column INCLUDEd for index-only counts on PostgreSQL; SQLite (the
# embedded default) builds the same index without it, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "models.W040"]
# Addresses in X-Forwarded-For added by proxies we run (0: the app is reached directly; REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Counters for the throttles below live in this cache. The default file cache is shared by the web processes of
# one host; a deployment with several hosts points CACHE_BACKEND/CACHE_LOCATION at a shared cache.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND",
            "django.core.cache.backends.locmem.LocMemCache"
            if DEBUG or TESTING
            else "django.core.cache.backends.filebased.FileBasedCache",
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", str(VAR_DIR / "cache")),
    }
}
# Password-reset mail: at most this many to one address per hour, with the same answer whether sent or not.
PASSWORD_RESET_MAILS_PER_HOUR = int(os.environ.get("PASSWORD_RESET_MAILS_PER_HOUR", "3"))
# Employee look-ups (NI number and date of birth): per user and per organisation, per hour.
EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR = int(os.environ.get("EMPLOYEE_LOOKUPS_PER_USER_PER_HOUR", "30"))
EMPLOYEE_LOOKUPS_PER_ORGANISATION_PER_HOUR = int(os.environ.get("EMPLOYEE_LOOKUPS_PER_ORGANISATION_PER_HOUR", "100"))
# ECS Check API: requests each API key may make a minute (counted in the cache above).
ECS_API_REQUESTS_PER_MINUTE = int(os.environ.get("ECS_API_REQUESTS_PER_MINUTE", "120"))
# Invitations work once, for this many days, and never for a removed user.
INVITATION_VALIDITY_DAYS = int(os.environ.get("INVITATION_VALIDITY_DAYS", "7"))
# A licence applicant's status link works for this many days (each email to the applicant carries a fresh one).
LICENCE_STATUS_LINK_DAYS = int(os.environ.get("LICENCE_STATUS_LINK_DAYS", "30"))

# External parties: sandboxes on localhost under DEBUG and in tests. Otherwise each must be given, and a key must
# have its Stripe prefix and not be the sandbox's public value: a forgotten webhook secret stops the start instead
# of accepting events anyone can sign.
SANDBOXES_ALLOWED = DEBUG or TESTING


def third_party(name: str, sandbox: str, *, key_prefix: str = "") -> str:
    value = os.environ.get(name, "").strip()
    if SANDBOXES_ALLOWED:
        return value or sandbox
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")
    if key_prefix and (value == sandbox or not value.startswith(key_prefix)):
        raise ImproperlyConfigured(f"{name} must be a real key starting {key_prefix!r}, not the sandbox's.")
    return value


COMPANIES_HOUSE_URL = third_party("COMPANIES_HOUSE_URL", "http://127.0.0.1:8101")
COMPANIES_HOUSE_API_KEY = third_party("COMPANIES_HOUSE_API_KEY", "sandbox")
AWARDING_BODIES_URL = third_party("AWARDING_BODIES_URL", "http://127.0.0.1:8102")
EXTERNAL_TIMEOUT_SECONDS = float(os.environ.get("EXTERNAL_TIMEOUT_SECONDS", "5"))
STRIPE_API_BASE = third_party("STRIPE_API_BASE", "http://127.0.0.1:8420")
STRIPE_SECRET_KEY = third_party("STRIPE_SECRET_KEY", "sk_test_sandbox", key_prefix="sk_")
STRIPE_PUBLISHABLE_KEY = third_party("STRIPE_PUBLISHABLE_KEY", "pk_test_sandbox", key_prefix="pk_")
STRIPE_WEBHOOK_SECRET = third_party("STRIPE_WEBHOOK_SECRET", "whsec_sandbox", key_prefix="whsec_")

# Prefect: automated steps are handed to the task worker when their transaction commits.
# ECS_RUN_JOBS_INLINE runs them in-process instead (only for tests that do not start Prefect).
ECS_RUN_JOBS_INLINE = env_bool("ECS_RUN_JOBS_INLINE", False)
# Every process talks to a Prefect server it is given; none may start Prefect's temporary server.
os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Background tasks run outside any flow run: their logs stay local instead of warning about it.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

if not DEBUG and not TESTING:
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    if os.environ.get("DATABASE_URL") is None:
        raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")

# The JIB's details on BACS instructions and receipts (production sets them in the environment).
JIB_POSTAL_ADDRESS = os.environ.get(
    "JIB_POSTAL_ADDRESS", "The Joint Industry Board, Kingswood House, 47/51 Sidcup Hill, Sidcup, Kent DA14 6HP"
)
JIB_VAT_NUMBER = os.environ.get("JIB_VAT_NUMBER", "")
BACS_ACCOUNT_NAME = os.environ.get("BACS_ACCOUNT_NAME", "")
BACS_SORT_CODE = os.environ.get("BACS_SORT_CODE", "")
BACS_ACCOUNT_NUMBER = os.environ.get("BACS_ACCOUNT_NUMBER", "")
