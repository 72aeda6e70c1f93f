"""Rules about enterprises and officers."""

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def credit_code_error(code: str) -> str | None:
    """Why a unified social credit code (GB 32100-2015) is invalid, or None when it is valid."""
    try:
        uscc.validate(code)
    except InvalidLength:
        return "A unified social credit code has 18 characters."
    except InvalidChecksum:
        return "The check character of the unified social credit code is wrong."
    except (InvalidFormat, InvalidComponent):
        return "The unified social credit code contains characters that are not allowed."
    return None


def normalise_credit_code(code: str) -> str:
    return uscc.compact(code)
