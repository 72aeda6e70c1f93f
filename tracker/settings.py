"""One frozen settings object, read from the environment once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR / 'tracker.sqlite'}"
TIMEZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: bytes
    host: str
    port: int
    # Early warning thresholds (DESIGN §3), in working days.
    red_overdue_workdays: int
    amber_due_within_workdays: int
    amber_signals_for_red: int
    workload_limit: int
    breach_overdue_workdays: int
    page_size: int
    login_max_failures: int
    login_lock_minutes: int
    # Only for demos and tests: pretend today is this date.
    today_override: date | None
    secure_cookies: bool
    # PostgreSQL connection pool per app server; 0 opens a connection per query (tests do, as
    # they query from another event loop than the app's).
    db_pool_size: int
    # Enterprise requests (DESIGN §3): deadlines in working days, escalation, attachments.
    request_ack_workdays: int
    request_answer_workdays: int
    request_escalate_reopens: int
    upload_dir: Path
    upload_max_bytes: int
    upload_max_files: int
    # Names printed on the briefings.
    city: dict[str, str]
    issuer: dict[str, str]
    # Reminders (DESIGN §3 "Reminders"): channels, schedule and the escalation threshold.
    smtp_url: str
    mail_from: str
    base_url: str
    webhook_url: str
    webhook_format: str
    sms_adapter: str
    notify_every_minutes: int
    notify_digest_hour: int
    notify_max_attempts: int
    notify_retry_minutes: int
    notify_default_channels: tuple[str, ...]
    handover_escalate_workdays: int
    # Utility connections (水电气热): the target and the stretch target, in working days.
    utility_target_workdays: int = 30
    utility_stretch_workdays: int = 15
    # The read API (/api/v1/): requests per minute per token, counted per app server (0: no limit).
    api_rate_limit: int = 600
    # Visits (回访): how often each level visits, per project level ("" = the defaults in
    # tracker/visits/rules.py), e.g. "provincial:officer=30,district=60,city=120;district:officer=45".
    visit_plan: str = ""
    # Satisfaction callbacks: the share drawn each month (per cent), and the working days after the
    # draw before an open callback is a reminder.
    callback_sample_percent: int = 20
    callback_remind_workdays: int = 5


def private_dir(path: Path) -> Path:
    """Create a directory only its owner may read (0700); an existing one is left as it is (it
    may be shared, such as /tmp)."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner may read (0600), even under a permissive umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
    finally:
        os.close(fd)


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _secret_key() -> bytes:
    """SECRET_KEY (hex, 32 bytes) from the environment, else a key kept under var/.

    Several app servers behind one load balancer must share SECRET_KEY.
    """
    if value := os.environ.get("SECRET_KEY"):
        key = bytes.fromhex(value) if len(value) == 64 else value.encode()[:32].ljust(32, b"0")
        return key
    path = VAR / "secret.key"
    if not path.exists():
        private_dir(VAR)
        write_private(path, secrets.token_hex(32).encode())
    return bytes.fromhex(path.read_text().strip())


@lru_cache
def get_settings() -> Settings:
    today = os.environ.get("TRACKER_TODAY")
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        secret_key=_secret_key(),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=_int("PORT", 8000),
        red_overdue_workdays=_int("TRACKER_RED_OVERDUE_WORKDAYS", 10),
        amber_due_within_workdays=_int("TRACKER_AMBER_DUE_WITHIN_WORKDAYS", 5),
        amber_signals_for_red=_int("TRACKER_AMBER_SIGNALS_FOR_RED", 2),
        workload_limit=_int("TRACKER_WORKLOAD_LIMIT", 7),
        breach_overdue_workdays=_int("TRACKER_BREACH_OVERDUE_WORKDAYS", 10),
        page_size=_int("TRACKER_PAGE_SIZE", 50),
        login_max_failures=_int("TRACKER_LOGIN_MAX_FAILURES", 5),
        login_lock_minutes=_int("TRACKER_LOGIN_LOCK_MINUTES", 15),
        today_override=date.fromisoformat(today) if today else None,
        secure_cookies=os.environ.get("TRACKER_SECURE_COOKIES", "0") == "1",
        db_pool_size=_int("TRACKER_DB_POOL_SIZE", 20),
        request_ack_workdays=_int("TRACKER_REQUEST_ACK_WORKDAYS", 1),
        request_answer_workdays=_int("TRACKER_REQUEST_ANSWER_WORKDAYS", 5),
        request_escalate_reopens=_int("TRACKER_REQUEST_ESCALATE_REOPENS", 3),
        # Outside the web root; files are served only through permission-checked routes.
        upload_dir=Path(os.environ.get("TRACKER_UPLOAD_DIR") or VAR / "uploads"),
        upload_max_bytes=_int("TRACKER_UPLOAD_MAX_BYTES", 5 * 1024 * 1024),
        upload_max_files=_int("TRACKER_UPLOAD_MAX_FILES", 5),
        city={"zh": os.environ.get("TRACKER_CITY_ZH", "哈尔滨市"), "en": os.environ.get("TRACKER_CITY_EN", "Harbin")},
        issuer={"zh": os.environ.get("TRACKER_ISSUER_ZH", "哈尔滨市投资促进局"),
                "en": os.environ.get("TRACKER_ISSUER_EN", "Harbin Investment Promotion Bureau")},
        smtp_url=os.environ.get("TRACKER_SMTP_URL", ""),
        mail_from=os.environ.get("TRACKER_MAIL_FROM", ""),
        base_url=(os.environ.get("TRACKER_BASE_URL") or "").rstrip("/"),
        webhook_url=os.environ.get("TRACKER_WEBHOOK_URL", ""),
        webhook_format=os.environ.get("TRACKER_WEBHOOK_FORMAT", "wecom"),
        sms_adapter=os.environ.get("TRACKER_SMS_ADAPTER", "log"),
        notify_every_minutes=_int("TRACKER_NOTIFY_EVERY_MINUTES", 10),
        notify_digest_hour=_int("TRACKER_NOTIFY_DIGEST_HOUR", 8),
        notify_max_attempts=_int("TRACKER_NOTIFY_MAX_ATTEMPTS", 5),
        notify_retry_minutes=_int("TRACKER_NOTIFY_RETRY_MINUTES", 5),
        notify_default_channels=tuple(
            c.strip() for c in os.environ.get("TRACKER_NOTIFY_DEFAULT_CHANNELS", "email").split(",") if c.strip()
        ),
        handover_escalate_workdays=_int("TRACKER_HANDOVER_ESCALATE_WORKDAYS", 3),
        utility_target_workdays=_int("TRACKER_UTILITY_TARGET_WORKDAYS", 30),
        utility_stretch_workdays=_int("TRACKER_UTILITY_STRETCH_WORKDAYS", 15),
        api_rate_limit=_int("TRACKER_API_RATE_LIMIT", 600),
        visit_plan=os.environ.get("TRACKER_VISIT_PLAN", ""),
        callback_sample_percent=_int("TRACKER_CALLBACK_SAMPLE_PERCENT", 20),
        callback_remind_workdays=_int("TRACKER_CALLBACK_REMIND_WORKDAYS", 5),
    )


def today() -> date:
    """The bureau's today, in Asia/Shanghai."""
    override = get_settings().today_override
    return override or datetime.now(TIMEZONE).date()


def sqlite_path(url: str) -> str | None:
    """The file path of an SQLite URL as SQLAlchemy writes them, or None for other engines.

    sqlite:///relative/path -> relative/path; sqlite:////absolute/path -> /absolute/path.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    return url[len(prefix):]


def engine_from_url(url: str):
    from piccolo.engine.postgres import PostgresEngine

    from tracker.sqlite_engine import TrackerSQLiteEngine

    if (path := sqlite_path(url)) is not None:
        # The database (and the -wal/-shm files SQLite creates with the same mode) readable only
        # by the owner; an empty file is a valid new database.
        private_dir(Path(path).parent)
        if not Path(path).exists():
            write_private(Path(path), b"")
        # timeout: how long a writer waits for SQLite's lock before "database is locked".
        return TrackerSQLiteEngine(path=path, timeout=30)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresEngine(config={"dsn": url})
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, got {url!r}")
