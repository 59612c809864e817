"""Figures per kind, the side-by-side table, and the blind set's targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .questions import KINDS
from .systems import Outcome

#: The semantic-retrieval issue's targets, checked on the blind set only.
TARGETS = {
    "recall3_answerable": 0.85,
    "recall3_everyday": 0.80,
    "recall3_terms": 0.95,
    "answerable_rejected_max": 0.05,
    "absent_answered_max": 0.25,
}


@dataclass(frozen=True, slots=True)
class Figures:
    """Quality figures for one group of questions."""

    n: int
    recall1: float
    recall3: float
    mrr10: float
    rejected: float  # share told "nothing relevant"


def figures(outcomes: Sequence[Outcome]) -> Figures:
    """Recall@1, Recall@3, MRR@10 and the rejected share of ``outcomes``."""
    n = len(outcomes)
    if n == 0:
        return Figures(0, 0.0, 0.0, 0.0, 0.0)
    ranks = [o.rank for o in outcomes]
    return Figures(
        n=n,
        recall1=sum(r == 1 for r in ranks) / n,
        recall3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr10=sum(1 / r for r in ranks if r is not None) / n,
        rejected=sum(o.rejected for o in outcomes) / n,
    )


def summary(outcomes: Sequence[Outcome]) -> dict[str, Figures]:
    """Figures per kind, for all answerable questions, and for absent ones."""
    groups = {kind: [o for o in outcomes if o.question.kind == kind] for kind in KINDS}
    groups["answerable"] = [o for o in outcomes if o.question.answerable]
    return {name: figures(group) for name, group in groups.items()}


def _pair(ours: float, base: float) -> str:
    return f"{ours:.2f}/{base:.2f}"


def table(columns: Sequence[tuple[str, dict[str, Figures], dict[str, Figures]]]) -> str:
    """One row per kind; per set: n, R@1, R@3, MRR@10 and "nothing relevant", ours/base."""
    cells = ("n", "R@1", "R@3", "MRR@10", "nothing")
    width = 4 + 4 * 11
    head = f"{'':<13}" + "".join(f"| {name:<{width - 2}}" for name, _, _ in columns)
    sub = f"{'kind':<13}" + (
        "| " + f"{cells[0]:>4}" + "".join(f"{c:>11}" for c in cells[1:])
    ) * len(columns)
    note = f"{'':<13}" + ("| " + " " * 4 + f"{'ours/base':>11}" * 4) * len(columns)
    lines = [head, sub, note, "-" * len(sub)]
    for kind in (*KINDS, "answerable"):
        row = f"{kind:<13}"
        for _, ours, base in columns:
            o, b = ours[kind], base[kind]
            if o.n == 0:
                row += "| " + f"{'-':>4}" + " " * 44
                continue
            row += f"| {o.n:>4}" + "".join(
                f"{_pair(getattr(o, f), getattr(b, f)):>11}"
                for f in ("recall1", "recall3", "mrr10", "rejected")
            )
        lines.append(row)
    return "\n".join(lines)


def check_targets(blind: dict[str, Figures]) -> list[str]:
    """The blind set's targets that do not hold (empty when all do)."""
    failures = []
    checks = [
        ("Recall@3, answerable", blind["answerable"].recall3, TARGETS["recall3_answerable"]),
        ("Recall@3, everyday wording", blind["everyday"].recall3, TARGETS["recall3_everyday"]),
        ("Recall@3, the speeches' own terms", blind["terms"].recall3, TARGETS["recall3_terms"]),
    ]
    for what, value, target in checks:
        if value < target:
            failures.append(f"{what} {value:.3f} < {target}")
    rejected, answered = blind["answerable"].rejected, 1 - blind["absent"].rejected
    if rejected > TARGETS["answerable_rejected_max"]:
        failures.append(
            f"answerable told 'nothing relevant' {rejected:.3f} > {TARGETS['answerable_rejected_max']}"
        )
    if answered > TARGETS["absent_answered_max"]:
        failures.append(
            f"unanswerable answered with passages {answered:.3f} > {TARGETS['absent_answered_max']}"
        )
    return failures


def by_file(outcomes: Sequence[Outcome]) -> list[str]:
    """One line per question file: the figures the targets are about."""
    lines = []
    for name in dict.fromkeys(o.question.file for o in outcomes):
        figs = summary([o for o in outcomes if o.question.file == name])
        ans, absent = figs["answerable"], figs["absent"]
        lines.append(
            f"{name} ({ans.n + absent.n}): R@3 answerable {ans.recall3:.2f}, everyday "
            f"{figs['everyday'].recall3:.2f}, terms {figs['terms'].recall3:.2f}; answerable told "
            f"'nothing relevant' {ans.rejected:.1%} ({round(ans.rejected * ans.n)} of {ans.n}), "
            f"unanswerable shown passages {1 - absent.rejected:.0%} "
            f"({round((1 - absent.rejected) * absent.n)} of {absent.n})"
        )
    return lines


def misses(outcomes: Sequence[Outcome]) -> list[str]:
    """One line per development question speechbot got wrong (for tuning)."""
    lines = []
    for o in outcomes:
        q = o.question
        wrong = not o.rejected if not q.answerable else o.rank is None or o.rank > 3
        if wrong:
            lines.append(
                f"{q.id:<9} {q.kind:<12} rank={o.rank} rejected={o.rejected}  {q.question}"
            )
    return lines


def as_json(figs: dict[str, Figures]) -> dict[str, dict[str, float]]:
    """Figures as plain dicts."""
    return {kind: asdict(f) for kind, f in figs.items()}
