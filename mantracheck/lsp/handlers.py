"""The protocol's handlers: what the server does with each message from the editor.

Each takes the server as ``ls`` (pygls passes it to a handler whose first parameter has that
name) and the message's params; the work is the server's (``mantracheck.lsp.server``).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from lsprotocol import types

from mantracheck.config import CONFIG_NAMES
from mantracheck.lsp import actions as act
from mantracheck.lsp import mantra
from mantracheck.lsp.engines import HOOK_MIN_SCORE, PRE_COMMIT_CONFIG

# (pygls reads the command handler's annotations at run time: the server class is imported,
# which server.py allows by importing this module only when a server is made)
from mantracheck.lsp.server import Linted, MantracheckServer, uri_path

#: The files whose change changes a configuration.
WATCHED = (*CONFIG_NAMES, PRE_COMMIT_CONFIG)


def initialize(ls: MantracheckServer, params: types.InitializeParams) -> None:
    folders = [uri_path(f.uri) for f in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [uri_path(params.root_uri)]
    elif not folders and params.root_path:
        folders = [params.root_path]
    ls.engines.set_folders([Path(f) for f in folders if f])


async def initialized(ls: MantracheckServer, params: types.InitializedParams) -> None:
    if ls.capability("workspace", "did_change_watched_files", "dynamic_registration"):
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in WATCHED]
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
        registration = types.Registration(id="mantracheck-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
        ls.client_register_capability(types.RegistrationParams(registrations=[registration]), None)
    # Build every workspace folder's engine now, not on the first keystroke.
    for folder in ls.engines.folders or [ls.engines.folder_of(None)]:
        slot = ls.engines.slot(folder)
        _, news = await ls.on_worker(slot.refresh)
        if news:
            ls.tell_config(slot, news)


def shutdown(ls: MantracheckServer, params: None) -> None:
    ls.shutdown_requested = True
    for doc in ls.documents.values():
        if doc.timer is not None:
            doc.timer.cancel()
    ls.worker.shutdown(wait=False, cancel_futures=True)


def did_open(ls: MantracheckServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(ls.open(params.text_document), 0)


def did_change(ls: MantracheckServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is not None:
        now = asyncio.get_running_loop().time()
        in_a_burst = now - doc.last_change < ls.debounce
        doc.last_change = now
        ls.schedule(doc, ls.debounce if in_a_burst else 0)


def did_save(ls: MantracheckServer, params: types.DidSaveTextDocumentParams) -> None:
    path = uri_path(params.text_document.uri)
    if path and reloads(ls, [path]):
        reload(ls)
    doc = ls.documents.get(params.text_document.uri)
    if doc is not None:
        ls.schedule(doc, 0)


def did_close(ls: MantracheckServer, params: types.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    if doc is not None and doc.timer is not None:
        doc.timer.cancel()
    ls.publish(params.text_document.uri, None, [])


def did_change_watched_files(ls: MantracheckServer, params: types.DidChangeWatchedFilesParams) -> None:
    if reloads(ls, [p for p in (uri_path(c.uri) for c in params.changes) if p]):
        reload(ls)


def did_change_workspace_folders(ls: MantracheckServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    folders = set(ls.engines.folders)
    folders -= {Path(p).resolve() for p in (uri_path(f.uri) for f in params.event.removed) if p}
    folders |= {Path(p).resolve() for p in (uri_path(f.uri) for f in params.event.added) if p}
    ls.engines.set_folders(list(folders))
    for doc in ls.documents.values():
        ls.schedule(doc, 0)


async def hover(ls: MantracheckServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.documents.get(params.text_document.uri)
    linted = await ls.current(doc) if doc is not None else None
    if doc is None or linted is None:
        return None
    at = linted.index.offset(params.position)
    if doc.is_mantra:
        line = linted.index.line_of(at)
        bar = linted.slot.min_score if linted.slot else HOOK_MIN_SCORE
        for c in linted.candidates:
            if c.line == line:
                return types.Hover(contents=types.MarkupContent(kind=_markup(ls), value=mantra.hover(c, bar)), range=linted.index.range(c.start, c.end))
        return None
    return _finding_hover(ls, linted, at)


def _finding_hover(ls: MantracheckServer, linted: Linted, at: int) -> types.Hover | None:
    """The findings under ``at``: each one's message and suggestions, and its rule's section
    of the reference."""
    hits = [i for i, (s, e) in enumerate(linted.spans) if s <= at < e or s == e == at]
    if not hits:
        return None
    parts = []
    for i in hits:
        f = linted.findings[i]
        parts.append(f"**{f.rule}** · {f.severity}\n\n" + linted.diagnostics[i].message.replace("\n", "  \n"))
        explained = ls.rule_docs(linted.engine).markdown(f.rule) if linted.engine else None
        if explained:
            parts.append(explained)
    lo, hi = min(linted.spans[i][0] for i in hits), max(linted.spans[i][1] for i in hits)
    return types.Hover(contents=types.MarkupContent(kind=_markup(ls), value="\n\n---\n\n".join(parts)), range=linted.index.range(lo, hi))


async def code_action(ls: MantracheckServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    doc = ls.documents.get(params.text_document.uri)
    linted = await ls.current(doc) if doc is not None else None
    if doc is None or linted is None or not linted.findings:
        return None
    lo, hi = linted.index.offset(params.range.start), linted.index.offset(params.range.end)
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    return await ls.on_worker(ls.code_actions, doc, linted, lo, hi, only) or None


async def inlay_hint(ls: MantracheckServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None or not doc.is_mantra:
        return None
    linted = await ls.current(doc)
    if linted is None:
        return None
    return mantra.inlay_hints(linted.candidates, linted.index, params.range.start.line, params.range.end.line)


async def explain(ls: MantracheckServer, *arguments: Any) -> str | None:
    """``mantracheck.explainRule RULE [URI]``: shows why the rule exists (a message) and
    returns its section of the rule reference (Markdown)."""
    rule_id = str(arguments[0]) if arguments else ""
    uri = str(arguments[1]) if len(arguments) > 1 else None
    text = await ls.on_worker(ls.explain, rule_id, uri)
    if text is None:
        ls.tell(f"unknown rule {rule_id!r}; 'mantracheck rules' lists them")
        return None
    doc = ls.documents.get(uri) if uri else None
    engine = doc.linted.engine if doc is not None and doc.linted is not None else None
    plain = ls.rule_docs(engine).plain(rule_id) if engine is not None else None
    ls.tell(plain or text, types.MessageType.Info)
    return text


def _markup(ls: MantracheckServer) -> types.MarkupKind:
    formats = ls.capability("text_document", "hover", "content_format")
    if formats is None or types.MarkupKind.Markdown in formats:
        return types.MarkupKind.Markdown
    return types.MarkupKind.PlainText


def reloads(ls: MantracheckServer, paths: list[str]) -> bool:
    """Whether a change to these files changes a configuration (or a team's rules)."""
    rule_files = ls.engines.rule_files()
    return any(os.path.basename(p) in WATCHED or os.path.realpath(p) in rule_files for p in paths)


def reload(ls: MantracheckServer) -> None:
    """Rebuild every engine, tell what cannot be used, lint every open document again."""

    async def run() -> None:
        for slot, news in await ls.on_worker(ls.engines.reload_all):
            if news:
                ls.tell_config(slot, news)
        for doc in ls.documents.values():
            doc.linted = None
            ls.schedule(doc, 0)
        ls.refresh_hints()

    asyncio.ensure_future(run())


def register(ls: MantracheckServer) -> None:
    features: list[tuple[str, Any, Any]] = [
        (types.INITIALIZE, None, initialize),
        (types.INITIALIZED, None, initialized),
        (types.SHUTDOWN, None, shutdown),
        (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
        (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
        (types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False), did_save),
        (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
        (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
        (types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, None, did_change_workspace_folders),
        (types.TEXT_DOCUMENT_HOVER, None, hover),
        (types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, act.FIX_ALL_KIND]), code_action),
        (types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False), inlay_hint),
    ]
    for method, options, handler in features:
        ls.feature(method, options)(handler)
    ls.command(act.EXPLAIN)(explain)
