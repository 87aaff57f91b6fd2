"""The words of the guard language: what Python's parser would accept but a guard must not (comments, Unicode names,
other number and string spellings), each refused where it stands, with a hint; what the docs promise still works."""

from __future__ import annotations

import pytest

from pathway.expr import Compiled, compile_expr
from pathway.expr.lexical import MAX_DIGITS, scan
from tests.test_expr import SYMBOLS, issues

REFUSED = [
    # (id, text, code, offset, length, message fragment, hint fragment)
    ("comment", "sensory_grade >= 3 # and motor_grade >= 9", "PW202", 19, 22, "cannot hold a comment", "note:"),
    ("comment-first", "# diabetes", "PW202", 0, 10, "cannot hold a comment", "remove the '#'"),
    ("fullwidth-name", "ｓensory_grade >= 3", "PW202", 0, 13, "U+FF53 FULLWIDTH", "read as 'sensory_grade'"),
    ("ligature-name", "diabetes and ﬁrst > 1", "PW202", 13, 4, "U+FB01", "read as 'first'"),
    ("accented-name", "gradé > 1", "PW202", 0, 5, "'gradé' holds the character 'é'", "ASCII"),
    ("fullwidth-digit", "sensory_grade >= ３", "PW202", 17, 1, "U+FF13", "read as '3'"),
    ("no-break-space", "sensory_grade >=\u00a03", "PW202", 16, 1, "U+00A0 NO-BREAK SPACE", "ordinary space"),
    ("cyrillic-a", "diаbetes", "PW202", 0, 8, "U+0430 CYRILLIC SMALL LETTER A", "ASCII"),
    ("hex", "sensory_grade >= 0x10", "PW202", 17, 4, "'0x10' is not a number", "decimal"),
    ("octal", "sensory_grade >= 0o7", "PW202", 17, 3, "'0o7'", "decimal"),
    ("binary", "sensory_grade >= 0b1", "PW202", 17, 3, "'0b1'", "decimal"),
    ("underscore", "sensory_grade >= 1_000", "PW202", 17, 5, "'1_000'", "1000"),
    ("exponent", "hba1c_percent > 1e3", "PW202", 16, 3, "'1e3'", "in full"),
    ("exponent-upper", "hba1c_percent > 1E3", "PW202", 16, 3, "'1E3'", "in full"),
    ("complex", "hba1c_percent > 1j", "PW202", 16, 2, "'1j'", "complex"),
    ("trailing-point", "hba1c_percent > 1.", "PW202", 16, 2, "'1.'", "write 1 or 1.0"),
    ("leading-point", "hba1c_percent > .5", "PW202", 16, 2, "'.5'", "0.5"),
    # found by the fuzz test: str.isdigit() holds for '¹', which is no ASCII digit (the scanner asserted and crashed)
    ("point-superscript", "hba1c_percent > .¹", "PW202", 17, 1, "U+00B9 SUPERSCRIPT ONE", "ASCII"),
    ("point-arabic-digit", "hba1c_percent > .٣", "PW202", 17, 1, "U+0663 ARABIC-INDIC DIGIT THREE", "ASCII"),
    ("leading-zeros", "sensory_grade >= 007", "PW202", 17, 3, "'007'", "write it without leading zeros: 7"),
    ("zero-zero", "sensory_grade >= 00", "PW202", 17, 2, "'00'", "leading zeros: 0"),
    ("two-points", "hba1c_percent > 1.2.3", "PW202", 16, 5, "'1.2.3'", "digits"),
    ("digits", "sensory_grade > 1" + "0" * 400, "PW205", 16, 401, "401 digits", "clinical"),
    ("raw-string", 'route == r"iv"', "PW202", 9, 5, "the string prefix 'r' is not allowed", "plain quotes"),
    ("unicode-string", 'route == u"iv"', "PW202", 9, 5, "the string prefix 'u'", "plain quotes"),
    ("bytes-string", "route == b'iv'", "PW202", 9, 5, "a bytes literal", "plain quotes"),
    ("f-string", 'route == f"{route}"', "PW202", 9, 10, "an f-string", "plain quotes"),
    ("raw-bytes", 'route == Rb"iv"', "PW202", 9, 6, "a bytes literal", "plain quotes"),
    ("concatenation", 'route == "i" "v"', "PW202", 9, 7, "two strings side by side", "one string"),
    ("concatenation-tight", "route == 'i''v'", "PW202", 9, 6, "two strings side by side", "one string"),
    ("hex-escape", 'route == "\\x69v"', "PW202", 10, 2, "a backslash is not allowed in a string", "plain words"),
    ("named-escape", 'route == "\\N{LATIN SMALL LETTER I}v"', "PW202", 10, 2, "no escape sequences", None),
    ("triple-quotes", 'route == """iv"""', "PW202", 9, 8, "triple-quoted strings", "plain quotes"),
    ("line-continuation", "diabetes and \\\n neuropathic_pain", "PW202", 13, 1, "a backslash", "span lines"),
    ("form-feed", "diabetes and\fneuropathic_pain", "PW202", 12, 1, "control character U+000C", "remove it"),
    ("escape-char", "diabetes and\x1bneuropathic_pain", "PW202", 12, 1, "control character U+001B", None),
]


@pytest.mark.parametrize(
    ("text", "code", "offset", "length", "message", "hint"), [pytest.param(*case[1:], id=case[0]) for case in REFUSED]
)
def test_words_outside_the_language_are_refused_where_they_stand(
    text: str, code: str, offset: int, length: int, message: str, hint: str | None
) -> None:
    (found,) = issues(text)
    assert (found.code, found.offset, found.length) == (code, offset, length)
    assert message in found.message
    if hint is not None:
        assert found.hint is not None
        assert hint in found.hint


def test_a_comment_no_longer_hides_the_rest_of_a_guard() -> None:
    """The finding: this validated and evaluated only 'sensory_grade >= 3'."""
    result = compile_expr("sensory_grade >= 3 # and motor_grade >= 9", SYMBOLS, want_bool=True)
    assert isinstance(result, list)


def test_every_refused_word_is_reported_at_once() -> None:
    found = issues("ｓensory_grade >= 0x3 and route == r'iv'")
    assert [(i.offset, i.length) for i in found] == [(0, 13), (17, 3), (34, 5)]


def test_a_word_is_refused_once_even_with_several_problems() -> None:
    (found,) = issues("sensory_grade > 1_0é")
    assert (found.offset, found.length) == (16, 4)


ACCEPTED = [
    "sensory_grade >= 12",
    "hba1c_percent > 6.5",
    "hba1c_percent > 0.25",
    "sensory_grade > -1",
    "sensory_grade >= 0",
    "hba1c_percent >= 10.05",
    'route == "iv"',
    "route == 'iv'",
    'route in ["iv", "sc"]',
    "diabetes and\tneuropathic_pain",
    "diabetes and\nneuropathic_pain",
    "diabetes and\r\nneuropathic_pain",
    "(diabetes)and(neuropathic_pain)",
    "sensory_grade > " + "9" * MAX_DIGITS,
    "hba1c_percent > 1234567.12345678",
    "True == diabetes",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_documented_words_are_accepted(text: str) -> None:
    assert isinstance(compile_expr(text, SYMBOLS, want_bool=True), Compiled)


@pytest.mark.parametrize(
    "text",
    ['route == "#"', 'route == "é"', "route == '\"'", 'route == "a  b"'],
    ids=["hash", "accent", "other-quote", "spaces"],
)
def test_inside_quotes_anything_but_a_backslash_is_a_plain_string(text: str) -> None:
    assert scan(text) == []
    (found,) = issues(text)
    assert found.code == "PW207"  # the value is read as written: the enum has no such value


@pytest.mark.parametrize("text", ['route == "iv', "route == 'iv", "diabetes and"], ids=["double", "single", "end"])
def test_what_the_scanner_leaves_to_the_parser_is_still_refused(text: str) -> None:
    (found,) = issues(text)
    assert found.code == "PW201"


def test_a_long_name_before_a_refused_character_is_refused_at_once() -> None:
    # The one-expression fast path once backtracked exponentially here (a name of 30 letters took seconds, each
    # letter doubled it): without atomic words this test would not finish.
    issues = scan("a" * 500 + " #")
    assert [i.code for i in issues] == ["PW202"]
    assert issues[0].offset == 501
