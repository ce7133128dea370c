"""全国地方公共団体コード (local government codes, JIS X 0402) and their check digit."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(five_digits: str) -> int:
    """The sixth digit: 11 minus the weighted sum mod 11, keeping only the last digit, so a
    remainder of 0 gives 1 and a remainder of 1 gives 0 (新宿区 131041, 渋谷区 131130)."""
    total = sum(int(digit) * weight for digit, weight in zip(five_digits, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def normalise_code(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def validate_municipality_code(value: str) -> None:
    code = normalise_code(value)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValidationError(
            _("A local government code has six digits (for example 141011)."),
            code="format",
        )
    if check_digit(code[:5]) != int(code[5]):
        raise ValidationError(
            _("The check digit of %(code)s is wrong: the code would end in %(expected)s."),
            code="check_digit",
            params={"code": code, "expected": check_digit(code[:5])},
        )
