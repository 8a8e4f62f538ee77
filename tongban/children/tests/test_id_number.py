"""Resident ID numbers (GB 11643): what a worker types is checked, read and masked before it is stored."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.children import idnumber, services
from tongban.children.idnumber import check_digit
from tongban.children.tests.factories import id_number, id_number_ending_in_x

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def with_wrong_check_digit(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def refusal(raw: str, language: str = "zh-hans") -> ValidationError:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        idnumber.parse(raw)
    return caught.value


def test_a_valid_number_gives_the_birth_date_and_sex():
    number = id_number(date(2015, 6, 1), "M", area="150602", seq=123)

    parsed = idnumber.parse(number)

    assert parsed.number == number
    assert parsed.birth_date == date(2015, 6, 1)
    assert parsed.sex == "M"


def test_an_even_seventeenth_digit_means_a_girl():
    parsed = idnumber.parse(id_number(date(2016, 3, 9), "F", seq=124))

    assert parsed.sex == "F"


def test_the_check_digit_follows_iso_7064_mod_11_2():
    # The worked example of GB 11643-1999: 11010519491231002 has the check digit X.
    assert check_digit("11010519491231002") == "X"
    assert idnumber.parse("11010519491231002X").birth_date == date(1949, 12, 31)


def test_a_wrong_check_digit_is_refused_as_a_mistyped_digit_in_chinese():
    error = refusal(with_wrong_check_digit(id_number(date(2015, 6, 1))))

    assert error.code == "id_checksum"
    assert "输错" in error.messages[0]


def test_a_wrong_check_digit_is_refused_as_a_mistyped_digit_in_english():
    error = refusal(with_wrong_check_digit(id_number(date(2015, 6, 1))), language="en")

    assert "mistyped" in error.messages[0]


def test_a_birth_date_that_does_not_exist_is_refused():
    body = "15060220130230123"  # 30 February 2013

    error = refusal(body + check_digit(body), language="en")

    assert error.code == "id_date"
    assert "20130230" in error.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    next_year = date.today() + timedelta(days=366)

    error = refusal(id_number(next_year))

    assert error.code == "id_date"


def test_a_number_of_the_wrong_length_is_refused():
    error = refusal("15060220150601123")

    assert error.code == "id_format"


def test_full_width_digits_and_a_lower_case_x_are_accepted_and_normalised():
    number = id_number_ending_in_x(date(2014, 11, 20), "M")
    typed = number[:-1].translate(FULL_WIDTH) + "x"

    parsed = idnumber.parse(f" {typed[:6]} {typed[6:]} ")

    assert parsed.number == number
    assert parsed.sex == "M"


def test_the_masked_form_keeps_the_address_code_and_the_last_four_characters():
    assert idnumber.mask("150602201506011234") == "150602********1234"
    number = id_number(date(2015, 6, 1), area="150602")
    assert idnumber.parse(number).masked == f"150602********{number[-4:]}"


def test_check_id_number_refuses_a_typed_birth_date_that_contradicts_the_number():
    number = id_number(date(2015, 6, 1), "F")

    with pytest.raises(ValidationError) as caught:
        services.check_id_number(number, birth_date=date(2015, 6, 2), sex="F")

    assert set(caught.value.message_dict) == {"birth_date"}


def test_check_id_number_refuses_a_typed_sex_that_contradicts_the_number():
    number = id_number(date(2015, 6, 1), "F")

    with pytest.raises(ValidationError) as caught:
        services.check_id_number(number, birth_date=date(2015, 6, 1), sex="M")

    assert set(caught.value.message_dict) == {"sex"}


def test_check_id_number_fills_birth_date_and_sex_when_they_were_not_typed():
    number = id_number(date(2012, 2, 29), "M")

    checked = services.check_id_number(number, birth_date=None, sex="")

    assert (checked.number, checked.birth_date, checked.sex) == (number, date(2012, 2, 29), "M")


def test_check_id_number_puts_a_mistyped_number_on_the_id_field():
    with pytest.raises(ValidationError) as caught:
        services.check_id_number(with_wrong_check_digit(id_number(date(2015, 6, 1))), birth_date=None, sex="")

    assert set(caught.value.message_dict) == {"id_number"}


def test_check_id_number_lets_a_child_without_a_number_through_with_what_was_typed():
    checked = services.check_id_number("  ", birth_date=date(2015, 6, 1), sex="F")

    assert (checked.number, checked.birth_date, checked.sex) == ("", date(2015, 6, 1), "F")
