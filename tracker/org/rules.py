"""Rules about enterprises and officers."""

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from tracker.i18n import N_


def credit_code_error(code: str) -> str | None:
    """Why a unified social credit code (GB 32100-2015) is invalid, or None when it is valid."""
    try:
        uscc.validate(code)
    except InvalidLength:
        return N_("A unified social credit code has 18 characters.")
    except InvalidChecksum:
        return N_("The check character of the unified social credit code is wrong.")
    except (InvalidFormat, InvalidComponent):
        return N_("The unified social credit code contains characters that are not allowed.")
    return None


def normalise_credit_code(code: str) -> str:
    return uscc.compact(code)
