"""A long fuzz run: lint mutated and random files for N minutes; save what crashes or hangs.

    python bench/fuzz.py --minutes 10            # as long as you like; Ctrl-C stops it cleanly
    python bench/fuzz.py --minutes 1 --seed 7    # reproducible

Inputs are mutations of the hostile corpus and the format fixtures (bytes flipped, syntax
inserted, chunks repeated, spliced, truncated, re-encoded), plus random bytes and deeply
nested structures, each with one of the linted extensions. Each input is linted by a worker
process (forked warm from this one) through ``mantracheck.api.lint_paths``, exactly as
``mantracheck lint FILE`` would. A crash is an exception that escapes, a report whose error
is an "internal error" (the per-file safety net caught a bug) or is more than one line; a
hang is an input that takes longer than ``--timeout`` seconds (the worker is killed and a
new one forked). Each is saved as ``tests/fuzz_cases/<kind>-<sha1>.<ext>``, which
tests/test_fuzz.py lints on every run from then on. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [ROOT / "tests" / "hostile", ROOT / "tests" / "fixtures" / "formats"]
OUT = ROOT / "tests" / "fuzz_cases"
EXTENSIONS = [".txt", ".md", ".html", ".hbs", ".eml", ".yaml", ".json", ".j2"]
TOKENS = [
    b"{{", b"}}", b"{%", b"%}", b"{#", b"#}", b"<%=", b"%>", b"${", b"%{", b"[[", b"]]", b"<!--", b"-->",
    b"<p>", b"</p>", b"<br>", b"<script>", b"&amp;", b"&#xD800;", b"&#", b"\\u", b"\\ud800", b"*", b"_", b"`",
    b"```", b"> ", b"- ", b"# ", b"\r\n", b"\r", b"\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"=?utf-8?B?", b"?=",
    b"Content-Type: multipart/mixed; boundary=X\n", b"--X\n", b"Content-Transfer-Encoding: base64\n",
    b"quoted-printable", b"=C3=A9", b"body: |\n  ", b"&a ", b"*a", b": ", b"\"", b"'", b"[", b"]", b"{", b"}",
    b"mantracheck: disable-next-line=", b"<!-- mantracheck: disable -->", b"We guarantee it ASAP.", b"http://x.y/",
    b"a@b.co", "café naïve \u202e\u200b".encode(), b"\xe9\x81\x9d",
]


def seeds() -> list[tuple[str, bytes]]:
    out = []
    for folder in SEEDS:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in EXTENSIONS + [".yml"] and path.stat().st_size < 300_000:
                out.append((path.suffix, path.read_bytes()))
    return out


def mutate(rng: random.Random, data: bytes, pool: list[tuple[str, bytes]]) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(data))
        if op == 0 and data:  # flip a byte
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif op == 1:  # insert syntax
            data[pos:pos] = rng.choice(TOKENS) * rng.choice((1, 1, 1, 3, 50, 2000))
        elif op == 2 and data:  # repeat a chunk
            end = min(len(data), pos + rng.randint(1, 64))
            data[pos:pos] = data[pos:end] * rng.randint(2, 200)
        elif op == 3:  # truncate
            del data[pos:]
        elif op == 4:  # splice another seed
            other = rng.choice(pool)[1]
            start = rng.randint(0, len(other))
            data[pos:pos] = other[start : start + rng.randint(1, 500)]
        elif op == 5:  # random bytes
            data[pos:pos] = rng.randbytes(rng.randint(1, 32))
        else:  # delete a span
            del data[pos : pos + rng.randint(1, 64)]
    if rng.random() < 0.05:
        try:
            return bytes(data).decode("utf-8").encode(rng.choice(["utf-16", "utf-16-be", "cp1252", "utf-8-sig"]), errors="ignore")
        except UnicodeDecodeError:
            pass
    return bytes(data[:2_000_000])


def nested(rng: random.Random) -> tuple[str, bytes]:
    depth = rng.choice((10, 100, 150, 151, 500, 5000))
    kind = rng.randrange(4)
    if kind == 0:
        return ".json", b'{"body":' * depth + b'"We guarantee it."' + b"}" * depth
    if kind == 1:
        return ".yaml", b"".join(b"  " * i + b"a:\n" for i in range(depth)) + b"  " * depth + b"body: We guarantee it.\n"
    if kind == 2:
        return ".html", b"<div><b>" * depth + b"We guarantee it." + b"</b></div>" * depth
    return ".md", b"> " * depth + b"- " * (depth // 2) + b"We guarantee it.\n"


def generate(rng: random.Random, pool: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    roll = rng.random()
    if roll < 0.75:
        ext, data = rng.choice(pool)
        ext = ext if rng.random() < 0.8 else rng.choice(EXTENSIONS)
        return ext, mutate(rng, data, pool)
    if roll < 0.9:
        return rng.choice(EXTENSIONS), rng.randbytes(rng.randint(0, 4000))
    return nested(rng)


# -- the worker --------------------------------------------------------------------------
def worker(conn: Any, folder: str) -> None:
    from mantracheck.api import lint_paths

    while True:
        job = conn.recv()
        if job is None:
            return
        ext, data = job
        path = os.path.join(folder, "input" + ext)
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            result = lint_paths([path], jobs=1)
        except BaseException as exc:  # noqa: BLE001 - what the fuzzer looks for
            conn.send(("crash", f"{type(exc).__name__}: {exc}"))
            continue
        problems = [r.error for r in result.files if r.error and ("internal error" in r.error or "\n" in r.error)]
        conn.send(("crash", problems[0]) if problems else ("ok", ""))


class Worker:
    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.start()

    def start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.proc = context.Process(target=worker, args=(child, self.folder), daemon=True)
        self.proc.start()

    def run(self, job: tuple[str, bytes], timeout: float) -> tuple[str, str]:
        self.conn.send(job)
        if self.conn.poll(timeout):
            try:
                return self.conn.recv()  # type: ignore[no-any-return]
            except EOFError:
                pass
            outcome = ("crash", f"worker died (exit code {self.proc.exitcode})")
        else:
            outcome = ("hang", f"no answer within {timeout:g} s")
        self.proc.kill()
        self.proc.join()
        self.start()
        return outcome

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()


def save(kind: str, ext: str, data: bytes, why: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kind}-{hashlib.sha1(data).hexdigest()[:12]}{ext}"
    path.write_bytes(data)
    with open(out / "README.md", "a", encoding="utf-8") as log:
        log.write(f"- `{path.name}`: {why}\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take before it counts as a hang")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    pool = seeds()
    from mantracheck.api import lint_paths

    with tempfile.TemporaryDirectory() as folder:
        warm = os.path.join(folder, "warm.txt")
        Path(warm).write_text("We guarantee it.", encoding="utf-8")
        lint_paths([warm], jobs=1)  # build the linter once; workers fork from here warm
        runner = Worker(folder)
        deadline = time.monotonic() + args.minutes * 60
        runs = found = 0
        seen: set[str] = set()
        print(f"fuzzing for {args.minutes:g} min with seed {seed} on {len(pool)} seed files", flush=True)
        try:
            while time.monotonic() < deadline:
                ext, data = generate(rng, pool)
                kind, why = runner.run((ext, data), args.timeout)
                runs += 1
                key = why.split(":")[0] + why[-40:] if kind == "crash" else kind + ext
                if kind != "ok" and key not in seen:
                    seen.add(key)
                    found += 1
                    print(f"{kind}: {why} -> {save(kind, ext, data, why, args.out)}", flush=True)
        except KeyboardInterrupt:
            print("stopped", flush=True)
        finally:
            runner.stop()
    print(f"{runs} inputs, {found} distinct crashes or hangs saved (seed {seed})", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
