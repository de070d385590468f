"""The peers mantracheck is timed against, installed into the git-ignored ``bench/.peers/``.

proselint goes into a venv (``bench/.peers/venv``); write-good, textlint with
textlint-rule-write-good, and alex go into ``bench/.peers/node_modules`` with
``npm install --prefix``. A peer that cannot be installed is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS_DIR = HERE / ".peers"
NPM_PACKAGES = ("write-good", "textlint", "textlint-rule-write-good", "alex")


@dataclass
class Tool:
    """A command to time. ``argv(target, files)`` builds the command line for a folder (or one
    file) and its file list; ``ok_codes`` are the exit statuses that mean 'ran fine'."""

    name: str
    version: str
    build: object  # Callable[[Path, list[Path]], list[str]]
    ok_codes: tuple[int, ...] | None = (0, 1)
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)

    def argv(self, target: Path, files: list[Path]) -> list[str]:
        return self.build(target, files)  # type: ignore[operator]


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)  # type: ignore[call-overload]


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def install(wanted: set[str], allow_install: bool) -> dict[str, str]:
    """Install the wanted peers (when missing). Returns {peer: reason} for those skipped."""
    skipped: dict[str, str] = {}
    PEERS_DIR.mkdir(parents=True, exist_ok=True)
    if "proselint" in wanted and not (PEERS_DIR / "venv" / "bin" / "proselint").exists():
        if not allow_install:
            skipped["proselint"] = "not installed (and --no-install)"
        else:
            _log("installing proselint into bench/.peers/venv (pip)")
            venv = PEERS_DIR / "venv"
            steps = [[sys.executable, "-m", "venv", str(venv)], [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "proselint"]]
            for step in steps:
                done = _run(step)
                if done.returncode != 0:
                    skipped["proselint"] = f"install failed: {' '.join(step[-2:])}: {_tail(done.stderr)}"
                    break
    node_wanted = [p for p in ("write-good", "textlint", "alex") if p in wanted]
    if node_wanted:
        bins = PEERS_DIR / "node_modules" / ".bin"
        missing = [p for p in NPM_PACKAGES if not (PEERS_DIR / "node_modules" / p / "package.json").exists()]
        npm = shutil.which("npm")
        if missing and not allow_install:
            for p in node_wanted:
                if not (bins / p).exists():
                    skipped[p] = "not installed (and --no-install)"
        elif missing and npm is None:
            for p in node_wanted:
                skipped[p] = "npm not found (install Node.js and npm)"
        elif missing:
            _log(f"installing {', '.join(missing)} into bench/.peers (npm install --prefix)")
            done = _run([npm, "install", "--prefix", str(PEERS_DIR), "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES])
            if done.returncode != 0:
                for p in node_wanted:
                    skipped[p] = f"npm install failed: {_tail(done.stderr)}"
        for p in node_wanted:
            if p not in skipped and not (bins / p).exists():
                skipped[p] = "installed, but its command is missing from node_modules/.bin"
    return skipped


def _tail(text: str, n: int = 200) -> str:
    text = " ".join(text.split())
    return text[-n:] or "no output"


def _npm_version(package: str) -> str:
    try:
        data = json.loads((PEERS_DIR / "node_modules" / package / "package.json").read_text())
        return str(data.get("version", "?"))
    except (OSError, ValueError):
        return "?"


def mantracheck_cmd() -> list[str]:
    """The console script installed for the Python that runs the bench, as a user of that
    environment runs it (else the one on PATH, else ``python -m mantracheck``). Not a version
    manager's shim first on PATH: pyenv's is a bash script that adds ~0.1 s to every run, and
    the floor runs this same Python directly."""
    beside = Path(sys.executable).with_name("mantracheck")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    script = shutil.which("mantracheck")
    return [script] if script else [sys.executable, "-m", "mantracheck"]


def compile_bytecode() -> str:
    """Compile mantracheck's modules to bytecode, as pip does when it installs a wheel (and
    pre-commit when it installs the hook), so that mantracheck is timed as users run it,
    like spaCy and proselint beside it. An editable install gets no bytecode from pip, and
    where PYTHONDONTWRITEBYTECODE is set Python never writes it either: every run would
    compile the package from source again (about 0.08 s here). Writes only the git-ignored
    ``__pycache__`` folders, and only for modules whose source changed."""
    import compileall

    import mantracheck

    package = Path(mantracheck.__file__).parent
    ok = compileall.compile_dir(str(package), quiet=1)
    where = "set" if sys.flags.dont_write_bytecode else "not set"
    return f"compiled ({'ok' if ok else 'with errors'}) in {package}; PYTHONDONTWRITEBYTECODE {where}"


def tools(wanted: list[str]) -> list[Tool]:
    """The tools to time, in table order (mantracheck first)."""
    out: list[Tool] = []
    mc = mantracheck_cmd()
    version = _run([*mc, "--version"]).stdout.strip().split()[-1:] or ["?"]
    out.append(Tool("mantracheck", version[0], lambda t, f: [*mc, "lint", str(t)], note="`mantracheck lint PATH` (text output, default --jobs)"))
    venv_bin = PEERS_DIR / "venv" / "bin"
    bins = PEERS_DIR / "node_modules" / ".bin"
    if "proselint" in wanted and (venv_bin / "proselint").exists():
        pv = _run([str(venv_bin / "proselint"), "version"]).stdout.strip().split()[-1:] or ["?"]
        out.append(Tool("proselint", pv[0], lambda t, f: [str(venv_bin / "proselint"), "check", str(t)], note="`proselint check PATH`"))
    if "write-good" in wanted and (bins / "write-good").exists():
        # write-good takes files (a shell glob), and exits with the number of problems.
        out.append(Tool("write-good", _npm_version("write-good"), lambda t, f: [str(bins / "write-good"), *map(str, f)], ok_codes=None, note="`write-good FILE...`"))
    if "textlint" in wanted and (bins / "textlint").exists():
        base = str(PEERS_DIR / "node_modules")
        out.append(
            Tool(
                "textlint",
                f"{_npm_version('textlint')} + textlint-rule-write-good {_npm_version('textlint-rule-write-good')}",
                lambda t, f: [str(bins / "textlint"), "--rules-base-directory", base, "--rule", "write-good", *map(str, f)],
                note="`textlint --rule write-good FILE...`",
            )
        )
    if "alex" in wanted and (bins / "alex").exists():
        out.append(Tool("alex", _npm_version("alex"), lambda t, f: [str(bins / "alex"), str(t)], note="`alex PATH`"))
    return out


def floor_tool() -> Tool:
    code = "import spacy; spacy.blank('en')"
    return Tool("floor", "", lambda t, f: [sys.executable, "-c", code], ok_codes=(0,), note=f'`python -c "{code}"`')


def quick_floor_tool() -> Tool:
    """The floor without the interpreter's teardown, which mantracheck's console script skips
    (``os._exit`` once its output is flushed): for comparison only; the target is the floor's."""
    code = "import os, spacy; spacy.blank('en'); os._exit(0)"
    return Tool("floor, no teardown", "", lambda t, f: [sys.executable, "-c", code], ok_codes=(0,), note=f'`python -c "{code}"` (for comparison: mantracheck skips the teardown too)')


def environment() -> dict[str, str]:
    """Machine and versions, for the table's header."""
    info: dict[str, str] = {}
    info["cpus"] = str(os.cpu_count() or "?")
    try:
        info["nproc"] = _run(["nproc"]).stdout.strip()
    except OSError:
        info["nproc"] = info["cpus"]
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info["cpu"] = model
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        info["ram"] = "?"
    info["python"] = sys.version.split()[0]
    try:
        import spacy

        info["spacy"] = spacy.__version__
    except ImportError:
        info["spacy"] = "not installed"
    node = shutil.which("node")
    info["node"] = _run([node, "--version"]).stdout.strip() if node else "not installed"
    try:
        load = os.getloadavg()
        info["load"] = f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    except OSError:
        info["load"] = "?"
    return info
