"""``mantracheck audit``: exports read in partitions, aggregates that merge exactly, the same
result from local processes and a real Dask cluster (a worker killed mid-job included),
malformed rows counted, a missing column one line.

The archive is built at test time from ../shared/data/agent-replies/ (both files) in a
temporary folder, and never kept: that data is for evaluation only."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import signal
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.audit import prepare
from mantracheck.audit.aggregate import Aggregate, GroupStats
from mantracheck.audit.readers import plan, read
from mantracheck.audit.report import quantile
from mantracheck.audit.rows import Where, as_text, month_of
from mantracheck.cli import cli
from mantracheck.errors import UsageError
from tests.conftest import shared

COLUMNS = ["tweet_id", "author_id", "inbound", "created_at", "text"]


# -- pieces that need no data -----------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_quantiles_and_mean_from_a_histogram_are_exact(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.randint(0, 100) for _ in range(rng.randint(1, 400))]
    hist = [0] * 101
    for v in values:
        hist[v] += 1
    expected = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    assert [quantile(hist, p) for p in (0.25, 0.5, 0.75)] == [round(q, 2) for q in expected]


def test_merging_in_any_order_gives_the_same_aggregate() -> None:
    def part(seed: int) -> Aggregate:
        rng = random.Random(seed)
        agg = Aggregate(examples=3, group_examples=2)
        for i in range(50):
            key = (0, seed, i)
            findings = [("overpromise.guarantee", "Guaranteed", 0, 10)] if rng.random() < 0.3 else []
            rules = frozenset({"overpromise.guarantee"})
            agg.add((rng.choice("ab"),), rng.randint(0, 100), rng.randint(0, 60), ["greeting"] if rng.random() < 0.5 else [], findings, rules, rules, (key, "", f"reply {seed}-{i}"))
        agg.records[(0, seed)] = 50
        return agg

    def dump(agg: Aggregate) -> str:
        return repr([(k, sorted((name, sorted(v.items()) if isinstance(v, dict) else v) for name, v in vars(g).items())) for k, g in sorted(agg.groups.items())])

    forward, backward = Aggregate(examples=3, group_examples=2), Aggregate(examples=3, group_examples=2)
    for seed in range(6):
        forward.merge(part(seed))
    for seed in reversed(range(6)):
        backward.merge(part(seed))
    assert dump(forward) == dump(backward)
    assert forward.overall_examples == backward.overall_examples
    assert [e[0] for e in forward.overall().examples["overpromise.guarantee"]] == sorted(e[0] for e in forward.overall_examples["overpromise.guarantee"])[:3]
    assert forward.groups[("a",)].examples["overpromise.guarantee"][0][0] < forward.groups[("a",)].examples["overpromise.guarantee"][1][0]
    assert isinstance(forward.overall(), GroupStats)


def test_csv_partitions_cut_only_between_records(tmp_path: Path) -> None:
    """Quoted fields with line breaks and doubled quotes, cut every few bytes: every record is
    read once, whole, and numbered as a single read numbers it."""
    path = tmp_path / "replies.csv"
    rows = [{"id": str(i), "body": f'Hi "{i}",\nline two\r\nline, three' if i % 3 else f"plain {i}"} for i in range(40)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "body"])
        writer.writeheader()
        writer.writerows(rows)
    for size in (1, 7, 64, 1 << 20):
        _, parts = plan([str(path)], ["body"], size)
        seen = [row for part in parts for _, row, _ in read(part, ["id", "body"]).items]
        assert seen == rows, size
    assert len(plan([str(path)], ["body"], 1)[1]) == 40


_FIELDS = st.one_of(
    # plain fields, stray quotes and bare carriage returns included (pyarrow reads a quote that
    # does not open a field as text, and a bare CR as a line end)
    st.text(alphabet='ab "\r', max_size=5),
    # quoted fields: commas, line breaks, doubled quotes, and text after the closing quote
    st.builds(lambda body, tail: f'"{body}"{tail}', st.lists(st.sampled_from(["a", " ", '""', "\n", ",", "\r\n"]), max_size=6).map("".join), st.sampled_from(["", "", "x", 'y"z'])),
)


def _csv_ends_by_hand(data: bytes, size: int) -> tuple[int, list[int], int]:
    """What _csv_boundaries must return, byte by byte as pyarrow reads CSV: a BOM skipped, a
    field quoted only when it starts with a quote, "" a quote inside one, LF, CRLF or a lone CR
    a line end outside one, empty lines before the header skipped, and a cut after the first
    line end whose last byte is at or after the target."""
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    n = len(data)
    ends = []  # (where the line end begins, the offset after it)
    state, line = "start", i
    while i < n:
        c = data[i]
        if state == "quoted":
            if c == 34 and i + 1 < n and data[i + 1] == 34:
                i += 2
                continue
            state = "plain" if c == 34 else state
        elif c == 34 and state == "start":
            state = "quoted"
        elif c in (10, 13):
            stop = i + 2 if data[i : i + 2] == b"\r\n" else i + 1
            ends.append((i == line, stop))
            state, line, i = "start", stop, stop
            continue
        else:
            state = "start" if c == 44 else "plain"
        i += 1
    if state != "quoted":
        ends.append((n == line, n + 1))  # (the end of the file ends the last line)
    header_end, starts, target = None, [], 0
    for empty, stop in ends:
        if header_end is None and empty:
            continue
        if header_end is None or stop - 1 >= target:
            header_end = stop if header_end is None else header_end
            starts.append(stop)
            target = stop + size
    if header_end is None or header_end > n:
        return n, [], n
    return header_end, [s for s in starts if s < n], n


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(st.lists(_FIELDS, min_size=2, max_size=2), max_size=10),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    before=st.sampled_from(["", "", "\ufeff", "\n\r\n"]),
    header=st.sampled_from(["id,body", "id,body", '"i\nd",body', '"a,""b",body']),
    chunk=st.sampled_from([1, 2, 3, 7, 1 << 16]),
    size=st.sampled_from([1, 5, 40]),
)
def test_csv_partitions_are_the_records_pyarrow_reads(rows: list[list[str]], end: str, before: str, header: str, chunk: int, size: int) -> None:
    """Wherever the planner cuts a CSV file, reading the pieces gives the records pyarrow reads
    from the whole: a line end (LF, CRLF, CR) counts only outside a quoted field, and a field is
    quoted only when it starts with a quote (a stray quote, `5" screen`, flipped a quote-count
    parity and cut later records in two); a BOM and empty lines before the header are skipped.
    Read in chunks of a few bytes too."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from mantracheck.audit import readers

    data = (before + header + end + "".join(",".join(r) + end for r in rows)).encode()
    old = readers._SCAN_CHUNK
    readers._SCAN_CHUNK = chunk
    try:
        found = readers._csv_boundaries(io.BytesIO(data), size)
    finally:
        readers._SCAN_CHUNK = old
    assert found == _csv_ends_by_hand(data, size)
    header_end, starts, total = found
    assert total == len(data) and starts == sorted(set(starts)) and all(header_end <= s < total for s in starts)

    def parse(raw: bytes) -> list[dict[str, bytes]]:
        columns = pcsv.read_csv(io.BytesIO(data), read_options=pcsv.ReadOptions(use_threads=False), parse_options=pcsv.ParseOptions(newlines_in_values=True)).column_names
        try:
            table = pcsv.read_csv(
                io.BytesIO(raw),
                read_options=pcsv.ReadOptions(use_threads=False),
                parse_options=pcsv.ParseOptions(newlines_in_values=True),
                convert_options=pcsv.ConvertOptions(column_types={c: pa.binary() for c in columns}, strings_can_be_null=False),
            )
        except pa.ArrowInvalid as exc:
            if "mpty" in str(exc):  # (a piece of empty lines only)
                return []
            raise
        return table.to_pylist()

    try:
        whole = parse(data)
    except pa.ArrowInvalid:
        return  # (a row of one field, or an open quote: pyarrow refuses the file as a whole too)
    pieces = [data[s:e] for s, e in zip(starts, [*starts[1:], total])]
    assert [r for piece in pieces for r in parse(data[:header_end] + piece)] == whole


def test_a_stray_quote_does_not_cut_a_later_quoted_reply(tmp_path: Path) -> None:
    """An unquoted field with a quote in it (`5" screen`), then replies quoted over several
    lines: small partitions audit exactly what one partition does."""
    lines = ["id,agent,text", '1,ana,Your 5" screen will arrive tomorrow. Thanks!']
    for i in range(2, 60):
        lines.append(f'{i},ben,"Hi Sam,\nThank you for waiting.\nPlease send us the label, and we guarantee a refund.\nBest, Ben"')
    path = tmp_path / "replies.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["audit", str(path), "--text-column", "text", "--group-by", "agent", "--format", "csv", "--jobs", "1", "--no-progress", "-q"]
    code, whole, err = _cli(*args, "--partition-size", "1GB")
    assert code == 0, err
    code, cut, err = _cli(*args, "--partition-size", "1KB")
    assert code == 0, err
    assert cut == whole
    assert len(plan([str(path)], ["text"], 1 << 10)[1]) > 5
    ben = next(r for r in csv.DictReader(io.StringIO(whole)) if r["agent"] == "ben")
    assert ben["replies"] == ben["overpromise_replies"] == "58"  # each reply whole, its guarantee found


@pytest.mark.parametrize(
    "data",
    [
        b"id,body\r1,We guarantee a refund.\r2,Thanks for waiting!\r",  # classic Mac line ends: read 0 rows before
        b'\xef\xbb\xbf"id","body"\r\n1,"We guarantee\r\na refund."\r\n2,Thanks for waiting!\r\n',  # Excel's CSV UTF-8
        b"\n\nid,body\n1,We guarantee a refund.\n\n2,Thanks for waiting!",  # blank lines, no final line end
    ],
)
def test_line_ends_a_bom_and_blank_lines_are_read_as_pyarrow_reads_them(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "replies.csv"
    path.write_bytes(data)
    for size in ("1GB", "1B"):
        code, out, err = _cli("audit", str(path), "--text-column", "body", "--partition-size", size, "--jobs", "1", "--no-progress", "-q")
        assert code == 0, err
        report = json.loads(out)
        assert report["totals"]["replies"] == 2 and report["totals"]["malformed"] == 0, size
        assert report["overall"]["findings"] == {"overpromise.guarantee": 1}


def test_one_bad_row_is_one_malformed_row_not_a_failed_audit(tmp_path: Path) -> None:
    """Each of these stopped the whole audit (exit 3) or merged groups; now the row is counted
    as malformed and the rest is audited."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ok = "Hi Ann, we guarantee a refund. Thanks, Bob"
    cases: dict[str, tuple[list[str], int]] = {}
    (tmp_path / "surrogate.jsonl").write_text(json.dumps({"body": ok, "team": "a"}) + "\n" + '{"body":"Hi","team":"x\\ud83d"}\n', encoding="utf-8")
    cases["surrogate.jsonl"] = (["--group-by", "team"], 1)
    (tmp_path / "deep.jsonl").write_text(json.dumps({"body": ok}) + "\n" + '{"body":' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    cases["deep.jsonl"] = ([], 1)
    (tmp_path / "latin1.csv").write_bytes(f'body,team\n"{ok}",a\nJos\xe9,x,y\n'.encode("latin-1"))
    cases["latin1.csv"] = ([], 1)
    for name, (extra, malformed) in cases.items():
        code, out, err = _cli("audit", str(tmp_path / name), "--text-column", "body", *extra, "--jobs", "1", "--no-progress", "-q")
        assert code == 0, (name, err)
        totals = json.loads(out)["totals"]
        assert totals["malformed"] == malformed and totals["replies"] == 1, (name, totals)
    # Parquet binary columns: UTF-8 is text; other bytes are no reply text, and as a group or
    # id their hex (two names that are not UTF-8 merged into one group of U+FFFD before)
    uuid = pa.array([bytes(range(16)), bytes(range(1, 17)), bytes(range(2, 18))], pa.binary(16))
    pq.write_table(pa.table({"body": pa.array([ok.encode()] * 3, pa.binary()), "team": pa.array([b"Jos\xe9", b"Jos\xe8", b"Ann"], pa.binary()), "id": uuid}), tmp_path / "binary.parquet")
    code, out, err = _cli("audit", str(tmp_path / "binary.parquet"), "--text-column", "body", "--group-by", "team", "--column", "id=id", "--jobs", "1", "--no-progress", "-q")
    assert code == 0, err
    report = json.loads(out)
    assert report["totals"]["replies"] == 3 and sorted(g["group"]["team"] for g in report["groups"]) == ["4a6f73e8", "4a6f73e9", "Ann"]


def test_months_of_zoned_times_nanoseconds_and_times_out_of_range(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    times = {
        "2017-10-31 23:30:00 -0500 EST": "2017-11",  # (Go; the offset counts, the name does not)
        "2017-10-31T23:30-05:00[America/New_York]": "2017-11",  # (Java)
        "2017-10-31T23:30:00.1234567-05:00": "2017-11",
        "2017-10-31 23:30:00 EST": None,  # (a zone by name, within its offset of the month's edge)
        "2017-10-15 12:00 CEST": "2017-10",  # (... and far from it)
        "2017-10-15 11:30 PM": "2017-10",
        "2017-10-15 at 12:00": "2017-10",
        "0001-01-01T00:00:00+01:00": None,
        "2017-10-31T23:30:00Z": "2017-10",
        "2017-10-31": "2017-10",
    }
    assert {t: month_of(t) for t in times} == times
    path = tmp_path / "ns.parquet"
    pq.write_table(pa.table({"body": ["Thanks, we are on it."], "ts": pa.array([1509487847123456789], pa.timestamp("ns", tz="UTC"))}), path)
    code, out, err = _cli("audit", str(path), "--text-column", "body", "--group-by", "month", "--column", "timestamp=ts", "--jobs", "1", "--no-progress", "-q")
    assert code == 0, err
    assert [g["group"]["month"] for g in json.loads(out)["groups"]] == ["2017-10"]


def test_a_group_named_like_an_output_column_keeps_both(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "replies.csv"
    path.write_text("body,replies\nWe guarantee it.,r1\nThanks!,r2\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    code, _, err = _cli("audit", str(path), "--text-column", "body", "--group-by", "replies", "--format", "parquet", "-o", str(out), "--jobs", "1", "--no-progress", "-q")
    assert code == 0, err
    table = pq.read_table(out).to_pydict()
    assert table["group.replies"] == ["", "r1", "r2"] and table["replies"] == [2, 1, 1]


def test_a_misspelt_nested_column_is_a_usage_error(tmp_path: Path) -> None:
    """`--group-by author.nme` put every reply in one group named '' and `--where author.tpye!=bot`
    kept every row, silently: only `author` was checked."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"body": "We guarantee it.", "author": {"type": "admin", "id": "7"}}, {"body": "Thanks!", "author": None}]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "r.parquet")
    (tmp_path / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "null-first.jsonl").write_text("".join(json.dumps(r) + "\n" for r in reversed(rows)), encoding="utf-8")
    for name in ("r.parquet", "r.jsonl"):
        code, _, err = _cli("audit", str(tmp_path / name), "--text-column", "body", "--group-by", "author.nme", "--no-progress")
        assert code == 2 and "no column 'author.nme'" in err, (name, err)
        code, _, err = _cli("audit", str(tmp_path / name), "--text-column", "body", "--where", "author.tpye!=bot", "--no-progress")
        assert code == 2 and "no column 'author.tpye'" in err, (name, err)
    optional = [{"body": "Thanks!", "author": {"type": "bot"}}, {"body": "We guarantee it.", "author": {"type": "admin", "id": "7"}}]
    (tmp_path / "optional.jsonl").write_text("".join(json.dumps(r) + "\n" for r in optional), encoding="utf-8")
    code, out, err = _cli("audit", str(tmp_path / "optional.jsonl"), "--text-column", "body", "--group-by", "author.id", "--jobs", "1", "--no-progress", "-q")
    assert code == 0, err  # (a key the first record leaves out, a later one has)
    for name in ("r.parquet", "r.jsonl", "null-first.jsonl"):  # (a null first value is taken on trust)
        code, out, err = _cli("audit", str(tmp_path / name), "--text-column", "body", "--group-by", "author.type", "--jobs", "1", "--no-progress", "-q")
        assert code == 0, (name, err)
        assert sorted(g["group"]["author.type"] for g in json.loads(out)["groups"]) == ["", "admin"], name


def test_a_parquet_file_of_repeated_replies_is_still_cut_into_partitions(tmp_path: Path) -> None:
    """Dictionary encoding stores 40,000 replies drawn from 20 templates in a few KB: sized by
    what is stored, the row group was one partition (one process, no recycling)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    bodies = [f"Hi, thanks for waiting: your order {i} ships this week, and we guarantee it." for i in range(20)]
    pq.write_table(pa.table({"body": [bodies[i % 20] for i in range(40_000)]}), tmp_path / "r.parquet", row_group_size=40_000)
    parts = plan([str(tmp_path / "r.parquet")], ["body"], 1 << 20)[1]
    assert len(parts) >= 8 and sum(p.end - p.start for p in parts) == 40_000


def test_a_gzipd_export_is_decompressed_once_not_once_per_partition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gzip stream cannot seek: each partition read on its own decompressed the file up to
    it (quadratic: 34 s against 1.2 s on 240 MB). The parent reads a gzip'd file once, in
    order, and hands each partition its bytes; the audit is the same as of the plain file."""
    from mantracheck.audit import readers

    lines = ["id,body,team"] + [f'{i},"Hi Sam, thanks for waiting.\nYour refund is guaranteed, reply {i}.",{"ab"[i % 2]}' for i in range(300)]
    plain = tmp_path / "replies.csv"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packed = tmp_path / "replies.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    parts = plan([str(packed)], ["body"], 1 << 10)[1]
    assert len(parts) > 10
    expected = [readers.raw_range(p) for p in parts]
    opened: list[str] = []
    real_open = readers._open
    monkeypatch.setattr(readers, "_open", lambda path, gz: opened.append(path) or real_open(path, gz))
    feed = readers.InOrder(["body"])
    assert [feed(p).inline for p in parts] == expected
    feed.close()
    assert opened == [str(packed)]
    opened.clear()
    ready = {name: prepare([str(path)], text_column="body", group_by=["team"], partition_bytes=1 << 10) for name, path in (("plain", plain), ("packed", packed))}
    opened.clear()
    results = {name: plan_.report(plan_.run(engine="local", jobs=2)) for name, plan_ in ready.items()}
    assert opened == [str(packed)]  # (here, once; the processes were handed the bytes)
    same = json.dumps(results["packed"]["groups"]).replace("replies.csv.gz", "replies.csv")  # (examples name their file)
    assert same == json.dumps(results["plain"]["groups"]) and results["plain"]["totals"]["replies"] == 300


def test_where_values_are_a_csv_line() -> None:
    assert Where.parse('team="Sales, EMEA",Support').values == frozenset({"sales, emea", "support"})
    assert Where.parse("team=").matches("") and Where.parse("team=a, b").values == frozenset({"a", "b"})
    with pytest.raises(UsageError, match="must end with its quote"):
        Where.parse('team="open')


def test_where_and_month() -> None:
    assert Where.parse("inbound=false").matches("False") and Where.parse("inbound=false").matches(False)
    assert not Where.parse("inbound!=false").matches("FALSE")
    assert Where.parse("type=reply,note").matches("note")
    assert month_of("Tue Oct 31 22:10:47 +0000 2017") == "2017-10"
    assert month_of("2020-04-01T17:31:32.000Z") == "2020-04"
    assert month_of("2020-03-31T23:30:00-02:00") == "2020-04"  # (in UTC)
    assert month_of(1512086400) == "2017-12" and month_of("1512086400000") == "2017-12"
    assert month_of("Fri, 01 Dec 2017 10:00:00 +0000") == "2017-12"
    assert month_of("soon") is None and month_of(None) is None
    # a JSON Lines or Parquet value that is a list or an object groups as JSON, not as Python's repr
    assert as_text(["x"]) == '["x"]' and as_text({"b": 1, "a": [1.0]}) == '{"a": [1.0], "b": 1}' and as_text(3.0) == "3"


# -- the archive -----------------------------------------------------------------------------
def _ibm_rows() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The IBM set's agent replies in the Customer Support on Twitter layout: (the dialogue
    turns, each conversation's last reply)."""
    turns: list[dict[str, object]] = []
    last: list[dict[str, object]] = []
    conversations = json.loads(shared("agent-replies", "ibm-twitter-customer-care.dev.json").read_text(encoding="utf-8"))
    for conv in conversations:
        company = conv["dialogHeader"]["company"]
        for turn in conv["dialogContent"]:
            if "agent" in turn:
                turns.append({"tweet_id": turn["tweet_ID"], "author_id": company, "inbound": False, "created_at": turn["datetime"], "text": turn["message"]})
        url = conv["agentURL"]
        last.append({"tweet_id": url["tweet_ID"], "author_id": company, "inbound": False, "created_at": conv["dialogHeader"]["conversationDateTime"], "text": url["url_utterance"]})
    return turns, last


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """twcs-head.csv as it is (CRLF, quoted line breaks); the IBM replies as gzip'd JSON Lines
    (the dialogue turns) and Parquet (each conversation's last reply)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path_factory.mktemp("archive")
    twcs = folder / "twcs.csv"
    twcs.write_bytes(shared("agent-replies", "twcs-head.csv").read_bytes())
    turns, last = _ibm_rows()
    with gzip.open(folder / "ibm.jsonl.gz", "wt", encoding="utf-8") as handle:
        for row in turns:
            handle.write(json.dumps(row) + "\n")
    pq.write_table(pa.Table.from_pylist(last), folder / "ibm.parquet", row_group_size=100)
    return [str(twcs), str(folder / "ibm.jsonl.gz"), str(folder / "ibm.parquet")]


AUDIT = ["--preset", "twcs", "--group-by", "agent,month", "--partition-size", "12KB"]


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_local_audit_of_the_archive(archive: list[str], tmp_path: Path) -> None:
    code, out, err = _cli("audit", *archive, *AUDIT, "--jobs", "2", "--no-progress")
    assert code == 0, err
    report = json.loads(out)
    totals = report["totals"]
    assert totals["rows"] == 1000 + sum(i["records"] for i in report["inputs"][1:])
    assert totals["filtered_out"] == 539  # TWCS's customer tweets
    assert totals["replies"] == 461 + sum(i["records"] for i in report["inputs"][1:]) - totals["empty"]
    assert totals["malformed"] == 0
    assert [i["format"] for i in report["inputs"]] == ["csv", "jsonl.gz", "parquet"]
    overall = report["overall"]
    assert overall["replies"] == sum(g["replies"] for g in report["groups"]) == sum(c for _, c in overall["courtesy"]["histogram"])
    assert {g["group"]["month"] for g in report["groups"]} >= {"2017-10", "2020-04"}
    assert set(overall["missing_share"]) >= {"greeting", "thanks", "sign_off"}
    for g in report["groups"]:
        assert all(len(items) == 1 for items in g["examples"].values())
    for rule, examples in overall["examples"].items():
        assert 1 <= len(examples) <= 3
        for ex in examples:
            assert ex["text"][ex["start"]:ex["end"]] == ex["match"] or not ex["match"], rule
    # the same with one process and one partition per file
    code, single, err = _cli("audit", *archive, *AUDIT[:-2], "--partition-size", "1GB", "--jobs", "1", "--no-progress")
    assert code == 0, err
    assert single == out


def test_a_long_lived_worker_starts_afresh_and_the_aggregate_is_the_same(archive: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker forgets its linter and spaCy pipeline after WORKER_RECYCLE_BYTES of
    replies (spaCy's vocabulary keeps every word it reads); the partitions after it are
    audited by a new pipeline, with the same result."""
    from mantracheck import nlp
    from mantracheck.audit import job as audit_job

    ready = prepare(archive, preset="twcs", group_by=["agent", "month"], partition_bytes=12 << 10)
    expected = ready.report(ready.run(engine="local", jobs=1))
    monkeypatch.setattr(audit_job, "WORKER_RECYCLE_BYTES", 8 << 10)
    total = audit_job.empty_aggregate(ready.job)
    used = []  # (held, so that no two pipelines share an id)
    for part in ready.parts:
        total.merge(audit_job.audit_on_worker(part, ready.job))
        used.append(nlp.get_pipeline(ready.job.model))
    rebuilt = len({id(p) for p in used})
    assert 3 <= rebuilt <= len(ready.parts)
    assert ready.report(total) == expected
    # what was forgotten is gone: a new pipeline holds fewer strings than those that read replies
    nlp.release_pipelines()
    fresh = nlp.get_pipeline(ready.job.model)
    assert fresh not in used
    assert len(fresh.nlp.vocab.strings) < min(len(p.nlp.vocab.strings) for p in used)


@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    """A real Dask cluster on this machine: a scheduler and 2 worker processes on 127.0.0.1,
    one thread each, stopped at the end."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=50) as cluster:
        yield cluster


@pytest.mark.slow
def test_dask_gives_the_same_bytes_as_local_processes(archive: list[str], cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    local, remote = tmp_path / "local.json", tmp_path / "dask.json"
    code, _, err = _cli("audit", *archive, *AUDIT, "--jobs", "2", "-o", str(local))
    assert code == 0, err
    code, _, err = _cli("audit", *archive, *AUDIT, "--engine", "dask", "--scheduler", cluster.scheduler_address, "-o", str(remote))
    assert code == 0, err
    assert remote.read_bytes() == local.read_bytes()
    # workers that cannot see the files get each partition's bytes from here: the same again
    ready = prepare(archive, preset="twcs", group_by=["agent", "month"], partition_bytes=12 << 10)
    sent = ready.report(ready.run(engine="dask", scheduler=cluster.scheduler_address, shared=False))
    assert json.dumps(sent, indent=2, ensure_ascii=False) + "\n" == local.read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_worker_killed_mid_job_is_survived(archive: list[str], cluster) -> None:  # type: ignore[no-untyped-def]
    from distributed import Client

    ready = prepare(archive, preset="twcs", group_by=["agent", "month"], partition_bytes=4 << 10)
    assert len(ready.parts) > 20
    expected = ready.report(ready.run(engine="local", jobs=1))
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)
        killed: list[int] = []
        after: list[int] = []

        def kill_one(done: Aggregate) -> None:
            if killed:
                after.append(1)
                return
            busy = [addr for addr, keys in client.processing().items() if keys] or list(pids)
            pid = pids[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

        got = ready.report(ready.run(engine="dask", scheduler=cluster.scheduler_address, progress=kill_one))
        assert killed and after, "the worker was killed while partitions were still to do"
        client.wait_for_workers(2, timeout=60)  # the nanny restarted it
        assert killed[0] not in client.run(os.getpid).values()
    assert json.dumps(got) == json.dumps(expected)


def test_malformed_rows_are_counted_and_reported(tmp_path: Path) -> None:
    source = shared("agent-replies", "twcs-head.csv").read_bytes().decode("utf-8")
    parsed = [row for row in csv.reader(io.StringIO(source, newline="")) if row]
    header, good = parsed[0], parsed[1:40]
    path = tmp_path / "broken.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(good[:10])
    out.write("999,OnlyTwoFields\r\n")  # row 11: malformed
    writer.writerows(good[10:])
    path.write_text(out.getvalue(), encoding="utf-8")
    jsonl = tmp_path / "broken.jsonl"
    records = [dict(zip(COLUMNS, row[:5])) for row in good[:5]]
    jsonl.write_text("\n".join([json.dumps(records[0]), "{not json", *map(json.dumps, records[1:])]) + "\n", encoding="utf-8")
    code, out_text, err = _cli("audit", str(path), str(jsonl), "--preset", "twcs", "--no-progress", "--partition-size", "2KB")
    assert code == 0, err
    report = json.loads(out_text)
    assert report["totals"]["malformed"] == 2
    assert report["malformed"] == [
        {"file": str(path), "row": 11, "reason": "2 fields, expected 7"},
        {"file": str(jsonl), "line": 2, "reason": "not valid JSON"},
    ]
    assert report["totals"]["rows"] == len(good) + 1 + 6
    assert "2 malformed rows skipped" in err


def test_a_missing_column_is_one_line_naming_it(tmp_path: Path) -> None:
    path = shared("agent-replies", "twcs-head.csv")
    code, out, err = _cli("audit", str(path), "--text-column", "body")
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [f"mantracheck: error: {path}: no column 'body' (its columns: tweet_id, author_id, inbound, created_at, text, response_tweet_id, in_response_to_tweet_id)"]
    code, _, err = _cli("audit", str(path), "--preset", "twcs", "--group-by", "team")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "no column 'team'" in err


def test_no_examples_leaves_reply_text_out(archive: list[str]) -> None:
    code, out, err = _cli("audit", archive[0], "--preset", "twcs", "--group-by", "agent", "--no-examples", "--no-progress")
    assert code == 0, err
    report = json.loads(out)
    assert "examples" not in report["overall"] and "top_phrases" not in report["overall"]
    texts = [row["text"] for row in csv.DictReader(io.StringIO(Path(archive[0]).read_text(encoding="utf-8")))]
    assert not any(len(t) > 20 and t in out for t in texts)


def test_csv_parquet_and_html_outputs(archive: list[str], tmp_path: Path) -> None:
    import html5lib
    import pyarrow.parquet as pq

    base = ["audit", archive[0], "--preset", "twcs", "--group-by", "agent", "--no-progress"]
    code, out, _ = _cli(*base, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["scope"] == "overall" and rows[0]["replies"] == "461"
    assert len(rows) == 1 + 43  # one per brand account
    target = tmp_path / "audit.parquet"
    code, _, _ = _cli(*base, "--format", "parquet", "-o", str(target))
    table = pq.read_table(target)
    assert code == 0 and table.num_rows == 44 and table.column("replies")[0].as_py() == 461
    code, page, _ = _cli(*base, "--format", "html")
    assert code == 0
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(page)
    assert not parser.errors
    assert "<svg" in page and "By agent" in page and "<script" not in page


# -- bad input: one line, exit 2, nothing lost ------------------------------------------------
def _small_csv(path: Path, rows: list[tuple[str, str]], header: bytes = b"id,body,team\n") -> Path:
    out = io.BytesIO()
    out.write(header)
    for i, (body, team) in enumerate(rows):
        out.write(f'{i},"{body}",'.encode() + team.encode("latin-1") + b"\n")
    path.write_bytes(out.getvalue())
    return path


def test_a_reply_larger_than_a_read_block_is_audited(tmp_path: Path) -> None:
    """pyarrow reads CSV in 1 MB blocks; a 3 MB reply used to stop the audit (exit 3)."""
    path = _small_csv(tmp_path / "big.csv", [("Hi Sam, thanks for writing.", "a"), ("word " * 600_000, "a"), ("Thanks, we are on it.", "b")])
    code, out, err = _cli("audit", str(path), "--text-column", "body", "--group-by", "team", "--jobs", "1", "--no-progress")
    assert code == 0, err
    assert json.loads(out)["totals"]["replies"] == 3


def test_unreadable_exports_are_one_line_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.parquet").write_bytes(b"")
    (tmp_path / "text.parquet").write_text("this is not parquet\n", encoding="utf-8")
    _small_csv(tmp_path / "latin1.csv", [("Hi", "a")], header=b"id,b\xe9dy,team\n")
    for name, says in (("empty.parquet", "cannot read it as Parquet (Parquet file size is 0 bytes)"), ("text.parquet", "cannot read it as Parquet"), ("latin1.csv", "its header is not valid UTF-8")):
        code, _, err = _cli("audit", str(tmp_path / name), "--text-column", "body", "--no-progress")
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, (name, err)


def test_a_value_that_is_not_utf8_makes_its_row_malformed_not_another_group(tmp_path: Path) -> None:
    path = _small_csv(tmp_path / "teams.csv", [("Hi Ann, thanks. Regards, Bo", "Caf\xe9"), ("Hello, thanks. Regards, Bo", "Caf\xe8"), ("Hi, thanks. Best, Al", "Bar")])
    code, out, err = _cli("audit", str(path), "--text-column", "body", "--group-by", "team", "--jobs", "1", "--no-progress")
    report = json.loads(out)
    assert code == 0, err
    assert [g["group"] for g in report["groups"]] == [{"team": "Bar"}]
    assert [m["reason"] for m in report["malformed"]] == ["'team' is not valid UTF-8"] * 2


def test_the_output_is_checked_before_the_audit_runs(tmp_path: Path) -> None:
    path = _small_csv(tmp_path / "replies.csv", [("Hi Sam, thanks.", "a")])
    before = path.read_bytes()
    code, _, err = _cli("audit", str(path), "--text-column", "body", "-o", str(path), "--no-progress")
    assert code == 2 and "is one of the exports being audited" in err and path.read_bytes() == before
    code, _, err = _cli("audit", str(path), "--text-column", "body", "-o", str(tmp_path / "missing" / "out.json"), "--no-progress")
    assert code == 2 and "cannot write there" in err


def test_filters_and_engines_that_cannot_be_meant(tmp_path: Path) -> None:
    path = _small_csv(tmp_path / "replies.csv", [("Hi Sam, thanks.", "a")])
    body = ("audit", str(path), "--text-column", "body", "--no-progress")
    code, _, err = _cli(*body, "--where", "team==a")
    assert code == 2 and "expected COLUMN=VALUE" in err
    code, _, err = _cli(*body, "--scheduler", "tcp://127.0.0.1:8786")
    assert code == 2 and "--scheduler is for --engine dask" in err
    pytest.importorskip("distributed")
    code, _, err = _cli(*body, "--engine", "dask", "--scheduler", "tcp://127.0.0.1")
    assert code == 2 and "is not a Dask scheduler address" in err and len(err.strip().splitlines()) == 1
    code, _, err = _cli(*body, "--where", "team=zz", "--jobs", "1")
    assert code == 0 and "no reply was audited (1 row: 1 left out by --where or the preset)" in err
