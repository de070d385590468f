"""Rule kinds. Each module declares the keys it adds to the schema, parses them, and checks
one text, yielding ``Hit``s (clean-text spans and values). The runner stamps identity."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from mantracheck.engine.context import Hit, TextContext
    from mantracheck.engine.schema import Checker, Pattern, Rule


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    keys: Mapping[str, str]
    parse: Callable[[Checker], tuple[dict[str, Any], dict[str, tuple[Pattern, ...]]]]
    check: Callable[[Rule, TextContext], Iterable[Hit]]
    needs_patterns: bool = True
    #: The pattern keys one of which must have matched for ``check`` to yield anything (the
    #: runner skips the rule on a text where none did); None when it can yield without a match
    #: (a required phrase that is missing, a measure).
    triggers: Callable[[Rule], tuple[str, ...]] | None = None
    #: Whether the rule reads the whole text (its opening, its word count) rather than one
    #: sentence or match at a time: the runner runs such rules once on a long text analysed
    #: in pieces, on what the pieces found, with no Doc (``TextContext.from_parts``).
    reads_whole_text: Callable[[Rule], bool] = lambda rule: False
    #: The ``{fields}`` its findings fill in a message or suggestion, besides ``{match}``.
    fields: tuple[str, ...] = ()


def pattern_key(rule_id: str, role: str = "patterns") -> str:
    return rule_id if role == "patterns" else f"{rule_id}#{role}"


def _registry() -> dict[str, Kind]:
    from mantracheck.engine.kinds import existence, metric, require, substitution

    return {k.KIND.name: k.KIND for k in (existence, substitution, require, metric)}


KINDS: dict[str, Kind] = _registry()
