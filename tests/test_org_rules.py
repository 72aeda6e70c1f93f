import pytest

from tracker.org.rules import credit_code_error, normalise_credit_code


def test_a_valid_credit_code_passes():
    assert credit_code_error("91230109MA1B2C3D4B") is None


def test_a_wrong_check_character_is_named():
    assert "check character" in credit_code_error("91230109MA1B2C3D4C")


@pytest.mark.parametrize("code", ["9123010", "91230109MA1B2C3D4BX", ""])
def test_a_wrong_length_is_refused(code):
    assert "18 characters" in credit_code_error(code)


def test_letters_outside_the_alphabet_are_refused():
    # I, O, S, V and Z are not used in credit codes
    assert credit_code_error("91230109MA1B2C3DIB") is not None


def test_spaces_and_dashes_are_dropped_before_checking():
    assert normalise_credit_code(" 9123 0109-MA1B2C3D4B ") == "91230109MA1B2C3D4B"
