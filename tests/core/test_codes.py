import pytest
from django.core.exceptions import ValidationError

from ainet.core.codes import check_digit, validate_municipality_code
from ainet.core.models import Municipality


@pytest.mark.parametrize("code", ["141011", "131041", "131130", "010006", "131008", "１４１０１１"])
def test_valid_codes_pass(code: str) -> None:
    validate_municipality_code(code)


@pytest.mark.parametrize("code", ["141012", "141010", "131040", "131131"])
def test_a_wrong_check_digit_is_rejected_with_the_expected_digit(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_municipality_code(code)
    assert caught.value.code == "check_digit"
    assert str(check_digit(code[:5])) in str(caught.value.messages)


@pytest.mark.parametrize("code", ["", "14101", "1410111", "14101a", "abcdef", "14 011", "١٤١٠١١"])
def test_malformed_codes_are_rejected_as_format_errors(code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_municipality_code(code)
    assert caught.value.code == "format"


def test_remainders_zero_and_one_keep_only_the_last_digit() -> None:
    assert check_digit("13104") == 1  # 新宿区: remainder 0 → 11 → 1
    assert check_digit("13113") == 0  # 渋谷区: remainder 1 → 10 → 0


@pytest.mark.django_db
def test_a_municipality_with_a_bad_code_does_not_validate() -> None:
    with pytest.raises(ValidationError):
        Municipality(code="141012", name="x").full_clean()
