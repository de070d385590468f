"""The language server: documents in, diagnostics, hovers, code actions and hints out.

pygls runs the protocol on an asyncio loop; every call into the engine runs on one worker
thread (the engine's caches are not made for threads), so the loop keeps reading messages
while a document is linted. Documents are synchronised whole (``TextDocumentSyncKind.Full``):
the server never applies a range edit itself, so no line-splitting rule can disagree with
the editor's.

When a document is linted: on open and on save at once; on a change at once too when the
document had not changed for ``debounce`` seconds (someone typing: one key every 100 ms or
more), else ``debounce`` seconds after the last change of the burst (a held key, a paste in
pieces, an editor's formatter). A document is never linted twice at a time: a change that
comes while its lint runs marks it, and one more lint of the newest text follows. A result
is published only if the document has not changed since (never stale positions).
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from mantracheck import __version__
from mantracheck.lsp import actions as act
from mantracheck.lsp import mantra
from mantracheck.lsp.diagnostics import RuleDocs, finding_span, problem, to_diagnostics
from mantracheck.lsp.engines import (
    Engine,
    Engines,
    ServerOptions,
    Slot,
    relative_name,
)
from mantracheck.lsp.positions import TextIndex, encoding_name
from mantracheck.models import Finding
from mantracheck.text.formats import KEYED

log = logging.getLogger("mantracheck.lsp")

#: Documents longer than this (characters) are not linted as you type: a 1 MB template is
#: far larger than any real one, and linting it takes about a second a keystroke.
MAX_CHARS = 1_000_000
DEBOUNCE = 0.05
#: languageId -> format, for a document whose name does not say (an unsaved one).
LANGUAGES = {
    "markdown": "markdown",
    "html": "html",
    "handlebars": "html",
    "twig": "html",
    "jinja-html": "html",
    "django-html": "html",
    "yaml": "yaml",
    "json": "json",
    "plaintext": "text",
    "text": "text",
    "jinja": "text",
    "po": "po",
    "php": "php",
    "blade": "blade",
    "email": "email",
}
def uri_path(uri: str) -> str | None:
    """The local path of a ``file:`` URI (None for ``untitled:`` and the like)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and path[2:3] == ":":  # pragma: no cover
        path = path[1:]
    return path


@dataclass
class Linted:
    """A document's lint at one version: what hovers and code actions read."""

    version: int | None
    text: str
    index: TextIndex
    base: int = 0
    findings: tuple[Finding, ...] = ()
    spans: list[tuple[int, int]] = field(default_factory=list)
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    candidates: list[mantra.Candidate] = field(default_factory=list)
    engine: Engine | None = None
    slot: Slot | None = None
    #: the engine of the document's slot was (re)built by this lint: lint its other documents
    reloaded: bool = False
    #: a problem to tell the user (a config that cannot be used), once
    news: str | None = None
    actions: dict[tuple[int, int], list[types.CodeAction]] = field(default_factory=dict)


@dataclass
class Document:
    uri: str
    path: str | None
    name: str
    fmt: str | None
    is_mantra: bool
    timer: asyncio.TimerHandle | None = None
    running: bool = False
    dirty: bool = False
    refused: bool = False
    linted: Linted | None = None
    #: when the last change came (the loop's clock)
    last_change: float = float("-inf")


class MantracheckServer(LanguageServer):
    def __init__(self, options: ServerOptions, debounce: float = DEBOUNCE, docs_url: str | None = None) -> None:
        super().__init__("mantracheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.options = options
        self.debounce = debounce
        self.docs_url = docs_url
        self.engines = Engines(options)
        self.documents: dict[str, Document] = {}
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mantracheck-lint")
        self.shutdown_requested = False
        self._rule_docs: dict[int, RuleDocs] = {}
        from mantracheck.lsp.handlers import register

        register(self)

    # -- helpers (loop thread) ---------------------------------------------------------
    @property
    def encoding(self) -> str:
        return encoding_name(self.workspace.position_encoding)

    def capability(self, *names: str) -> Any:
        value: Any = self.client_capabilities
        for name in names:
            value = getattr(value, name, None)
            if value is None:
                return None
        return value

    def tell(self, text: str, kind: types.MessageType = types.MessageType.Error) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"mantracheck: {text}"))

    def rule_docs(self, engine: Engine) -> RuleDocs:
        found = self._rule_docs.get(id(engine))
        if found is None or found.ruleset is not engine.ruleset:
            found = self._rule_docs[id(engine)] = RuleDocs(engine.ruleset, self.docs_url)
        return found

    def open(self, item: types.TextDocumentItem) -> Document:
        path = uri_path(item.uri)
        name = os.path.basename(path) if path else item.uri.rsplit("/", 1)[-1]
        from mantracheck.text import format_for_path

        fmt = (format_for_path(path) if path else None) or LANGUAGES.get(item.language_id)
        doc = Document(item.uri, path, name, fmt, mantra.is_mantra_file(name))
        self.documents[item.uri] = doc
        return doc

    def schedule(self, doc: Document, delay: float) -> None:
        if doc.timer is not None:
            doc.timer.cancel()
        doc.timer = asyncio.get_running_loop().call_later(delay, self._start, doc.uri)

    def _start(self, uri: str) -> None:
        doc = self.documents.get(uri)
        if doc is None or self.shutdown_requested:
            return
        doc.timer = None
        if doc.running:
            doc.dirty = True
            return
        source = self.workspace.get_text_document(uri)
        text, version = source.source, source.version
        if len(text) > MAX_CHARS:
            self._refuse(doc, text, version)
            return
        doc.running = True
        future = asyncio.get_running_loop().run_in_executor(self.worker, self.lint, doc, text, version, self.encoding)
        future.add_done_callback(lambda f: self._finished(doc, f))

    def _refuse(self, doc: Document, text: str, version: int | None) -> None:
        why = f"{doc.name} is {len(text):,} characters, over the {MAX_CHARS:,} mantracheck lints as you type; run 'mantracheck lint' on it"
        self.publish(doc.uri, version, [problem(f"mantracheck: not linted: {why}", "mantracheck.too-large", types.DiagnosticSeverity.Information)])
        doc.linted = None
        if not doc.refused:
            doc.refused = True
            self.tell(why, types.MessageType.Warning)

    def _finished(self, doc: Document, future: asyncio.Future[Linted]) -> None:
        doc.running = False
        if self.documents.get(doc.uri) is not doc or self.shutdown_requested:
            return
        try:
            linted = future.result()
        except Exception as exc:
            log.exception("lint failed")
            self.tell(f"internal error while linting {doc.name} ({type(exc).__name__}: {exc}); please report it")
            return
        self.accept(doc, linted)
        if doc.dirty:
            doc.dirty = False
            self.schedule(doc, self.debounce)

    def accept(self, doc: Document, linted: Linted) -> None:
        """Keep and publish a lint if it is of the document as it is now."""
        if linted.news:
            self.tell_config(linted.slot, linted.news)
        current = self.workspace.get_text_document(doc.uri)
        if current.version != linted.version or current.source != linted.text:
            doc.dirty = True
            return
        doc.linted = linted
        doc.refused = False
        self.publish(doc.uri, linted.version, linted.diagnostics)
        if linted.reloaded:
            for other in self.documents.values():
                if other is not doc:
                    self.schedule(other, 0)
            self.refresh_hints()

    def tell_config(self, slot: Slot | None, news: str) -> None:
        kept = slot is not None and slot.engine is not None
        self.tell(f"{news}; " + ("still using the configuration from before it changed" if kept else "no findings until it is fixed"))

    def publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def refresh_hints(self) -> None:
        if self.capability("workspace", "inlay_hint", "refresh_support"):
            self.workspace_inlay_hint_refresh(None)

    async def current(self, doc: Document) -> Linted | None:
        """The document's lint at its current version (linted now if it is not yet)."""
        source = self.workspace.get_text_document(doc.uri)
        linted = doc.linted
        if linted is not None and linted.version == source.version and linted.text == source.source:
            return linted
        if len(source.source) > MAX_CHARS:
            return None
        linted = await asyncio.get_running_loop().run_in_executor(self.worker, self.lint, doc, source.source, source.version, self.encoding)
        self.accept(doc, linted)
        return linted

    async def on_worker(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.worker, fn, *args)

    # -- the engine (worker thread) ---------------------------------------------------
    def lint(self, doc: Document, text: str, version: int | None, encoding: str) -> Linted:
        index = TextIndex(text, encoding)
        linted = Linted(version, text, index)
        replaced = self.engines.reading(len(text))
        if replaced:
            self._recycled(replaced)
        slot = self.engines.slot(self.engines.folder_of(doc.path))
        linted.slot = slot
        linted.reloaded, linted.news = slot.refresh()
        engine = linted.engine = slot.engine
        if doc.is_mantra:
            linted.candidates = mantra.candidates(text, index, self.options.model)
            href = None
            if engine is not None:
                docs = self.rule_docs(engine).reference
                href = docs.replace("rules.md", "mantra.md") if docs else None
            linted.diagnostics = mantra.diagnostics(linted.candidates, index, slot.min_score, href)
            return linted
        if doc.fmt is None:
            return linted
        if engine is None:
            linted.diagnostics = [problem(f"mantracheck: configuration error: {slot.error}", "mantracheck.config-error")]
            return linted
        if engine.skips(doc.path):
            return linted
        base = 1 if text.startswith("\ufeff") else 0  # (a byte-order mark the editor kept: the CLI reads past it)
        shown = relative_name(doc.path, slot.start) if doc.path else doc.name
        report = engine.lint(doc.path, shown, text[base:], doc.fmt)
        if report.error is not None:
            # A file the CLI skips with a notice (a YAML file with none of the fields, say: any
            # YAML file an editor sends) gets nothing; one it cannot read, one warning.
            if not report.skipped:
                linted.diagnostics = [problem(f"mantracheck: {report.error}", "mantracheck.not-linted", types.DiagnosticSeverity.Warning)]
            return linted
        linted.base = base
        linted.findings = report.findings
        inner = TextIndex(text[base:], encoding) if base else index
        linted.spans = [finding_span(f, inner, base) for f in report.findings]
        linted.diagnostics = to_diagnostics(report.findings, linted.spans, index, self.rule_docs(engine))
        return linted

    def _recycled(self, replaced: dict[int, Engine]) -> None:
        """After the engines were built afresh: the documents' last lints point at the new ones
        (the same rules), so that nothing holds the old pipelines, and the rule docs of engines
        gone are dropped. (Worker thread; each assignment is one step for the loop thread.)"""
        for doc in list(self.documents.values()):
            linted = doc.linted
            if linted is not None and linted.engine is not None and id(linted.engine) in replaced:
                linted.engine = replaced[id(linted.engine)]
        live = {id(slot.engine) for slot in list(self.engines.slots.values()) if slot.engine is not None}
        self._rule_docs = {key: docs for key, docs in list(self._rule_docs.items()) if key in live}

    def code_actions(self, doc: Document, linted: Linted, lo: int, hi: int, only: list[str] | None) -> list[types.CodeAction]:
        out: list[types.CodeAction] = []
        document_changes = bool(self.capability("workspace", "workspace_edit", "document_changes"))
        for i in act.overlapping(linted.spans, lo, hi):
            finding, diagnostic = linted.findings[i], linted.diagnostics[i]
            if finding.fix is not None and act.wanted(only, types.CodeActionKind.QuickFix):
                edit = act.fix_edits([finding], linted.base)
                out.append(
                    types.CodeAction(
                        title=act.fix_title(finding),
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=True,
                        edit=act.workspace_edit(doc.uri, linted.version, edit, linted.index, document_changes),
                    )
                )
            if not act.wanted(only, types.CodeActionKind.QuickFix):
                continue
            key = linted.spans[i]
            if key not in linted.actions:
                linted.actions[key] = self._suppressions(doc, linted, i, document_changes)
            out.extend(linted.actions[key])
            if not finding.rule.startswith("mantracheck."):
                out.append(act.explain_action(finding.rule, doc.uri))
        fixes = act.fix_edits(linted.findings, linted.base)
        if fixes and act.wanted(only, act.FIX_ALL_KIND) and (only is not None or len(fixes) > 1):
            out.append(
                types.CodeAction(
                    title=f"Apply every mantracheck fix in this file ({len(fixes)})",
                    kind=act.FIX_ALL_KIND,
                    edit=act.workspace_edit(doc.uri, linted.version, fixes, linted.index, document_changes),
                )
            )
        return out

    def _suppressions(self, doc: Document, linted: Linted, i: int, document_changes: bool) -> list[types.CodeAction]:
        finding, span, engine = linted.findings[i], linted.spans[i], linted.engine
        if engine is None or doc.fmt is None or finding.rule.startswith("mantracheck."):
            return []
        field = _field_span(engine, doc, linted, span) if doc.fmt in KEYED else None
        tried = len(linted.text) <= act.VERIFY_LIMIT
        shown = relative_name(doc.path, linted.slot.start) if doc.path and linted.slot else doc.name
        for title, edits in act.placements(linted.index, doc.fmt, doc.name, finding, span, field):
            if tried:
                after = act.apply_edits(linted.text, edits)
                report = engine.lint(doc.path, shown, after[linted.base :], doc.fmt)
                if report.error is not None or not act.silences(linted.findings, report.findings, finding):
                    continue
            edit = act.workspace_edit(doc.uri, linted.version, edits, linted.index, document_changes)
            return [types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[linted.diagnostics[i]], edit=edit)]
        return []

    def explain(self, rule_id: str, uri: str | None) -> str | None:
        doc = self.documents.get(uri) if uri else None
        engines: list[Engine] = []
        if doc is not None and doc.linted is not None and doc.linted.engine is not None:
            engines.append(doc.linted.engine)
        if not engines:
            slot = self.engines.slot(self.engines.folder_of(doc.path if doc else None))
            slot.refresh()
            if slot.engine is not None:
                engines.append(slot.engine)
        for engine in engines:
            docs = self.rule_docs(engine)
            text = docs.markdown(rule_id)
            if text is not None:
                return text
        return None


def _field_span(engine: Engine, doc: Document, linted: Linted, span: tuple[int, int]) -> tuple[int, int] | None:
    """The source span of the string holding ``span`` in a YAML, JSON, PO or PHP file."""
    from mantracheck.text import extract
    from mantracheck.text.formats import key_spans

    linter = engine.linter_for(doc.path or "<stdin>")
    try:
        texts = extract(linted.text[linted.base :], doc.fmt or "text", linter.placeholders, linter.fields)
    except Exception:  # noqa: BLE001 - no field: that placement is simply not offered
        return None
    for start, end, _ in key_spans(texts):
        if start + linted.base <= span[0] < end + linted.base:
            return start + linted.base, end + linted.base
    return None
