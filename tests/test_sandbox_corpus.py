"""A corpus of a few hundred guards that try to escape the guard language: imports, attribute chains, lambdas,
comprehensions, f-strings, walrus, subscripts, calls to undeclared functions, names that Unicode normalises into
others, huge powers, deep nesting, strings joined, escaped or commented out. Each is compiled against a small fact
table and, when it compiles, evaluated. Every attempt must be refused with a located issue or give a value of its
declared type, and the file an escape would create must never appear. The test plants nothing: an escape, if
there were one, would have to create the marker by itself."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pathway.definition.loader import check_document
from pathway.expr import UNKNOWN, Compiled, Scope, ValueType, compile_expr
from pathway.source.reader import parse_text

FACTS = {
    "grade": ValueType("int", name="grade"),
    "dose": ValueType("number", name="dose"),
    "pain": ValueType("bool", name="pain"),
    "route": ValueType("enum", frozenset({"iv", "sc"}), "route"),
}
KNOWN = {"grade": 3, "dose": 1.5, "pain": True, "route": "iv"}
TYPES = {"bool": (bool,), "int": (int,), "number": (int, float), "enum": (str,)}


def payloads(marker: str) -> list[str]:
    """Expressions that would create ``marker`` (or run code at all) if anything of them ran."""
    touch = f"touch {marker}"
    return [
        f"__import__('os').system('{touch}')",
        f'__import__("os").system("{touch}")',
        f"open('{marker}', 'w')",
        f"exec(\"open('{marker}', 'w')\")",
        f"eval(\"open('{marker}', 'w')\")",
        f"compile(\"open('{marker}', 'w')\", 'x', 'exec')",
        f"getattr(__builtins__, 'open')('{marker}', 'w')",
        f"globals()['__builtins__'].open('{marker}', 'w')",
        f"().__class__.__bases__[0].__subclasses__()[0]('{marker}')",
        f"[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0]('{touch}', shell=True)",
        f"(lambda: __import__('os').system('{touch}'))()",
        f"(x := __import__('os')).system('{touch}')",
        f"f\"{{__import__('os').system('{touch}')}}\"",
        f'F\'{{open("{marker}", "w")}}\'',
        f"rf\"{{__import__('os').system('{touch}')}}\"",
        f"__import__('subprocess').run(['touch', '{marker}'])",
        f"__import__('pathlib').Path('{marker}').touch()",
        f"ｏｐｅｎ('{marker}', 'w')",
        f"__ｉｍｐｏｒｔ__('os').system('{touch}')",
        f"𝓮𝓿𝓪𝓵(\"open('{marker}', 'w')\")",
        f"__𝒊𝒎𝒑𝒐𝒓𝒕__('os').system('{touch}')",
        f"eval('__imp' 'ort__(\"os\").system(\"{touch}\")')",
        f"eval(\"\\x5f\\x5fimport\\x5f\\x5f('os').system('{touch}')\")",
        f"eval(\"\\N{{LOW LINE}}\\N{{LOW LINE}}import__('os').system('{touch}')\")",
        f"pain # and __import__('os').system('{touch}')",
        f"pain\n# {touch}",
        f"1 if __import__('os').system('{touch}') else 0",
        f"[open('{marker}', 'w') for _ in [1]]",
        f"{{open('{marker}', 'w')}}",
        f"{{'k': open('{marker}', 'w')}}",
        f"max(*[open('{marker}', 'w')])",
        f"max(key=open('{marker}', 'w'))",
        f"known(open('{marker}', 'w'))",
        f"days_since(open('{marker}', 'w'))",
        f"route.__class__('{marker}')",
        f"''.join(open('{marker}', 'w'))",
        f"pain.real(open('{marker}', 'w'))",
        f"grade[open('{marker}', 'w')]",
        f"(yield open('{marker}', 'w'))",
        f"await open('{marker}', 'w')",
        f"pain; open('{marker}', 'w')",
        "pain\nimport os",
        f"pain \\\n or open('{marker}', 'w')",
        "9**9**9**9",
        "10**10**10 > 1",
        "(" * 200 + "1" + ")" * 200,
        "-" * 500 + "1",
        "not " * 300 + "pain",
        "max(" * 60 + "1" + ", 1)" * 60,
        "1" + "0" * 500,
        "1e999999",
        "0x" + "f" * 300,
        "__builtins__",
        "__import__",
        "__debug__",
        "...",
        "None",
        "b'\\x00'",
        "1j",
        # ordinary expressions: in some wrappers they compile, and their values are checked
        "pain",
        "grade",
        "route",
        "dose / (grade - 3)",
        "dose * 999999999999999 * 999999999999999",
        "abs(grade - 999999999999999) > 0",
    ]


WRAPPERS = [
    "{}",
    "not {}",
    "pain and {}",
    "{} or pain",
    "grade >= 3 and {}",
    "max({}, 1) > 0",
    "{} == 'iv'",
    "route in [{}]",
    "known({})",
    "({})",
]


def corpus(marker: str) -> list[str]:
    return [wrapper.format(payload) for payload, wrapper in itertools.product(payloads(marker), WRAPPERS)]


def test_the_corpus_is_a_few_hundred_attempts(tmp_path: Path) -> None:
    assert len(set(corpus(str(tmp_path / "escaped")))) >= 500


@pytest.mark.parametrize("want_bool", [True, False], ids=["guard", "derived"])
def test_no_attempt_escapes_and_each_is_refused_where_it_stands_or_well_typed(tmp_path: Path, want_bool: bool) -> None:
    marker = tmp_path / "escaped"
    compiled = 0
    for text in corpus(str(marker)):
        result = compile_expr(text, FACTS, want_bool=want_bool)
        if isinstance(result, Compiled):
            compiled += 1
            assert not want_bool or result.type.kind == "bool"
            for facts in (KNOWN, {}):
                value = result.evaluate(Scope(facts, {}, None)).value
                assert value is UNKNOWN or type(value) in TYPES[result.type.kind], (text, value)
        else:
            assert result, text
            for issue in result:
                assert issue.code.startswith("PW20"), (text, issue)
                assert 0 <= issue.offset < len(text), (text, issue)
                assert 1 <= issue.length <= len(text) - issue.offset, (text, issue)
    assert not marker.exists()
    assert list(tmp_path.iterdir()) == []
    assert 0 < compiled < 60  # only the ordinary expressions, in the wrappers where they are well typed


def test_every_attempt_in_a_definition_is_a_located_error(tmp_path: Path) -> None:
    marker = tmp_path / "escaped"
    attempts = [text for text in corpus(str(marker)) if "\n" not in text]
    lines = [
        "pathway: corpus",
        "version: 1.0.0",
        "title: Escape attempts",
        "status: draft",
        "facts:",
        "  grade: {type: int}",
        "  dose: {type: number}",
        "  pain: {type: bool}",
        "  route: {type: enum, values: [iv, sc]}",
        "states:",
        "  start:",
        "    initial: true",
        "    transitions:",
    ]
    first = len(lines) + 1
    for text in attempts:
        lines += ["      - to: start", "        when: " + '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"']
    result = check_document(parse_text("\n".join(lines) + "\n", "corpus.yaml", max_nodes=10**6))
    errors = {d.line for d in result.diagnostics}
    guard_lines = {first + 2 * i + 1 for i in range(len(attempts))}
    assert all(d.line in guard_lines and d.code.startswith("PW20") for d in result.diagnostics)
    assert len(errors) >= len(attempts) - 60  # all but the ordinary expressions that are well typed
    assert not marker.exists()
