"""Ids in a hand-written page linked to where the pathway's generated pages define them.

A page that names its pathway in its front matter (``pathway: bipn``, the clinical review) has each code span
that is an id of that pathway (`` `art-step2-ncs` ``, `` `typical_bipn` ``, `` `grade_check -> low_grade` ``)
turned into a link when the site is built: evidence to its entry on the evidence trace (``#ev-<id>``), a state to
its section on the states page, an action or finding to its row on the actions page, a fact or derived fact to its
row on the facts page, a transition (``source -> target``) to its source state, where its transitions are listed.

An id can name two things (a state and the finding it concludes often share one): the word before it in the same
clause decides (``finding `typical_bipn` ``), else the order above. Code blocks, code spans that are already
links, and anything that is not an id of the pathway are left as they are.
"""

from __future__ import annotations

import re

from pathway.definition.analysis import Analysis

_SPAN = re.compile(r"(?<![\[`])`(?P<id>[A-Za-z][\w-]*(?: ?-> ?[A-Za-z][\w-]*)?)`(?!\]\()")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HINTS = {
    "evidence": "evidence",
    "state": "state",
    "states": "state",
    "region": "state",
    "regions": "state",
    "action": "action",
    "actions": "action",
    "recommends": "action",
    "finding": "finding",
    "findings": "finding",
    "fact": "fact",
    "facts": "fact",
    "derived": "derived",
}
_CLAUSE = re.compile(r"[;|(.:]\s")


def targets(analysis: Analysis, base: str) -> dict[str, dict[str, str]]:
    """For each kind of id, every id of the pathway and the link to it (``base`` is the pathway's folder as the
    page links it: ``pathways/bipn/``)."""
    p = analysis.pathway
    return {
        "evidence": {e: f"{base}evidence.md#ev-{e}" for e in p.evidence},
        "state": {s: f"{base}states.md#{s}" for s in analysis.index.states},
        "action": {a: f"{base}actions.md#action-{a}" for a in p.actions},
        "finding": {f: f"{base}actions.md#finding-{f}" for f in p.findings},
        "fact": {f: f"{base}facts.md#fact-{f}" for f in p.facts},
        "derived": {d: f"{base}facts.md#derived-{d}" for d in p.derived},
    }


def _hint(before: str) -> str | None:
    """The kind the clause before a code span names, from its last kind word."""
    clause = _CLAUSE.split(before)[-1]
    words = [_HINTS[w] for w in re.findall(r"[a-z]+", clause.lower()) if w in _HINTS]
    return words[-1] if words else None


def _href(name: str, before: str, links: dict[str, dict[str, str]]) -> str | None:
    if "->" in name:
        source, _, target = (part.strip() for part in name.partition("->"))
        states = links["state"]
        return states[source] if source in states and target in states else None
    kinds = [k for k in links if name in links[k]]
    if not kinds:
        return None
    hint = _hint(before)
    return links[hint][name] if hint in kinds else links[kinds[0]][name]


def link_ids(markdown: str, analysis: Analysis, base: str) -> str:
    """The page with every id of the pathway in a code span linked to its definition."""
    links = targets(analysis, base)
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or _FENCE.match(line):
            out.append(line)
            continue

        def replace(match: re.Match[str], line: str = line) -> str:
            href = _href(match["id"], line[: match.start()], links)
            return f"[{match[0]}]({href})" if href else match[0]

        out.append(_SPAN.sub(replace, line))
    return "\n".join(out)
