"""Password and login rules."""

from datetime import datetime, timedelta

from tracker.i18n import N_

MIN_PASSWORD_LENGTH = 10


def password_problem(new: str, confirm: str, username: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(new) < MIN_PASSWORD_LENGTH:
        return N_("The new password needs at least 10 characters.")
    if new != confirm:
        return N_("The two new passwords differ.")
    if username.lower() in new.lower():
        return N_("The new password must not contain the username.")
    return None


# Outcomes of a login attempt that count towards the lock: a wrong password, an unknown or
# inactive username. Attempts refused while locked do not extend the lock.
FAILURES = ("wrong_password", "unknown_user", "inactive")


def locked_until(recent: list[tuple[datetime, str]], max_failures: int, window: timedelta) -> datetime | None:
    """When the lock on a username ends, or None. recent: its attempts within the window, newest
    first, as (time, outcome). Locked while `max_failures` failures since the last success lie
    within the window; the lock lifts when the oldest of them leaves it."""
    failures = []
    for at, outcome in recent:
        if outcome == "ok":
            break
        if outcome in FAILURES:
            failures.append(at)
    if len(failures) < max_failures:
        return None
    return failures[max_failures - 1] + window
