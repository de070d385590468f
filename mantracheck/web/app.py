"""`mantracheck serve`: a local web page and JSON API on the same engine as the CLI.

Starlette serves the page (``static/``, every asset from the package: it works offline) and
two JSON endpoints:

- ``POST /api/lint`` ``{"text": ..., "profile": ..., "input_format": ...}`` (only ``text``
  required) returns the CLI's JSON report for that text as standard input, with scores (the
  same object, without the CLI's indentation);
- ``POST /api/mantra`` ``{"candidates": [...]}`` returns the CLI's mantra JSON objects, ranked;
- ``GET /api/rules/{id}`` a rule's explanation; ``GET /api/profiles`` the profiles.

The engine (rules, one warm Linter per profile and format) is built once and shared, and
built afresh after ``RECYCLE_CHARS`` of text; a lock lets one request at a time use it (its
caches are not made for threads). Bodies over
``MAX_BODY`` get 413, bad input 400 with a one-line reason; nothing is written to disk.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from mantracheck.api import STDIN_NAME, Options, _lint_stdin, _Session
from mantracheck.config import Config
from mantracheck.errors import MantracheckError
from mantracheck.models import LintResult, RuleMeta

#: Request bodies larger than this get 413 (a 1 MB email is far larger than any real one).
MAX_BODY = 1_000_000
#: Candidates one mantra request may rank.
MAX_CANDIDATES = 200
#: Characters of text the engine reads before it is built afresh: spaCy's vocabulary keeps
#: every word it has read (names, reference numbers, addresses), so a server that runs for
#: weeks would grow without it (``nlp.release_pipelines``; the audit's workers do the same).
RECYCLE_CHARS = 32 << 20
FORMATS = ("text", "markdown", "html", "email")
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
#: A strict policy: the page loads only its own assets, and sends requests only to this server.
_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Workbench:
    """The engine behind the page: the config found where the server started, and a warm
    session per profile (the rules are loaded once)."""

    def __init__(self, config: Config | None = None, model: str | None = None, processes: int = 1) -> None:
        self.config = config or Config()
        self.model = model
        self._sessions: dict[str | None, _Session] = {}
        self.lock = threading.Lock()
        self._read = 0  # characters read since the engine was built
        self._metas: dict[int, tuple[Any, tuple[RuleMeta, ...]]] = {}  # a linter's rules, as the report lists them
        first = self.session(None)
        self.profiles = list(first.ruleset.profiles)
        self.default_profile = first.config.base.profile or first.ruleset.default_profile
        #: with processes > 1, checks and rankings run in that many engine processes (pool.py)
        self.pool = None
        if processes > 1:
            from mantracheck.web.pool import EnginePool

            self.pool = EnginePool(processes, self.config, model)

    async def run(self, method: str, *args: Any) -> Any:
        """``lint`` or ``mantra`` for a request: in a free engine process, or in a thread here
        (one at a time: ``lock``)."""
        if self.pool is not None:
            return await self.pool.call(method, *args)
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(getattr(self, method), *args)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def warm(self) -> Workbench:
        """Load what the first requests would (the spaCy pipeline, the scorers, the mantra
        model) before the server takes any: the first check answers in milliseconds, not a
        second, and a worker process of ``serve --workers N`` starts ready."""
        self.lint("Hi Sam,\n\nThanks for writing! Please send the receipt; we guarantee a reply.\n\nAna\n", None, "text")
        self.mantra(["People serving people."])
        return self

    def _reading(self, chars: int) -> None:
        """Count what a request makes the engine read; past ``RECYCLE_CHARS``, forget the
        sessions and the pipelines (the next request builds them again). Under ``lock``."""
        from mantracheck.nlp import release_pipelines

        self._read += chars
        if self._read > RECYCLE_CHARS:
            self._sessions.clear()
            self._metas.clear()
            release_pipelines()
            self._read = chars

    def session(self, profile: str | None) -> _Session:
        found = self._sessions.get(profile)
        if found is None:
            found = self._sessions[profile] = _Session(Options(profile=profile, model=self.model, scores=True), self.config, fix=None)
        return found

    def lint(self, text: str, profile: str | None, input_format: str) -> str:
        """The CLI's JSON report of ``text`` read from standard input (its very text)."""
        from mantracheck.formatters.json import format_json_compact

        if profile is not None and profile not in self.profiles:
            raise BadRequest(400, f"unknown profile {profile!r}; expected one of {', '.join(self.profiles)}")
        with self.lock:
            self._reading(len(text))
            session = self.session(profile)
            linter = session.linter_for(STDIN_NAME)
            report = _lint_stdin(session, text, input_format)
            metas = self._metas.get(id(linter))
            if metas is None or metas[0] is not linter:
                rules = tuple(
                    RuleMeta(r.id, linter.severities[r.id], r.one_line(), r.description, r.link, r.suggestions)
                    for r in sorted(linter.rules, key=lambda r: r.id)
                )
                metas = self._metas[id(linter)] = (linter, rules)
            result = LintResult(files=(report,), notices=tuple(linter.notices), rules=metas[1])
        return format_json_compact(result)

    def mantra(self, candidates: list[str]) -> list[dict[str, Any]]:
        from mantracheck.formatters.mantra import format_mantra_json
        from mantracheck.scoring.mantra import rank_mantras

        with self.lock:
            self._reading(sum(len(c) for c in candidates))
            reports = rank_mantras(candidates, pipeline=self.model)
        return [json.loads(line) for line in format_mantra_json(reports).splitlines()]

    def explain(self, rule_id: str) -> dict[str, Any]:
        with self.lock:
            rule = self.session(None).ruleset.by_id().get(rule_id)
        if rule is None:
            raise BadRequest(404, f"unknown rule {rule_id!r}")
        return {
            "id": rule.id,
            "description": rule.description,
            "link": rule.link,
            "suggestions": list(rule.suggestions),
            "good": list(rule.good),
            "bad": list(rule.bad),
            "profiles": sorted(rule.profiles),
        }


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, or BadRequest (413 over MAX_BODY, 400 for anything else)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise BadRequest(413, f"request body over {MAX_BODY:,} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise BadRequest(413, f"request body over {MAX_BODY:,} bytes")
    try:
        data = json.loads(bytes(raw).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, a 5,000-digit number, 1,000 levels deep
        raise BadRequest(400, f"the body is not JSON: {exc.__class__.__name__}") from None
    if not isinstance(data, dict):
        raise BadRequest(400, "expected a JSON object")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise BadRequest(400, "the JSON is nested too deeply") from None
    except UnicodeEncodeError:
        # JSON may escape half of a surrogate pair ("\ud800"), which is no character of any text
        raise BadRequest(400, "the JSON holds a lone surrogate escape (such as \\ud800), which is not text") from None
    return data


def _string(data: dict[str, Any], key: str, *, required: bool = False, choices: tuple[str, ...] | None = None) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise BadRequest(400, f"'{key}' is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(400, f"'{key}' must be a string")
    if choices is not None and value not in choices:
        raise BadRequest(400, f"'{key}' must be one of {', '.join(choices)}")
    return value


def create_app(workbench: Workbench | None = None) -> Starlette:
    bench = workbench or Workbench()

    async def lint(request: Request) -> Response:
        data = await _body(request)
        text = _string(data, "text", required=True)
        profile = _string(data, "profile")
        fmt = _string(data, "input_format", choices=FORMATS) or "text"
        report = await bench.run("lint", text or "", profile, fmt)
        return Response(report, media_type="application/json")

    async def mantra(request: Request) -> Response:
        data = await _body(request)
        candidates = data.get("candidates")
        if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
            raise BadRequest(400, "'candidates' must be a list of strings")
        candidates = [c.strip() for c in candidates if c.strip()]
        if len(candidates) > MAX_CANDIDATES:
            raise BadRequest(413, f"at most {MAX_CANDIDATES} candidates a request")
        return JSONResponse(await bench.run("mantra", candidates) if candidates else [])

    async def explain(request: Request) -> Response:
        return JSONResponse(bench.explain(request.path_params["rule_id"]))

    async def profiles(request: Request) -> Response:
        return JSONResponse({"profiles": bench.profiles, "default": bench.default_profile, "formats": list(FORMATS)})

    async def asset(request: Request) -> Response:
        name = request.path_params.get("name", "index.html")
        suffix = name[name.rfind(".") :] if "." in name else ""
        if "/" in name or suffix not in _TYPES:
            return JSONResponse({"error": "not found"}, status_code=404)
        try:
            body = resources.files("mantracheck.web").joinpath("static").joinpath(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, OSError):
            return JSONResponse({"error": "not found"}, status_code=404)
        return Response(body, media_type=_TYPES[suffix], headers={"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

    async def bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadRequest)
        return JSONResponse({"error": exc.reason}, status_code=exc.status)

    async def engine_error(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}, status_code=400)

    async def internal(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": f"internal error ({exc.__class__.__name__}); please report it"}, status_code=500)

    routes = [
        Route("/", asset, methods=["GET"]),
        Route("/static/{name}", asset, methods=["GET"]),
        Route("/api/lint", lint, methods=["POST"]),
        Route("/api/mantra", mantra, methods=["POST"]),
        Route("/api/rules/{rule_id}", explain, methods=["GET"]),
        Route("/api/profiles", profiles, methods=["GET"]),
    ]
    handlers = {BadRequest: bad_request, MantracheckError: engine_error, Exception: internal}
    return Starlette(routes=routes, exception_handlers=handlers)  # type: ignore[arg-type]
