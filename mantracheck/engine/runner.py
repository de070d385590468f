"""The runner: extract, analyse, run every active rule, stamp identity, map back to the source."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mantracheck.engine import suppress, textkind
from mantracheck.engine.context import Hit, TextContext
from mantracheck.engine.kinds import KINDS
from mantracheck.engine.loader import RuleSet
from mantracheck.engine.matching import MatcherBank, derived_needs
from mantracheck.engine.schema import Rule
from mantracheck.errors import InputError, UsageError
from mantracheck.models import FileReport, Finding, Fix, Notice, Severity
from mantracheck.nlp import COLUMNS_KEY, SENTENCES_KEY, Pipeline, get_pipeline
from mantracheck.text import LineIndex, extract
from mantracheck.text.offsets import Extracted

#: A ``{name}`` field in a rule's message or suggestion.
FIELD = re.compile(r"\{(\w+)\}")
BATCH = 128
#: Findings of one rule listed per text; past it one finding says how many more there are
#: (nobody reads ten thousand, and each costs memory: the output stays linear in the input).
MAX_FINDINGS_PER_RULE = 1000
#: A clean text longer than this is analysed a piece at a time, each piece about this long and
#: cut at a line or sentence end: spaCy's Doc and the columns take ~400 bytes a token, so one
#: Doc for a long run of short sentences took more memory than 20 times the text. The rules
#: that read the whole text (a required greeting or sign-off, the text's word count) run once,
#: on the sentences, word count and matches the pieces found. (With ``scores`` a text is not
#: cut: its courtesy score reads its whole Doc.)
PIECE = 100_000


@dataclass(frozen=True)
class Plans:
    """The rules to run on one kind of text: all, per piece of a long text, and on the whole."""

    all: tuple[tuple[Rule, Any, frozenset[str] | None], ...]
    piece: tuple[tuple[Rule, Any, frozenset[str] | None], ...]
    whole: tuple[tuple[Rule, Any, frozenset[str] | None], ...]


@dataclass(frozen=True)
class Source:
    """One input: its display path, its decoded text and its format."""

    path: str
    text: str
    fmt: str = "text"
    encoding: str | None = None


def render(template: str, values: dict[str, Any]) -> str:
    """Fill ``{name}`` fields from ``values``; other braces are left alone. No format-spec
    mini-language, no attribute access: rule files are data."""

    if "{" not in template:
        return template  # most messages and suggestions name no field

    def field(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return FIELD.sub(field, template)


def select_rules(
    ruleset: RuleSet,
    profile: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> tuple[str, list[Rule]]:
    profile = profile or ruleset.default_profile
    if profile not in ruleset.profiles:
        raise UsageError(f"unknown profile {profile!r}; expected one of {', '.join(ruleset.profiles)}")
    ids = ruleset.by_id()
    packs = set(ruleset.packs)
    for name in [*select, *ignore]:
        if name not in ids and name not in packs:
            raise UsageError(f"unknown rule or pack {name!r}; 'mantracheck rules' lists them")
    chosen = []
    for rule in ruleset.rules:
        in_profile = profile in rule.profiles
        if select:
            named = rule.id in select
            if not (named or (in_profile and rule.pack in select)):
                continue
        elif not in_profile:
            continue
        if rule.id in ignore or rule.pack in ignore:
            continue
        chosen.append(rule.for_profile(profile))
    return profile, chosen


class Linter:
    """Lints texts with a fixed set of rules. Build once, reuse for many inputs."""

    def __init__(
        self,
        ruleset: RuleSet,
        *,
        profile: str | None = None,
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        severities: dict[str, Severity] | None = None,
        pipeline: str | Pipeline | None = None,
        placeholders: Sequence[str] = (),
        fields: Sequence[str] = (),
        report_unused_directives: bool = False,
        scores: bool = False,
        text_kind: str | None = None,
        fragment_fields: Sequence[str] = (),
    ) -> None:
        self.ruleset = ruleset
        self.profile, rules = select_rules(ruleset, profile, select, ignore)
        self.pipeline = pipeline if isinstance(pipeline, Pipeline) else get_pipeline(pipeline)
        self.notices: list[Notice] = []
        self.rules: list[Rule] = []
        for rule in rules:
            missing = derived_needs(rule) - self.pipeline.capabilities
            if missing:
                self.notices.append(
                    Notice(
                        f"rule {rule.id} skipped: it needs {', '.join(sorted(missing))}, which the "
                        f"pipeline {self.pipeline.name!r} does not provide (name a trained pipeline with --model)"
                    )
                )
                continue
            self.rules.append(rule)
        self.severities = {r.id: (severities or {}).get(r.id, r.severity_for(self.profile)) for r in self.rules}
        self.placeholders = tuple(placeholders)
        self.fields = tuple(fields)
        self.report_unused_directives = report_unused_directives
        self.scores = scores
        #: every text's kind (message or fragment), when the config says it for these files
        self.text_kind = text_kind
        self.fragment_fields = tuple(fragment_fields)
        self._bank = MatcherBank(self.pipeline.nlp, self.rules)
        # The annotator's columns are the Doc's own only if no component runs after it.
        self._use_stash = self.pipeline.nlp.pipe_names[-1:] == ["mantracheck_annotate"]
        # Per text kind: every rule that applies (a fragment is not asked what only a whole
        # message owes), and of those, the rules for each piece of a long text and the rules
        # that read the whole text (run once, on what the pieces found).
        self._plans = {}
        for kind in textkind.KINDS:
            plan = plan_rules(r for r in self.rules if kind == textkind.MESSAGE or r.scope != "message")
            whole = [KINDS[p[0].kind].reads_whole_text(p[0]) for p in plan]
            self._plans[kind] = Plans(plan, tuple(p for p, w in zip(plan, whole) if not w), tuple(p for p, w in zip(plan, whole) if w))

    # -- one text --------------------------------------------------------------------
    def _context(self, clean: str, doc: Any, regex_skip: frozenset[str] = frozenset()) -> TextContext:
        ctx = TextContext(clean, doc, None, {}, self.ruleset.cues)
        ctx.use_stash = self._use_stash
        ctx.matches = self._bank.run(doc, ctx.normalized, ctx.table, regex_skip)
        return ctx

    def kind_of(self, source: Source, extracted: Extracted) -> str:
        """Whether a text is a whole message or a fragment (engine/textkind.py says how)."""
        return textkind.text_kind(
            source.path,
            source.fmt,
            extracted.label,
            extracted.clean,
            profile=self.profile,
            forced=self.text_kind,
            fragment_fields=self.fragment_fields,
            source=source.text,
        )

    def _hits(self, clean: str, doc: Any, plans: Plans, controls: tuple[tuple[int, int], ...] = ()) -> Iterator[tuple[Rule, Hit]]:
        ctx = self._context(clean, doc)
        ctx.controls = controls
        for rule, check in runnable(plans.all, ctx.matches):
            for hit in check(rule, ctx):
                yield rule, hit

    def _piece_hits(self, clean: str, plans: Plans, controls: tuple[tuple[int, int], ...] = ()) -> Iterator[tuple[Rule, Hit]]:
        """The hits of a long text, a piece at a time (``PIECE``): each piece's Doc is dropped
        before the next is made. Rules that read the whole text run last, on a context made
        of what the pieces found (their sentences, word counts, and the matches of those
        rules' own patterns), which needs no Doc."""
        whole_ids = {rule.id for rule, _, _ in plans.whole}
        whole_keys = frozenset(self._bank.keys_of(whole_ids))
        sentences: list[tuple[int, int]] = []
        words = 0
        matches: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for lo, hi in pieces(clean, PIECE):
            doc = self.pipeline.nlp(clean[lo:hi])
            ctx = self._context(clean[lo:hi], doc, whole_keys)
            ctx.controls = [(s - lo, e - lo) for s, e in controls[bisect.bisect_left(controls, (lo, lo)) : bisect.bisect_left(controls, (hi, hi))] if e <= hi]
            for rule, check in runnable(plans.piece, ctx.matches):
                for hit in check(rule, ctx):
                    yield rule, dataclasses.replace(hit, start=hit.start + lo, end=hit.end + lo)
            sentences += [(s + lo, e + lo) for s, e in ctx.sentences]
            words += ctx.word_count
            for key, spans in ctx.matches.items():
                if key.partition("#")[0] in whole_ids:
                    matches[key] += [(s + lo, e + lo) for s, e in spans]
            doc.user_data.clear()
        if plans.whole:
            ctx = TextContext.from_parts(clean, sentences, words, matches, self.ruleset.cues)
            ctx.controls = controls
            # their regexes read the whole text (an anchor is its start or end, not a piece's)
            for key, spans in self._bank.run_regexes(ctx.normalized, only=whole_keys).items():
                matches[key] = sorted(matches[key] + spans)
            for rule, check in runnable(plans.whole, ctx.matches):
                for hit in check(rule, ctx):
                    yield rule, hit

    def _check(self, extracted: Extracted, doc: Any, source: Source, lines: LineIndex) -> tuple[list[Finding], Any]:
        """The findings of one text (and its scores). ``doc`` None: a long text, analysed in
        pieces."""
        source_text = source.text
        plans = self._plans[self.kind_of(source, extracted)]
        hits = self._piece_hits(extracted.clean, plans, extracted.controls) if doc is None else self._hits(extracted.clean, doc, plans, extracted.controls)
        findings = []
        promises = []
        listed: dict[str, int] = {}
        unlisted: dict[str, list[int]] = {}  # rule id -> [how many, start, end of the first]
        for rule, hit in hits:
            span = self._region_span(extracted, source_text, hit) if hit.region else extracted.offsets.to_source(hit.start, hit.end)
            if span is None:
                continue  # touches a placeholder or markup: never flagged
            if self.scores and rule.pack == "overpromise":
                promises.append((rule.id, hit.start, hit.end, self.severities[rule.id]))
            start, end = span[0] + extracted.base, span[1] + extracted.base
            if listed.get(rule.id, 0) >= MAX_FINDINGS_PER_RULE:
                unlisted.setdefault(rule.id, [0, start, end])[0] += 1
                continue
            listed[rule.id] = listed.get(rule.id, 0) + 1
            line, col = lines.position(start)
            end_line, end_col = lines.position(end)
            # What was matched is the source where the clean text is a copy of it; where it
            # was decoded (an entity, a base64 or quoted-printable body, an escaped string),
            # the decoded words: an encoded piece maps back whole (a base64 line).
            copied = extracted.fixable if hit.region else extracted.offsets.is_copy(hit.start, hit.end)
            matched = source_text[start:end] if copied else extracted.clean[hit.start : hit.end]
            values = {"match": matched, **hit.values}
            fixable = extracted.fixable and extracted.offsets.is_copy(hit.start, hit.end)
            fix = Fix(start, end, hit.replacement) if hit.replacement is not None and fixable else None
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=self.severities[rule.id],
                    line=line,
                    column=col,
                    end_line=end_line,
                    end_column=end_col,
                    message=render(rule.message, values),
                    match=matched,
                    suggestions=tuple(render(s, values) for s in rule.suggestions),
                    fix=fix,
                )
            )
        for rule_id, (count, start, end) in unlisted.items():
            line, col = lines.position(start)
            end_line, end_col = lines.position(end)
            findings.append(
                Finding(
                    rule=rule_id,
                    severity=self.severities[rule_id],
                    line=line,
                    column=col,
                    end_line=end_line,
                    end_column=end_col,
                    message=f"and {count:,} more {rule_id} finding{'s' if count != 1 else ''} in this text from here on, not listed (at most {MAX_FINDINGS_PER_RULE:,} per rule per text)",
                    match="",
                )
            )
        if doc is not None:
            doc.user_data.pop(COLUMNS_KEY, None)  # used: the Doc leaves without them
            doc.user_data.pop(SENTENCES_KEY, None)
        return findings, (self._score(extracted, doc, promises) if self.scores else None)

    @staticmethod
    def _region_span(extracted: Extracted, source_text: str, hit: Hit) -> tuple[int, int] | None:
        """Where a region finding (a missing greeting, a long sentence) is reported: the first run
        of real words in the region, trimmed, so the span never covers a placeholder, a tag or a
        URL. None when the region holds no word of its own."""
        base = extracted.base
        for lo, hi in extracted.offsets.region_runs(hit.start, hit.end):
            piece = source_text[base + lo : base + hi]
            if any(c.isalnum() for c in piece):
                left = len(piece) - len(piece.lstrip())
                return lo + left, hi - (len(piece) - len(piece.rstrip()))
        return None

    def _score(self, extracted: Extracted, doc: Any, promises: list[tuple[str, int, int, Severity]]) -> Any:
        from mantracheck.scoring.courtesy import OverpromiseHit, score_text

        hits = [OverpromiseHit(rule, start, end, severity) for rule, start, end, severity in promises]
        return score_text(extracted.clean, doc, profile=self.profile, overpromise=hits, pipeline=self._pipeline_name)

    @property
    def _pipeline_name(self) -> str | None:
        return None if self.pipeline.name == "blank:en" else self.pipeline.name

    def lint_sources(self, sources: Iterable[Source]) -> Iterator[FileReport]:
        """Lint many inputs, batching the NLP work; yields one report per input, in order."""
        batch: list[tuple[Source, list[Extracted] | str]] = []
        for source in sources:
            try:
                parts: list[Extracted] | str = extract(source.text, source.fmt, self.placeholders, self.fields)
            except InputError as exc:
                parts = str(exc)  # not valid in its format (broken YAML or JSON): reported
            batch.append((source, parts))
            if len(batch) >= BATCH:
                yield from self._flush(batch)
                batch = []
        if batch:
            yield from self._flush(batch)

    def _pieced(self, extracted: Extracted) -> bool:
        return len(extracted.clean) > PIECE and not self.scores

    def _flush(self, batch: list[tuple[Source, list[Extracted] | str]]) -> Iterator[FileReport]:
        texts = [e.clean for _, parts in batch if not isinstance(parts, str) for e in parts if not self._pieced(e)]
        docs = iter(self.pipeline.nlp.pipe(texts))
        for source, parts in batch:
            if isinstance(parts, str):
                yield FileReport(path=source.path, error=parts, encoding=source.encoding)
                continue
            lines = LineIndex(source.text)
            findings: list[Finding] = []
            scored = []
            for extracted in parts:
                doc = None if self._pieced(extracted) else next(docs)
                found, score = self._check(extracted, doc, source, lines)
                findings.extend(found)
                if score is not None:
                    scored.append((extracted, score))
            findings = self._suppress(findings, parts, source.text, lines)
            scores = file_scores(scored, lines) if self.scores else None
            yield FileReport(path=source.path, findings=tuple(findings), encoding=source.encoding, scores=scores)

    def _suppress(self, findings: list[Finding], parts: list[Extracted], text: str, lines: LineIndex) -> list[Finding]:
        """Apply the inline ``mantracheck:`` directives found in the texts' comments."""
        comments = [(e.base + s, e.base + end, c) for e in parts for s, end, c in e.comments]
        directives, problems = suppress.parse(comments, lines, text)
        # A directive written inside one field's string value acts in that value only: the
        # other fields of the file are other messages.
        fields = [(e.base + extent[0], e.base + extent[1]) for e in parts if e.label is not None and (extent := e.offsets.source_extent())] if directives else []
        for d in directives:
            inside = [span for span in fields if span[0] <= d.start < span[1]]
            if inside:
                start, end = min(inside, key=lambda span: span[1] - span[0])
                d.scope = (lines.position(start), lines.position(end))
        known = {r.id for r in self.ruleset.rules} | set(self.ruleset.packs)
        return suppress.apply(findings, directives, problems, known, lines, text, self.report_unused_directives)

    def lint_text(self, text: str, path: str = "<text>", fmt: str = "text") -> FileReport:
        return next(self.lint_sources([Source(path, text, fmt)]))


_BREAKS = tuple(
    re.compile(p) for p in (r"\n[ \t]*\n", r"[.!?][\"')\]\u201d\u2019]*\s", r"\n", r"\s")
)


def pieces(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of ``text``, each at most ``size`` long and cut, in the
    second half of its window, after the last blank line there, else sentence end, else line
    end, else space (a hard cut only where the half holds no space at all)."""
    start = 0
    while len(text) - start > size:
        lo, hi = start + size // 2, start + size
        end = hi
        for brk in _BREAKS:
            last = None
            for last in brk.finditer(text, lo, hi):
                pass
            if last is not None:
                end = last.end()
                break
        yield start, end
        start = end
    yield start, len(text)


def _triggers(rule: Rule) -> frozenset[str] | None:
    triggers = KINDS[rule.kind].triggers
    return None if triggers is None else frozenset(triggers(rule))


def plan_rules(rules: Iterable[Rule]) -> tuple[tuple[Rule, Any, frozenset[str] | None], ...]:
    """Each rule with its kind's check and the pattern keys one of which must match for it
    to find anything (None: run it on every text). Most rules match nothing in most texts,
    and a rule whose keys all came back empty is not called."""
    return tuple((rule, KINDS[rule.kind].check, _triggers(rule)) for rule in rules)


def runnable(plan: Sequence[tuple[Rule, Any, frozenset[str] | None]], matches: Mapping[str, list[tuple[int, int]]]) -> Iterator[tuple[Rule, Any]]:
    """The rules of a plan (and their checks) that can find something given a text's matches."""
    present = {key for key, spans in matches.items() if spans}
    for rule, check, triggers in plan:
        if triggers is None or not triggers.isdisjoint(present):
            yield rule, check


def _text_line(extracted: Extracted, lines: LineIndex) -> int | None:
    """The file line a text starts on."""
    span = extracted.offsets.to_source(0, 0)
    return None if span is None else lines.position(extracted.base + span[0])[0]


def file_scores(scored: list[tuple[Extracted, Any]], lines: LineIndex) -> dict[str, Any] | None:
    """The scores of a file's texts, with marker positions in the file. A file of several
    texts (YAML/JSON/PO/PHP strings, MIME parts) gets the mean value and every text's
    markers, and under ``texts`` each text's own scores (its key path and first line)."""
    if not scored:
        return None
    out: dict[str, Any] = {}
    if len(scored) > 1 or scored[0][0].label is not None:
        out["texts"] = [
            {
                "field": extracted.label,
                "line": _text_line(extracted, lines),
                "courtesy": score.courtesy.value,
                "overpromise_risk": score.overpromise_risk.value,
            }
            for extracted, score in scored
        ]
    for name in ("courtesy", "overpromise_risk"):
        values, markers, missing = [], [], []
        for extracted, score in scored:
            part = getattr(score, name)
            values.append(part.value)
            for m in part.markers:
                span = extracted.offsets.to_source(m.start, m.end)
                where = lines.position(span[0] + extracted.base) if span is not None else (None, None)
                markers.append({"name": m.name, "text": m.text, "weight": m.weight, "line": where[0], "column": where[1]})
            for item in getattr(part, "missing", ()):
                entry = item.to_dict()
                if entry not in missing:
                    missing.append(entry)
        out[name] = {"value": round(sum(values) / len(values)), "markers": markers}
        if name == "courtesy":
            out[name]["missing"] = missing
    return out
