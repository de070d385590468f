"""`mantracheck serve`'s JSON API: through Starlette's test client and against a real uvicorn."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient

from mantracheck.web.app import MAX_BODY, Workbench, create_app
from tests.serving import free_port, running_server

EMAIL = "Hi Sam,\n\nThanks for your order! We guarantee delivery within the hour. Send us the receipt.\n\nBest,\nAna\n"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(Workbench()))


def cli_json(*args: str, stdin: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "mantracheck", "lint", "--no-config", "--format", "json", *args, "-"], input=stdin, capture_output=True, text=True)
    return json.loads(result.stdout)


def cli_mantra(*candidates: str) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "mantracheck", "mantra", "--format", "json", *candidates], capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize(
    "body, args",
    [
        ({"text": EMAIL}, []),
        ({"text": EMAIL, "profile": "marketing"}, ["--profile", "marketing"]),
        ({"text": "<p>Hi Sam, we guarantee it.</p>", "input_format": "html"}, ["--input-format", "html"]),
        ({"text": "@sam DM us your order number.", "profile": "social"}, ["--profile", "social"]),
        ({"text": ""}, []),
    ],
)
def test_lint_is_the_clis_json_for_the_same_input(client, body, args):
    response = client.post("/api/lint", json=body)
    assert response.status_code == 200
    assert response.json() == cli_json(*args, stdin=body["text"])


def test_mantra_is_the_clis_json_for_the_same_candidates(client):
    candidates = ["People serving people.", "We leverage synergies for stakeholders.", "Listen first. Fix fast. Follow up."]
    response = client.post("/api/mantra", json={"candidates": candidates})
    assert response.status_code == 200
    assert response.json() == cli_mantra(*candidates)
    assert client.post("/api/mantra", json={"candidates": []}).json() == []


@pytest.mark.parametrize(
    "path, body, status, reason",
    [
        ("/api/lint", b"not json", 400, "not JSON"),
        ("/api/lint", b"[1, 2]", 400, "JSON object"),
        ("/api/lint", b"{}", 400, "'text' is required"),
        ("/api/lint", b'{"text": 3}', 400, "'text' must be a string"),
        ("/api/lint", b'{"text": "x", "profile": "nosuch"}', 400, "unknown profile"),
        ("/api/lint", b'{"text": "x", "input_format": "pdf"}', 400, "input_format"),
        ("/api/lint", b"\xff\xfe", 400, "not JSON"),
        ("/api/lint", b'{"text": "\\ud800 hi"}', 400, "lone surrogate"),
        ("/api/lint", b'{"text": "hi", "x": ' + b"1" * 5000 + b"}", 400, "not JSON"),  # over Python's 4,300-digit limit
        ("/api/lint", b'{"text": "hi", "x": ' + b"[" * 3000 + b"]" * 3000 + b"}", 400, "not JSON"),  # too deep
        ("/api/mantra", b'{"candidates": ["\\udfff"]}', 400, "lone surrogate"),
        ("/api/mantra", b'{"candidates": "People"}', 400, "list of strings"),
        ("/api/mantra", json.dumps({"candidates": ["x"] * 201}).encode(), 413, "at most 200"),
    ],
)
def test_bad_input_gets_4xx_with_a_one_line_reason(client, path, body, status, reason):
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    error = response.json()["error"]
    assert reason in error and "\n" not in error and "Traceback" not in error


def test_oversized_bodies_get_413(client):
    big = json.dumps({"text": "a" * (MAX_BODY + 10)})
    response = client.post("/api/lint", content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert "1,000,000 bytes" in response.json()["error"]

    def chunks():  # no Content-Length: the limit holds while streaming
        for _ in range(20):
            yield b"a" * 100_000

    response = client.post("/api/lint", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_page_and_assets_are_served_from_the_package(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for src in ("/static/app.js", "/static/style.css"):
        assert src in page.text
        assert client.get(src).status_code == 200
    # nothing is fetched from elsewhere: no absolute URL in any asset
    for name in ("/", "/static/app.js", "/static/style.css"):
        assert "http://" not in client.get(name).text.replace("http://127.0.0.1", "")
        assert "https://" not in client.get(name).text
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nosuch.js").status_code == 404


def test_rule_explanations_and_profiles(client):
    rule = client.get("/api/rules/overpromise.guarantee").json()
    assert rule["id"] == "overpromise.guarantee" and rule["description"]
    assert client.get("/api/rules/nosuch.rule").status_code == 404
    info = client.get("/api/profiles").json()
    assert {"support", "script", "social", "marketing"} <= set(info["profiles"]) and info["default"] == "support"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `mantracheck serve` on 127.0.0.1 (its own process)."""
    folder = tmp_path_factory.mktemp("serve")
    with running_server(folder) as (base, proc):
        yield base, proc, folder


def post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_real_server_answers_like_the_cli_and_takes_20_concurrent_clients(server):
    base, _, folder = server
    texts = [EMAIL.replace("Sam", f"Sam{i}") + ("We are the best. " * (i % 3)) for i in range(20)]

    def one(text: str) -> tuple[int, dict]:
        return post(base + "/api/lint", json.dumps({"text": text}).encode())

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(one, texts))
    assert all(status == 200 for status, _ in results)
    for text, (_, body) in zip(texts[:3], results[:3]):
        assert body == cli_json(stdin=text)
    assert post(base + "/api/lint", b"{oops")[0] == 400
    # a declared body over the limit is refused before it is read (the client may not even
    # get to send it: the answer comes first)
    import http.client
    from urllib.parse import urlparse

    where = urlparse(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    conn.putrequest("POST", "/api/lint")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(MAX_BODY + 1))
    conn.endheaders()
    answer = conn.getresponse()
    assert answer.status == 413 and "1,000,000 bytes" in json.loads(answer.read())["error"]
    assert list(folder.iterdir()) == []  # the server writes nothing


def test_real_server_says_where_it_listens_and_stops_cleanly_on_ctrl_c(server):
    base, proc, _ = server
    import signal

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"serving on {base}/" in err and "stopped" in err
    assert "Traceback" not in err


def test_serve_warns_when_not_on_localhost_and_refuses_a_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "mantracheck", "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_engine_is_built_afresh_after_so_much_text(monkeypatch):
    """spaCy's vocabulary keeps every word the server reads: past RECYCLE_CHARS the sessions
    and pipelines are forgotten and built again, with the same answers."""
    import mantracheck.web.app as web
    from mantracheck.nlp import get_pipeline

    monkeypatch.setattr(web, "RECYCLE_CHARS", 20_000)
    bench = Workbench()
    email = "Hi Sam,\n\nSend us your order number and we guarantee a refund today!\n\nAna\n"
    first = bench.lint(email, None, "text")
    nlp = get_pipeline().nlp
    for i in range(400):  # ~40,000 characters of words seen once
        bench.lint(f"Your reference is QX{i:05d}KP{i * 7919:07d}; we wrote to k{i}x@example.com.", None, "text")
        if get_pipeline().nlp is not nlp:
            break
    else:
        raise AssertionError("the engine was never built afresh")
    assert i * 80 > 20_000 * 0.9
    assert len(get_pipeline().nlp.vocab) < len(nlp.vocab)
    assert bench.lint(email, None, "text") == first
    assert bench.mantra(["People serving people."]) == Workbench().mantra(["People serving people."])


def test_engine_processes_share_the_work_answer_like_the_cli_and_stop_cleanly(tmp_path):
    """serve --workers 2: one HTTP process, two engine processes taking checks as they come."""
    import os
    import signal

    texts = [EMAIL.replace("Sam", f"Sam{i}") + ("We are the best. " * (i % 3)) for i in range(20)]
    with running_server(tmp_path, "--workers", "2") as (base, proc):
        engines = _engines(proc)
        assert len(engines) == 2

        def one(text: str) -> tuple[int, dict]:
            return post(base + "/api/lint", json.dumps({"text": text}).encode())

        def cpu(pid: int) -> int:
            fields = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()
            return int(fields[11]) + int(fields[12])

        before = [cpu(pid) for pid in engines]
        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(one, texts * 5))
        assert all(status == 200 for status, _ in results)
        for text, (_, body) in zip(texts[:2], results[:2]):
            assert body == cli_json(stdin=text)
        used = [cpu(pid) - b for pid, b in zip(engines, before)]
        assert min(used) > 0.25 * max(used), used  # both engines did a share of the checks
        assert post(base + "/api/lint", json.dumps({"text": "x", "profile": "nope"}).encode())[0] == 400
        status, ranked = post(base + "/api/mantra", json.dumps({"candidates": ["People serving people."]}).encode())
        assert status == 200 and ranked == cli_mantra("People serving people.")

        # an engine process that dies costs at most the request in the pool then a 503 (when
        # the pool notices is a race); the pool is started again and answers the rest
        os.kill(engines[0], signal.SIGKILL)
        import time

        statuses: list[int] = []
        deadline = time.monotonic() + 60
        while not (len(_engines(proc)) == 2 and engines[0] not in _engines(proc)):  # until started again
            assert time.monotonic() < deadline, statuses
            statuses.append(one(texts[0])[0])
        statuses += [one(texts[0])[0] for _ in range(3)]
        assert set(statuses) <= {200, 503} and statuses.count(503) <= 1, statuses
        assert statuses[-3:] == [200, 200, 200]
        assert one(texts[1])[1] == cli_json(stdin=texts[1])
        engines = _engines(proc)

        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "stopped" in err
    assert list(tmp_path.iterdir()) == []
    assert not [pid for pid in engines if _alive(pid)]


def _alive(pid: int) -> bool:
    import time

    for _ in range(40):  # up to 10 s
        try:
            if open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[0] == "Z":
                return False  # exited, not yet reaped
        except OSError:
            return False
        time.sleep(0.25)
    return True


def _engines(proc: subprocess.Popen) -> list[int]:
    import os

    # (each thread lists the children it started: a pool started again is started by another)
    children = [int(p) for t in os.listdir(f"/proc/{proc.pid}/task") for p in open(f"/proc/{proc.pid}/task/{t}/children").read().split()]
    return [pid for pid in children if "spawn_main" in open(f"/proc/{pid}/cmdline").read()]  # not the resource tracker


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_engine_processes_end_with_the_server(tmp_path, how):
    """Stopped (SIGTERM: as Ctrl-C) or killed, the server leaves no engine process behind."""
    import signal

    with running_server(tmp_path, "--workers", "2") as (base, proc):
        engines = _engines(proc)
        assert len(engines) == 2
        proc.send_signal(getattr(signal, how))
        _, err = proc.communicate(timeout=60)
        if how == "SIGTERM":
            assert proc.returncode == 0 and "stopped" in err and "Traceback" not in err, err
        assert not [pid for pid in engines if _alive(pid)]


def test_the_server_collects_garbage_once_its_engine_is_built(tmp_path):
    """The command line turns the cyclic collector off while a command starts (cli.main);
    serve turns it on again once its engine is built, and freezes nothing (the engine is
    built afresh from time to time, and a frozen one's cycles would stay for good)."""
    import signal

    port = free_port()
    driver = f"""
import gc, threading, time, urllib.request
from mantracheck.cli import main

def probe():
    for _ in range(300):
        try:
            urllib.request.urlopen("http://127.0.0.1:{port}/api/profiles", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    print("collector", gc.isenabled(), gc.get_freeze_count(), flush=True)

threading.Thread(target=probe, daemon=True).start()
main(["serve", "--port", "{port}"])
"""
    proc = subprocess.Popen([sys.executable, "-c", driver], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert line.split() == ["collector", "True", "0"], (line, err)


def _marked(mark: str) -> list[int]:
    """The processes started with MANTRACHECK_TEST_MARK=mark in their environment (a server
    and its engines, whoever their parent is now)."""
    import os

    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                environ = open(f"/proc/{entry}/environ", "rb").read()
                state = open(f"/proc/{entry}/stat").read().rpartition(")")[2].split()[0]
            except OSError:
                continue
            if f"MANTRACHECK_TEST_MARK={mark}".encode() in environ.split(b"\0") and state != "Z":
                found.append(int(entry))
    return found


def _gone(mark: str, seconds: float = 15) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while _marked(mark):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def _serve(tmp_path, mark: str, *args: str, **popen: Any) -> subprocess.Popen:
    import os

    env = {**os.environ, "MANTRACHECK_TEST_MARK": mark}
    return subprocess.Popen([sys.executable, "-m", "mantracheck", "serve", "--port", str(free_port()), "--workers", "2", *args], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **popen)


def test_engines_that_cannot_start_stop_the_server_with_one_line(tmp_path):
    proc = _serve(tmp_path, "nomodel", "--model", "no_such_pipeline_here")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert err.count("\n") == 1 and "no_such_pipeline_here" in err and "Traceback" not in err, err
    assert _gone("nomodel")


@pytest.mark.parametrize(("how", "after"), [("SIGINT", 0.6), ("SIGTERM", 0.3), ("SIGTERM", 0.05)])
def test_stopped_while_its_engines_start_the_server_leaves_nothing_running(tmp_path, how, after):
    import signal
    import time

    mark = f"early-{how}-{after}"
    proc = _serve(tmp_path, mark)
    time.sleep(after)
    proc.send_signal(getattr(signal, how))
    _, err = proc.communicate(timeout=60)  # (it used to wait for its engines for good)
    assert "Traceback" not in err, err
    assert _gone(mark), _marked(mark)


def test_sigterm_to_the_process_group_lets_the_checks_in_hand_finish(tmp_path):
    """systemd, `timeout` and `kill -- -PGID` signal every process of the group: the engines
    leave stopping to the server, which answers what it holds first."""
    import os
    import signal
    import time

    mark = "group-term"
    proc = _serve(tmp_path, mark, start_new_session=True)
    base = None
    deadline = time.monotonic() + 60
    while base is None:
        line = proc.stderr.readline()
        if "serving on" in line:
            base = line.split("serving on ")[1].split()[0].rstrip("/")
        assert line and time.monotonic() < deadline, "serve did not start"
    text = ("Hi Sam,\n\nWe guarantee delivery within the hour, and thanks for waiting. " * 3000)[:200_000]
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(post, base + "/api/lint", json.dumps({"text": text + str(i)}).encode()) for i in range(6)]
        time.sleep(0.5)
        os.killpg(proc.pid, signal.SIGTERM)
        statuses = [f.result()[0] for f in futures]
    _, err = proc.communicate(timeout=60)
    assert statuses == [200] * 6, (statuses, err)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert _gone(mark)
