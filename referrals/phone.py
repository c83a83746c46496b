"""Is this a number a service can call back? The directory's UK number rules, narrowed to personal lines.

knowledge/quality/check.py decides what a dialable UK number is (one set of rules for the whole project). A
call-back also needs a number that reaches one person: a mobile (07), a geographic landline (01, 02) or an 03
number. Short codes, 999/111/116 xxx and freephone lines are valid numbers but not anyone's own phone.
"""
from __future__ import annotations

from knowledge.quality.check import is_valid_uk_number, normalise_uk_number

_PERSONAL_PREFIXES = ("01", "02", "03", "07")


def callback_number(text: str | None) -> str | None:
    """The number in national form ("07700900123") if a service could call it back, else None."""
    if not text or not is_valid_uk_number(text):
        return None
    digits = normalise_uk_number(text)
    if not digits.startswith(_PERSONAL_PREFIXES) or len(digits) < 10:
        return None
    return digits


def spoken(number: str) -> str:
    """07700900123 -> '07700 900123' (mobiles) or '01632 960123': easier to read back."""
    return f"{number[:5]} {number[5:]}" if len(number) > 6 else number


def ending(number: str) -> str:
    """The last three digits, to confirm a number without repeating it whole on a screen others may see."""
    return number[-3:]
