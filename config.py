"""Configuration classes, read from the environment.

One base class holds the safe defaults; each environment changes only what differs.
Secrets never have a usable default in production: ``ProductionConfig.check`` refuses to
start without a real ``SECRET_KEY``.
"""

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production by check()


def env_bool(name: str, default: bool = False) -> bool:
    """Parse a yes/no environment variable; "false" and "0" mean False."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # None means "a SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # hide_parameters: a database error's log line never holds the values it tried to store
    # (a name, a date of birth, answers).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # The clinic's details seed its profile, which an admin then edits (Admin → Clinic).
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "Pain Clinic")
    CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "")
    CLINIC_EMAIL = os.environ.get("CLINIC_EMAIL", "")
    CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "")
    CLINIC_HOURS = os.environ.get("CLINIC_HOURS", "")
    # Data protection (DPDP Act 2023): whom patients write to, and how long records stay.
    GRIEVANCE_OFFICER = os.environ.get("GRIEVANCE_OFFICER", "")
    GRIEVANCE_CONTACT = os.environ.get("GRIEVANCE_CONTACT", "")
    RECORD_RETENTION_YEARS = env_int("RECORD_RETENTION_YEARS", 3)
    CRISIS_LINE = os.environ.get("CRISIS_LINE", "Tele-MANAS")
    CRISIS_NUMBERS = os.environ.get("CRISIS_NUMBERS", "14416, 1-800-891-4416")
    EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "112")
    # Times are stored in UTC and shown on this clock (an IANA name); exports keep UTC.
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "Asia/Kolkata")
    # Phone numbers typed without a country code are read in this region (ISO 3166).
    CLINIC_REGION = os.environ.get("CLINIC_REGION", "IN")

    # "About spinal cord stimulation": a folder of about-scs.v<N>.md files (default: the
    # text in app/content). A clinic's own text goes here, without code changes.
    INFORMATION_DIR = os.environ.get("INFORMATION_DIR")

    INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
    # flask backup keeps this many days of backups in the instance folder's backups/.
    BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 14)
    # FHIR identifier systems: the hospital's own for its patient numbers (UHID), and
    # the ABHA number's as the exchange the clinic joins names it.
    HOSPITAL_NUMBER_SYSTEM = os.environ.get(
        "HOSPITAL_NUMBER_SYSTEM", "urn:scs-intake:hospital-number"
    )
    ABHA_SYSTEM = os.environ.get("ABHA_SYSTEM", "https://healthid.abdm.gov.in")

    # Email (password reset links, urgent-answer notices). SMTP when MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@clinic.invalid")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if MAIL_SERVER else None)
    PASSWORD_RESET_HOURS = env_int("PASSWORD_RESET_HOURS", 2)
    # How long a PDF is kept by its HTML's hash, so a second download is a read (0: never).
    PDF_CACHE_HOURS = env_int("PDF_CACHE_HOURS", 24)
    # Who is emailed when a patient's answer raises an urgent item (none: worklist only).
    URGENT_RESPONDER_EMAIL = os.environ.get("URGENT_RESPONDER_EMAIL")

    # Texts to patients (app/platform/messaging.py): "console" prints them, "webhook"
    # POSTs signed JSON to a relay for any SMS/WhatsApp provider, "whatsapp" uses the
    # WhatsApp Business Cloud API. Email always goes by the MAIL_* settings.
    MESSAGE_BACKEND = os.environ.get("MESSAGE_BACKEND", "console")
    MESSAGE_WEBHOOK_URL = os.environ.get("MESSAGE_WEBHOOK_URL")
    MESSAGE_WEBHOOK_SECRET = os.environ.get("MESSAGE_WEBHOOK_SECRET")
    WHATSAPP_API_URL = os.environ.get("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
    WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID")
    WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN")
    WHATSAPP_LANGUAGE = os.environ.get("WHATSAPP_LANGUAGE", "en")
    # Reminders go this many days before the visit (flask reminders send, run daily).
    REMINDER_DAYS = os.environ.get("REMINDER_DAYS", "7,2")
    # Messages to patients wait out these hours on the clinic's clock ("21-8"; empty: none).
    MESSAGE_QUIET_HOURS = os.environ.get("MESSAGE_QUIET_HOURS", "21-8")
    # A phone for urgent notices too (SMS or WhatsApp, with a webhook/whatsapp backend).
    URGENT_RESPONDER_PHONE = os.environ.get("URGENT_RESPONDER_PHONE")
    URGENT_RESPONDER_CHANNEL = os.environ.get("URGENT_RESPONDER_CHANNEL", "sms")
    # A second responder, told when nobody has acknowledged an urgent item within this
    # many minutes of the clinic's opening hours (its profile's hours, "Mon–Sat 10:00–14:00").
    URGENT_ESCALATION_EMAIL = os.environ.get("URGENT_ESCALATION_EMAIL")
    URGENT_ESCALATION_PHONE = os.environ.get("URGENT_ESCALATION_PHONE")
    URGENT_ESCALATE_MINUTES = env_int("URGENT_ESCALATE_MINUTES", 60)

    # Work outside the request (app/platform/jobs.py): "rq" (Redis, run by `flask worker`),
    # "memory" (tests) or "sync" (runs at once: development, no worker to start).
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "sync")
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    JOB_RETRIES = env_int("JOB_RETRIES", 3)
    JOB_RETRY_SECONDS = os.environ.get("JOB_RETRY_SECONDS", "30,120,600")

    # Sessions: the signed cookie carries only ids; idle limits are enforced per request.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 15)
    PATIENT_IDLE_MINUTES = env_int("PATIENT_IDLE_MINUTES", 30)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # A patient may type for longer than an hour; the token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    # WTForms' own catalogues add nothing here: it has none in Hindi, and its English one
    # repeats the English. On, Flask-WTF reads that English file from disk on every request
    # that builds a form (0.4-0.6 ms of a section page or a summary; docs/performance.md).
    WTF_I18N_ENABLED = False

    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_PARTS = 1000

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    LOGIN_LIMIT = os.environ.get("LOGIN_LIMIT", "10 per minute")
    INVITATION_LIMIT = os.environ.get("INVITATION_LIMIT", "30 per hour")
    RESET_LIMIT = os.environ.get("RESET_LIMIT", "5 per hour")
    # Wrong API tokens from one client before it is answered 429 (a small burst).
    TOKEN_FAILURE_LIMIT = os.environ.get("TOKEN_FAILURE_LIMIT", "10 per minute")
    # Wrong passwords from one client before it waits for that account, and from anywhere
    # before the account takes one try a minute (app/records/login_limits.py).
    LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5)
    LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)
    ACCOUNT_SLOW_AFTER = env_int("ACCOUNT_SLOW_AFTER", 10)
    ACCOUNT_SLOW_SECONDS = env_int("ACCOUNT_SLOW_SECONDS", 60)

    # argon2id parameters (OWASP: m=19 MiB, t=2, p=1 is the floor).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    # How many proxies in front of the app to believe about the client (X-Forwarded-*),
    # and the addresses they connect from: forwarded headers from any other address are
    # ignored and logged (someone reached the app directly, claiming another address).
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    TRUSTED_PROXY_ADDRESSES = os.environ.get("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1")

    SEND_SECURITY_HEADERS = True
    HSTS = False

    @classmethod
    def check(cls) -> None:
        """Refuse configurations that are unsafe for this environment."""


class DevelopmentConfig(Config):
    DEBUG = False
    MAIL_BACKEND = Config.MAIL_BACKEND or "console"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    BASE_URL = "http://localhost"
    MAIL_BACKEND = "memory"
    MESSAGE_BACKEND = "memory"


class ProductionConfig(Config):
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "rq")
    # Printing texts to a server's log would be worse than not sending them: until a
    # provider is set, a text fails with its reason on the patient's page.
    MESSAGE_BACKEND = os.environ.get("MESSAGE_BACKEND", "")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    HSTS = True
    # Patients must always have a number to call (see clinic_profile.require_phone).
    REQUIRE_CLINIC_PHONE = True

    @classmethod
    def check(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                'in production, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
