"""Codes that people type: membership numbers, vouchers, tickets, check-in codes.

They are drawn from `secrets` in Crockford's base32 alphabet (no I, L, O or U, so
nothing is mistaken for 1, 0 or a rude word), end with a check character and are
grouped by four for reading aloud at a desk. The check character is the Luhn
mod 32 digit, which catches every single mistyped character and every swap of
two neighbouring characters but one (0 and Z, the alphabet's first and last, as
with any Luhn mod N), so a typo is refused before any database lookup. The QR
codes hold the staff page's address with the code in it.
"""

import secrets
from urllib.parse import parse_qs, urlsplit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE = len(ALPHABET)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Crockford decoding: letters people type by mistake map to the digit they look like.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _check_character(payload: str) -> str:
    """Luhn mod N over the payload, N = 32."""
    total = 0
    factor = 2
    for char in reversed(payload):
        addend = factor * _VALUE[char]
        total += addend // _BASE + addend % _BASE
        factor = 1 if factor == 2 else 2
    return ALPHABET[(_BASE - total % _BASE) % _BASE]


def code_generate(*, length: int = 11, group: int = 4) -> str:
    """A random code of `length` characters plus its check character, grouped."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return code_format(payload + _check_character(payload), group=group)


def code_from_scan(text: str, *, param: str) -> str:
    """What a desk scanner typed: the code itself, or the address a QR code holds (`…?<param>=CODE`).

    The QR codes of cards and vouchers hold addresses, so that any phone's
    camera opens the right staff page; a USB scanner or the in-page camera
    types that address into the field, and this gives back the code.
    """
    text = (text or "").strip()
    if "://" not in text:
        return text
    values = parse_qs(urlsplit(text).query).get(param)
    return values[0] if values else text


def code_format(raw: str, *, group: int = 4) -> str:
    return "-".join(raw[i : i + group] for i in range(0, len(raw), group))


def code_normalize(text: str) -> str:
    """What a person typed, as the canonical grouped code ('' when it cannot be one).

    Case, spaces and dashes are ignored; I, L and O are read as 1 and 0.
    """
    raw = "".join(ch for ch in (text or "").upper() if ch not in " -_.\t").translate(_ALIASES)
    if len(raw) < 2 or any(ch not in _VALUE for ch in raw):
        return ""
    return code_format(raw)


def code_is_valid(text: str) -> bool:
    """True when the check character matches: a typo is caught without a lookup."""
    code = code_normalize(text)
    if not code:
        return False
    raw = code.replace("-", "")
    return _check_character(raw[:-1]) == raw[-1]
