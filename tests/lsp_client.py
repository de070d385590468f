"""A real LSP client for the tests: pygls's ``LanguageClient`` driving ``mantracheck lsp`` as
a subprocess over stdio (or TCP), with a synchronous face so that plain pytest tests can use
it (its asyncio loop runs on a thread of its own).

It records what the server sends (diagnostics per document, messages, registrations) and
applies a ``WorkspaceEdit`` to its own copy of a document, as an editor would.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

from lsprotocol import types
from pygls.lsp.client import LanguageClient

T = TypeVar("T")
TIMEOUT = 60.0


def utf16_position(text: str, line: int, column: int) -> types.Position:
    """The LSP position (UTF-16) of a 1-based line and 1-based column in code points, as the
    CLI reports them, computed independently of the server's own conversion."""
    lines = re.split(r"\r\n|\r|\n", text)
    before = lines[line - 1][: column - 1] if line - 1 < len(lines) else ""
    return types.Position(line=line - 1, character=len(before.encode("utf-16-le")) // 2)


def offset_of(text: str, position: types.Position, encoding: str = "utf-16") -> int:
    """The code-point offset of an LSP position (for applying edits client-side)."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = starts[position.line] if position.line < len(starts) else len(text)
    i, units = start, 0
    while units < position.character and i < len(text) and text[i] not in "\r\n":
        c = text[i]
        units += 1 if encoding == "utf-32" else (2 if ord(c) > 0xFFFF else 1) if encoding == "utf-16" else len(c.encode("utf-8"))
        i += 1
    return i


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = [(offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text) for e in edits]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


class Editor:
    """One server process and the client talking to it."""

    def __init__(self, root: Path, *args: str, capabilities: types.ClientCapabilities | None = None, tcp: int | None = None, folders: Sequence[Path] | None = None) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("mantracheck-tests", "1")
        # lsprotocol's client-side hook reads any object with a "command" key as a Command,
        # though a CodeAction may carry one too (its "command" is then an object, a
        # Command's is a string): the reading editors do.
        converter = self.client.protocol._converter

        def code_action_or_command(obj: Any, _: type) -> Any:
            if isinstance(obj.get("command"), str):
                return converter.structure(obj, types.Command)
            return converter.structure(obj, types.CodeAction)

        converter.register_structure_hook(Union[types.Command, types.CodeAction], code_action_or_command)  # noqa: UP007 - the key lsprotocol registered
        self.cond = threading.Condition()
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.messages: list[types.ShowMessageParams] = []
        self.registrations: list[types.Registration] = []
        self.stderr = b""
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self._register_handlers()
        self.started = time.perf_counter()
        if tcp is None:
            self.run(self.client.start_io(sys.executable, "-m", "mantracheck", "lsp", *args, cwd=str(root)))
            self.loop.call_soon_threadsafe(lambda: self.loop.create_task(self._drain_stderr()))
        else:  # (a server listens once it has warmed up; each refused attempt reaches nothing)
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    self.run(self.client.start_tcp("127.0.0.1", tcp))
                    break
                except ConnectionRefusedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        self.result = self.run(
            self.client.initialize_async(
                types.InitializeParams(
                    capabilities=capabilities or default_capabilities(),
                    root_uri=root.as_uri(),
                    workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in (folders or [root])],
                )
            )
        )
        self.encoding = str(getattr(self.result.capabilities.position_encoding, "value", self.result.capabilities.position_encoding or "utf-16"))
        self.client.initialized(types.InitializedParams())

    # -- plumbing ------------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _drain_stderr(self) -> None:
        server = self.client._server
        if server is None or server.stderr is None:
            return
        while chunk := await server.stderr.read(65536):
            self.stderr += chunk

    def _register_handlers(self) -> None:
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            with self.cond:
                self.published.setdefault(params.uri, []).append(params)
                self.cond.notify_all()

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: types.ShowMessageParams) -> None:
            with self.cond:
                self.messages.append(params)
                self.cond.notify_all()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            pass

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            with self.cond:
                self.registrations.extend(params.registrations)
                self.cond.notify_all()

        @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
        def refresh(params: None) -> None:
            pass

    def wait_for(self, check: Callable[[], T | None], timeout: float = TIMEOUT, what: str = "") -> T:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = check()
                if found is not None and found is not False:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or check}; stderr: {self.stderr.decode(errors='replace')[-2000:]}")
                self.cond.wait(left)

    # -- documents -----------------------------------------------------------------------
    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str | None = None, language_id: str = "plaintext", uri: str | None = None) -> str:
        uri = uri or self.uri(name)
        if text is None:
            text = (self.root / name).read_text(encoding="utf-8")
        self.texts[uri], self.versions[uri] = text, 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.texts[uri] = text
        identifier = types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(text_document=identifier, content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.versions[uri]

    def save(self, uri: str) -> None:
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))

    def diagnostics(self, uri: str, version: int | None = None, check: Callable[[list[types.Diagnostic]], bool] | None = None, timeout: float = TIMEOUT) -> list[types.Diagnostic]:
        """The diagnostics published for the document's current (or given) version."""
        version = self.versions.get(uri) if version is None else version

        def latest() -> list[types.Diagnostic] | None:
            found = self.published.get(uri)
            if not found or found[-1].version != version:
                return None
            if check is not None and not check(list(found[-1].diagnostics)):
                return None
            return list(found[-1].diagnostics)

        return self.wait_for(latest, timeout, f"diagnostics of {uri} version {version}")

    def message(self, check: Callable[[types.ShowMessageParams], bool], timeout: float = TIMEOUT) -> types.ShowMessageParams:
        return self.wait_for(lambda: next((m for m in self.messages if check(m)), None), timeout, "a window/showMessage")

    # -- requests ------------------------------------------------------------------------
    def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        params = types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character))
        return self.run(self.client.text_document_hover_async(params))

    def code_actions(self, uri: str, at: types.Range, diagnostics: Sequence[types.Diagnostic] = (), only: Sequence[str] | None = None) -> list[Any]:
        context = types.CodeActionContext(diagnostics=list(diagnostics), only=list(only) if only else None)  # type: ignore[arg-type]
        params = types.CodeActionParams(text_document=types.TextDocumentIdentifier(uri=uri), range=at, context=context)
        return list(self.run(self.client.text_document_code_action_async(params)) or [])

    def inlay_hints(self, uri: str) -> list[types.InlayHint]:
        end = types.Position(line=len(self.texts[uri].splitlines()) + 1, character=0)
        params = types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=types.Position(line=0, character=0), end=end))
        return list(self.run(self.client.text_document_inlay_hint_async(params)) or [])

    def execute(self, command: str, *arguments: Any) -> Any:
        return self.run(self.client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=list(arguments))))

    def apply(self, edit: types.WorkspaceEdit) -> dict[str, int]:
        """Apply a WorkspaceEdit to the documents as an editor does, sending didChange; the
        new version of each document changed."""
        changed: dict[str, list[types.TextEdit]] = {}
        for uri, edits in (edit.changes or {}).items():
            changed.setdefault(uri, []).extend(edits)
        for change in edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit), change
            if change.text_document.version is not None:
                assert change.text_document.version == self.versions[change.text_document.uri], "an edit for another version"
            changed.setdefault(change.text_document.uri, []).extend(change.edits)  # type: ignore[arg-type]
        return {uri: self.change(uri, apply_text_edits(self.texts[uri], edits, self.encoding)) for uri, edits in changed.items()}

    # -- the end -------------------------------------------------------------------------
    def shutdown(self, exit_: bool = True) -> int | None:
        """shutdown, then exit; the server's exit code (None over TCP)."""
        self.run(self.client.shutdown_async(None))
        return self.exit() if exit_ else None

    def exit(self) -> int | None:
        self.client.exit(None)
        server = self.client._server
        if server is not None:
            self.run(asyncio.wait_for(server.wait(), 30))
        self.run(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        return None if server is None else server.returncode

    def kill(self) -> None:
        server = self.client._server
        if server is not None and server.returncode is None:
            server.kill()
        self.loop.call_soon_threadsafe(self.loop.stop)


def default_capabilities(**extra: Any) -> types.ClientCapabilities:
    """What a full editor offers: markdown hovers, code action literals, versioned edits,
    watched files, inlay hints."""
    return types.ClientCapabilities(
        general=extra.get("general"),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=extra.get("document_changes", True)),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=extra.get("watch", True)),
            inlay_hint=types.InlayHintWorkspaceClientCapabilities(refresh_support=True),
        ),
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll])
                )
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True, code_description_support=True, data_support=True),
            inlay_hint=types.InlayHintClientCapabilities(),
        ),
    )
