"""Finnish identifiers: business ID (Y-tunnus) and association register number."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit of a Y-tunnus, or None when no valid one exists (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(first_seven, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_business_id(value: str) -> str:
    """'1234567-8', '12345678', '123456-7' (old six-digit form) → '1234567-8'."""
    raw = re.sub(r"[\s.]", "", value or "")
    match = re.fullmatch(r"(\d{6,7})-?(\d)", raw)
    if not match:
        return raw
    return f"{match.group(1).zfill(7)}-{match.group(2)}"


def validate_business_id(value: str) -> None:
    normalised = normalise_business_id(value)
    if not re.fullmatch(r"\d{7}-\d", normalised):
        raise ValidationError(
            _("Y-tunnus %(value)s ei ole muotoa 1234567-8.") % {"value": value}, code="format"
        )
    expected = business_id_check_digit(normalised[:7])
    if expected is None or expected != int(normalised[-1]):
        raise ValidationError(
            _("Y-tunnuksen %(value)s tarkistusnumero ei täsmää.") % {"value": value},
            code="check_digit",
        )


def normalise_register_number(value: str) -> str:
    """'123.456', '123 456', 'ry 123456' → '123456'."""
    return re.sub(r"\D", "", value or "")


def validate_register_number(value: str) -> None:
    digits = normalise_register_number(value)
    if not digits or len(digits) > 7 or digits != re.sub(r"[\s.]", "", value.strip()):
        raise ValidationError(
            _("Yhdistysrekisterinumero %(value)s ei kelpaa: anna enintään seitsemän numeroa.")
            % {"value": value},
            code="format",
        )
