"""Finding each field of a certificate in tesseract's words, whatever the layout (no OCR run here)."""

from datetime import date

import pytest

from bench.ocr_bench import seeded_hints
from portal.documents.ocr import Line, QualificationHint, ReadingHints, Word, _read_lines

HINTS = seeded_hints()


def lines(*rows: str, conf: float = 95.0) -> list[Line]:
    """One Line per row, the rows 60 pixels apart, each word 20 pixels wide per character."""
    result = []
    for index, row in enumerate(rows):
        words, left = [], 100
        for text in row.split():
            words.append(Word(text, conf, left, 100 + index * 60, 20 * len(text), 40))
            left += 20 * len(text) + 20
        result.append(Line(words))
    return result


def read(*rows: str, first="Jeff", last="Jones", born=date(1985, 6, 15), conf=95.0):
    hints = ReadingHints(first, last, born, HINTS.bodies, HINTS.qualifications)
    return _read_lines(lines(*rows, conf=conf), hints)


@pytest.mark.parametrize(
    "printed",
    [
        "12/03/2020",
        "12-03-2020",
        "12.03.2020",
        "12 March 2020",
        "12th March 2020",
        "12 Mar 2020",
        "12th of March, 2020",
    ],  # fmt: skip
)
def test_every_common_uk_date_format_is_read(printed):
    assert read("EAL", f"Date of award: {printed}").date_awarded == date(2020, 3, 12)


def test_only_month_and_year_gives_the_month_not_a_made_up_day():
    reading = read("NOCN", "Month of award: March 2020")
    assert reading.date_awarded is None and reading.month_awarded == "2020-03"


def test_the_award_date_is_the_labelled_one_never_the_date_of_birth():
    reading = read("EAL", "Date of birth: 15/06/1985", "Registered 01/09/2017", "Issued on 12/03/2020")
    assert reading.date_awarded == date(2020, 3, 12)
    # The date of birth on the record is never the award date, labelled or not.
    assert read("EAL", "15/06/1985", "12/03/2020").date_awarded == date(2020, 3, 12)
    # Two unlabelled dates: which is the award is not known, so none is given.
    assert read("EAL", "12/03/2020", "14/05/2021").date_awarded is None
    # A label below the value (labels after values) counts.
    assert read("EAL", "12 March 2020", "Date of certification").date_awarded == date(2020, 3, 12)


def test_a_date_read_without_confidence_is_not_given():
    assert read("EAL", "Date of award: 12/03/2020", conf=30).date_awarded is None


def test_the_expected_name_is_found_in_any_case_order_and_with_ocr_confusions():
    for printed in ["Learner: JONES, Jeff", "JEFF J0NES", "Mr Jeff Jones", "hereby certifies that jeff jones has"]:
        assert read("EAL", printed).candidate_name == "Jeff Jones", printed


def test_someone_elses_certificate_is_not_read_as_the_expected_name():
    reading = read("City & Guilds", "This is to certify that", "Dylan Davies")
    assert reading.candidate_name == "Dylan Davies"
    assert read("City & Guilds", "Learner: DAVIES, Dylan").candidate_name == "Dylan Davies"
    # A first name half read is not given as someone else's name.
    assert read("City & Guilds", "Learner: J Jones").candidate_name == ""
    # A surname alone is not the operative.
    assert read("EAL", "Mrs Ann Jones", first="Jeff").candidate_name != "Jeff Jones"


def test_certificate_numbers_by_each_bodys_shape_with_ocr_confusions_undone():
    assert read("City & Guilds", "Certificate serial: CG7OO037").certificate_number == "CG700037"
    assert read("City & Guilds", "No. CG 700037").certificate_number == "CG700037"
    # Another body's shape is not taken for this body's number.
    reading = read("City & Guilds", "Ref EAL700555")
    assert reading.awarding_body == "city-and-guilds" and reading.certificate_number == ""
    # The number names the body when its name is not printed.
    assert read("Certificate LCL701073").awarding_body == "lcl-awards"
    # Two different numbers and no label to choose by: none is given.
    assert read("EAL", "EAL700555 EAL700814").certificate_number == ""


def test_the_qualification_by_code_or_fuzzy_title_from_the_catalogue():
    reading = read("EAL", "Qualification: 603/3417/5")
    assert reading.qualification_code == "603/3417/5"
    assert reading.qualification_title == "Level 3 Award in BS 7671 Requirements for Electrical Installations"
    reading = read("City & Guilds", "Level 3 NVQ Dipl0ma in Installing Electrotechnical", "Systems and Equipmenl")
    assert reading.qualification_code == "2357-13"
    # The catalogue of the body read: the same title at another body is not taken.
    assert read("City & Guilds", "Level 2 Diploma in Electrical Installation").qualification_code == ""
    # 5357-M is not 5357.
    assert read("City & Guilds", "Qualification 5357-M").qualification_code == "5357-M"


def test_a_code_and_a_title_that_disagree_give_neither():
    reading = read("City & Guilds", "Qualification 2382-22", "Level 3 NVQ Diploma in Installing Electrotechnical "
                   "Systems and Equipment")  # fmt: skip
    assert reading.qualification_code == "" and reading.qualification_title == ""


def test_the_body_by_the_names_it_prints():
    assert read("City and Guilds of London Institute").awarding_body == "city-and-guilds"
    assert read("Excellence, Achievement & Learning").awarding_body == "eal"
    assert read("the deal was eal").awarding_body == ""  # an acronym only in capitals
    hints = ReadingHints(qualifications=(QualificationHint("eal", "603/3417/5", "x"),))
    assert _read_lines(lines("EAL"), hints).awarding_body == "eal"  # default bodies without reference data


def placed(*rows: list[tuple[int, str]], conf: float = 95.0) -> list[Line]:
    """One Line per row of (left, text) pieces: columns and boxes where they are on the page."""
    result = []
    for index, row in enumerate(rows):
        words = []
        for left, piece in row:
            for text in piece.split():
                words.append(Word(text, conf, left, 100 + index * 60, 20 * len(text), 40))
                left += 20 * len(text) + 20
        result.append(Line(words))
    return result


def read_placed(*rows, first="Jeff", last="Jones", born=date(1985, 6, 15)):
    return _read_lines(placed(*rows), ReadingHints(first, last, born, HINTS.bodies, HINTS.qualifications))


def test_a_number_whose_prefix_holds_a_digit_or_a_letter_read_as_a_digit():
    assert read("NET", "Candidate number: AM2S575518").certificate_number == "AM2S575518"
    assert read("NET", "Candidate number: AM2S57SS18").certificate_number == "AM2S575518"
    assert read("City & Guilds", "Certificate serial: C6700037").certificate_number == "CG700037"
    # Digits alone (a date, a qualification code) never become a number by reading their digits as letters.
    assert read("City & Guilds", "Registered 60/03/7037").certificate_number == ""


def test_someone_elses_name_under_its_label_in_a_row_of_boxes():
    reading = read_placed([(100, "LEARNER NAME"), (1800, "DATE OF BIRTH")],
                          [(100, "Dylan Davies"), (1800, "11/04/1983")])  # fmt: skip
    assert reading.candidate_name == "Dylan Davies"
    # The label beside it is never taken for a name.
    reading = read_placed([(100, "LEARNER NAME"), (1800, "DATE OF BIRTH")], [(1800, "11/04/1983")])
    assert reading.candidate_name == ""
    assert read("City & Guilds", "Candidate: Date Of Birth").candidate_name == ""
    # Only the words under the label: not the next box's value as well.
    reading = read_placed([(100, "CENTRE"), (1200, "LEARNER NAME")], [(100, "Midlands Skills"), (1200, "Dylan Davies")])
    assert reading.candidate_name == "Dylan Davies"


def test_a_name_in_capitals_is_written_as_names_are():
    assert read("EAL", "Learner: MCALLISTER, Chloe").candidate_name == "Chloe McAllister"
    assert read("EAL", "Candidate: SIOBHAN O'SULLIVAN").candidate_name == "Siobhan O'Sullivan"
    assert read("EAL", "Candidate: GARETH LLEWELLYN-JONES").candidate_name == "Gareth Llewellyn-Jones"


def test_the_date_under_its_own_box_label_not_the_neighbouring_box():
    reading = read_placed([(100, "LEARNER NAME"), (1200, "DATE OF BIRTH"), (2200, "DATE ACHIEVED")],
                          [(100, "Dylan Davies"), (1200, "11/04/1983"), (2200, "12/03/2020")],
                          first="Someone", last="Else", born=None)  # fmt: skip
    assert reading.date_awarded == date(2020, 3, 12)
    # On one line, the label nearest before each date is the one that counts.
    assert read("EAL", "Date of birth: 11/04/1983 Date of award: 12/03/2020", born=None).date_awarded == date(
        2020, 3, 12
    )


def test_dates_in_a_table_of_units_are_not_the_award_date():
    rows = ["EAL", "Unit Achieved", "Unit 301 14/05/2019", "Unit 302 23/03/2019", "Unit 303 20/10/2019"]
    assert read(*rows).date_awarded is None
    # Units achieved on one day: still a unit's date, not the certificate's.
    assert read("EAL", "Unit 301 14/05/2019", "Unit 302 14/05/2019", "Unit 303 14/05/2019").date_awarded is None
    assert read(*rows, "Date of issue: 18 January 2020").date_awarded == date(2020, 1, 18)


def test_a_date_in_the_future_is_not_the_award_date():
    assert read("EAL", "Awarded 12/03/2020", "Valid to 12/03/2099").date_awarded == date(2020, 3, 12)
    assert read("EAL", "12/03/2099").date_awarded is None


def test_a_page_read_only_the_second_way_is_readable():
    from portal.documents.ocr import CertificateReading, _merge

    merged = _merge(CertificateReading(readable=False), read("EAL", "Certificate number: EAL700555"))
    assert merged.readable and merged.certificate_number == "EAL700555"


# --- the learner's ULN (NOCN checks certificates by it) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["ULN: 1234567890"], "1234567890"),
        (["Unique Learner Number: ULN4000000037"], "ULN4000000037"),
        (["Learner Number 4000000037"], "4000000037"),
        (["Learner Ref. ULN 4000000037"], "ULN4000000037"),
        (["ULN4000000037"], "ULN4000000037"),  # the prefix labels the digits itself
        (["ULN: 4000O00037"], "4000000037"),  # an O read for a 0
    ],
)
def test_the_uln_is_found_by_its_label_on_the_same_line(rows, expected):
    assert read("NOCN", "Certificate Serial: NOC701369", *rows).learner_reference == expected


def test_the_uln_is_found_on_the_line_under_its_label():
    assert read("NOCN", "Unique Learner Number", "4000000037").learner_reference == "4000000037"
    # A row of labels with their values under them: the value under the ULN's label, not its neighbour's.
    reading = read("NOCN", "Cert. No. ULN Achieved", "NOC701369 4000000037 10/01/2018")
    assert reading.learner_reference == "4000000037" and reading.certificate_number == "NOC701369"
    # Labels printed under their values: a label alone on its line, the value over it.
    assert read("NOCN", "ULN4000000037", "Unique Learner Number").learner_reference == "ULN4000000037"
    assert read("NOCN", "4000000037", "Learner number", "NOC701369", "Certificate number").learner_reference == (
        "4000000037"
    )


def test_the_uln_is_not_a_certificate_number_a_date_or_an_unlabelled_number():
    reading = read("NOCN", "Certificate Serial: NOC701369", "Award Date: 10/01/2018")
    assert reading.learner_reference == "" and reading.certificate_number == "NOC701369"
    # A certificate number or a date beside or under the label is not a ULN.
    assert read("NOCN", "Learner number: NOC701369").learner_reference == ""
    assert read("NOCN", "Learner ref: 10/01/2018").learner_reference == ""
    assert read("NOCN", "ULN", "10 January 2018").learner_reference == ""
    assert read("NOCN", "Learner number 12345678").learner_reference == ""  # too short
    assert read("NOCN", "Learner number 123456789012").learner_reference == ""  # too long
    # Ten digits without a label (a telephone number, a centre's reference) are not one.
    assert read("NOCN", "Telephone 0123456789").learner_reference == ""
    # The ULN does not become the certificate number, nor a date.
    reading = read("NOCN", "ULN: 1001201800", "Certificate Serial: NOC701369")
    assert reading.certificate_number == "NOC701369" and reading.date_awarded is None
    assert reading.learner_reference == "1001201800"


def test_a_uln_read_without_confidence_or_two_different_ones_are_not_given():
    assert read("NOCN", "ULN: 4000000037", conf=40).learner_reference == ""
    assert read("NOCN", "ULN: 4000000037", "Learner number: 4000000038").learner_reference == ""
    # The same ULN printed twice, with and without its prefix, is one.
    assert read("NOCN", "ULN: 4000000037", "Learner number: ULN4000000037").learner_reference == "ULN4000000037"


def test_a_missing_uln_counts_as_missing_only_for_a_body_that_checks_by_it():
    # A field missing is what makes the second reading: NOCN's certificate without its ULN is read again.
    assert "learner_reference" in read("NOCN", "Certificate Serial: NOC701369").missing()
    assert "learner_reference" not in read("NOCN", "Certificate Serial: NOC701369", "ULN: 4000000037").missing()
    assert "learner_reference" not in read("EAL", "Certificate Number: EAL700555").missing()
