"""Password rules."""

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
