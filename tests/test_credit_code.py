import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.errors import ValidationFailed
from gongkai.orgs.credit_code import ALPHABET, check_character, credit_code_problem
from gongkai.orgs.services import validate_credit_code

REAL_CODES = ["91350100M000100Y43", "113708280043326001", "11341702486344515H", "91110000802100433B"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91350100M000100Y4", "18位"),
        ("91350100M000100Y44", "校验位错误"),
        ("91350100M0001O0Y43", "不允许的字符"),
        ("9135X100M000100Y43", "行政区划"),
    ],
)
def test_bad_codes_are_explained(code: str, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None and fragment in problem


def test_service_normalises_and_raises_with_code() -> None:
    assert validate_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    with pytest.raises(ValidationFailed) as err:
        validate_credit_code("91350100M000100Y44")
    assert err.value.code == "invalid_credit_code" and err.value.field == "credit_code"


body = st.tuples(
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(body)
def test_generated_codes_validate(first17: str) -> None:
    assert credit_code_problem(first17 + check_character(first17)) is None


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_substitution_is_caught(first17: str, position: int, replacement: str) -> None:
    code = first17 + check_character(first17)
    if code[position] == replacement or (2 <= position < 8 and not replacement.isdigit()):
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    # The weights are coprime with 31, so every single-character error changes the check character.
    assert credit_code_problem(mutated) is not None
