from hypothesis import given
from hypothesis import strategies as st

from club.core.codes import ALPHABET, code_generate, code_is_valid, code_normalize


def test_generated_code_is_grouped_crockford_and_valid():
    code = code_generate(length=11)
    assert len(code) == 14 and code.count("-") == 2
    assert set(code.replace("-", "")) <= set(ALPHABET)
    assert not set(code) & set("ILOU")
    assert code_is_valid(code)


def test_every_single_mistyped_character_is_caught():
    code = code_generate(length=11)
    raw = code.replace("-", "")
    for position, original in enumerate(raw):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            typo = raw[:position] + replacement + raw[position + 1 :]
            assert not code_is_valid(typo), f"{typo} should be refused (from {raw})"


def test_every_swap_of_neighbouring_characters_is_caught_but_0_and_z():
    """Luhn mod N misses one swap only: the first and the last characters of the alphabet (0 and Z)."""
    from club.core.codes import ALPHABET, _check_character

    for a in ALPHABET:
        for b in ALPHABET:
            if a == b or {a, b} == {"0", "Z"}:
                continue
            payload = f"K7{a}{b}M2Q9XTR"[:11]
            raw = payload + _check_character(payload)
            swapped = raw[:2] + b + a + raw[4:]
            assert not code_is_valid(swapped), f"{swapped} should be refused (from {raw})"


def test_typed_code_is_normalized_case_dashes_and_lookalikes():
    code = code_generate(length=11)
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert code_normalize(typed) == code
    assert code_is_valid(typed)


def test_garbage_is_not_a_code():
    assert code_normalize("") == ""
    assert code_normalize("é!") == ""
    assert not code_is_valid("hello world!")


@given(st.integers(min_value=2, max_value=20))
def test_codes_of_any_length_validate(length):
    assert code_is_valid(code_generate(length=length))
