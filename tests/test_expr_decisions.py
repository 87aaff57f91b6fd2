"""The functions of recorded decisions in the guard language (docs/recommendations.md, "Guards read decisions"):
done(a), declined(a), signed(a) and days_since_done(a); what they read, what they need, and how they are checked."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pytest

from pathway.expr import UNKNOWN, Compiled, Evaluation, ExprIssue, Scope, compile_expr, referenced_names
from pathway.expr.parse import recorded_key
from tests.test_expr import SYMBOLS

ACTIONS = frozenset({"ivig", "order_ncs", "start_duloxetine", "sensory_grade_review", "high_dose_steroids"})
NOW = datetime(2026, 3, 20, 9, 0)
DONE = datetime(2026, 3, 2, 14, 30)


def compiled(text: str, *, want_bool: bool = True) -> Compiled:
    result = compile_expr(text, SYMBOLS, want_bool=want_bool, actions=ACTIONS)
    assert isinstance(result, Compiled), result
    return result


def run(
    text: str, recorded: Mapping[str, datetime] | None = None, facts: Mapping[str, object] | None = None
) -> Evaluation:
    return compiled(text).evaluate(Scope(facts or {}, {}, NOW, recorded=recorded))


def issues(text: str, *, want_bool: bool = True, actions: frozenset[str] = ACTIONS) -> list[ExprIssue]:
    result = compile_expr(text, SYMBOLS, want_bool=want_bool, actions=actions)
    assert isinstance(result, list), f"{text!r} compiled"
    return result


# --- values ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["done", "declined", "signed"])
def test_a_decision_is_true_once_recorded_and_false_before_never_unknown(function: str) -> None:
    key = recorded_key(function, "ivig")
    assert run(f"{function}(ivig)").value is False
    assert run(f"{function}(ivig)", {key: DONE}).value is True
    other = recorded_key("done" if function != "done" else "declined", "ivig")
    assert run(f"{function}(ivig)", {other: DONE}).value is False  # each decision is its own record


def test_what_a_decision_read_is_when_it_was_recorded() -> None:
    result = run("declined(ivig) or done(order_ncs)", {"done(order_ncs)": DONE})
    assert result.value is True
    assert result.read == {"declined(ivig)": UNKNOWN, "done(order_ncs)": DONE}
    assert result.missing == frozenset()


def test_days_since_done_counts_whole_days_from_the_done_record_to_now() -> None:
    assert run("days_since_done(ivig) >= 17", {"done(ivig)": DONE}).value is True
    assert run("days_since_done(ivig) >= 18", {"done(ivig)": DONE}).value is False  # 17 days 18.5 hours: 17


def test_days_since_done_is_unknown_while_never_done_and_needs_no_fact() -> None:
    result = run("days_since_done(ivig) >= 21")
    assert result.value is UNKNOWN
    assert result.missing == frozenset()
    assert result.read == {"done(ivig)": UNKNOWN}


def test_done_decides_before_the_days_since_it_are_read() -> None:
    assert run("done(ivig) and days_since_done(ivig) >= 21").value is False
    assert run("not done(ivig) or days_since_done(ivig) >= 21", {"done(ivig)": DONE}).value is False


def test_days_since_done_without_a_clock_is_unknown() -> None:
    result = compiled("days_since_done(ivig) >= 1").evaluate(Scope({}, {}, None, recorded={"done(ivig)": DONE}))
    assert result.value is UNKNOWN


def test_a_decision_and_facts_in_one_guard() -> None:
    text = "declined(ivig) and sensory_grade >= 3"
    result = run(text, {"declined(ivig)": DONE}, {"sensory_grade": 2})
    assert result.value is False
    assert result.read == {"declined(ivig)": DONE, "sensory_grade": 2}
    unknown = run(text, {"declined(ivig)": DONE})
    assert (unknown.value, unknown.missing) == (UNKNOWN, frozenset({"sensory_grade"}))


def test_an_action_id_is_not_a_name_the_guard_reads() -> None:
    expr = compiled("done(order_ncs) or known(ncs_pattern)")
    assert expr.names == frozenset({"ncs_pattern"})
    assert expr.recorded == frozenset({"done(order_ncs)"})
    assert referenced_names("done(order_ncs) and sensory_grade > 1") == frozenset({"sensory_grade"})


def test_only_days_since_done_reads_the_clock() -> None:
    assert not compiled("done(ivig) or declined(ivig) or signed(ivig)").clock
    assert compiled("days_since_done(ivig) > 3").clock
    assert compiled("days_since_done(ivig) > 3").recorded == frozenset({"done(ivig)"})


def test_a_decision_is_read_once_whatever_function_reads_it() -> None:
    expr = compiled("done(ivig) and days_since_done(ivig) < 7 and declined(order_ncs)")
    assert expr.recorded == frozenset({"done(ivig)", "declined(order_ncs)"})
    result = expr.evaluate(
        Scope({}, {}, NOW, recorded={"done(ivig)": datetime(2026, 3, 18), "declined(order_ncs)": DONE})
    )
    assert result.value is True


# --- checks ----------------------------------------------------------------------------------------------------


def test_an_unknown_action_is_refused_with_a_suggestion() -> None:
    (found,) = issues("done(ivgi)")
    assert (found.code, found.message) == ("PW203", "done() names unknown action 'ivgi'")
    assert found.hint is not None
    assert found.hint.startswith("did you mean 'ivig'?")
    assert (found.offset, found.length) == (5, 4)


def test_a_fact_is_not_an_action() -> None:
    (found,) = issues("declined(sensory_grade)")
    assert found.code == "PW203"
    assert found.hint is not None
    assert found.hint.startswith("'sensory_grade' is a fact, and declined() takes an action id")


def test_an_action_read_as_a_value_says_how_to_read_it() -> None:
    (found,) = issues("ivig")
    assert found.code == "PW203"
    assert found.hint == "'ivig' is an action: read what the journey recorded of it, e.g. done(ivig)"


def test_without_actions_every_action_is_unknown() -> None:
    (found,) = issues("done(ivig)", actions=frozenset())
    assert found.hint == "no action is declared"


@pytest.mark.parametrize(
    "text", ['done("ivig")', "done()", "done(ivig, order_ncs)", "signed(true)", "declined(1)", "done(ivig=1)"]
)
def test_a_decision_takes_one_bare_action_id(text: str) -> None:
    found = issues(text)
    assert [f.code for f in found] in (["PW204"], ["PW202"])


def test_decisions_belong_to_guards_not_to_derived_facts() -> None:
    (found,) = issues("done(ivig)", want_bool=False)
    assert found.code == "PW204"
    assert "belong to guards" in found.message


def test_days_since_done_is_a_number_and_done_a_truth_value() -> None:
    (found,) = issues("days_since_done(ivig)")
    assert found.code == "PW204"  # a guard must be true or false
    (again,) = issues("done(ivig) > 1")
    assert again.code == "PW204"
