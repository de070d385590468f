"""Reading exports: CSV, JSON Lines and Parquet (pyarrow), CSV and JSON Lines also gzip'd,
cut into partitions of about ``partition_bytes`` that a worker reads on its own.

A partition is a byte range of the (decompressed) file that starts and ends on a record
boundary, or a run of rows of one Parquet row group. ``plan`` finds the boundaries in one pass
over the file, a megabyte at a time: a line end in JSON Lines; in CSV a line end outside a
quoted field, read as pyarrow reads it (``_csv_boundaries``: a field is quoted only when it
starts with ``"``, so a stray quote inside a plain field, ``5" screen``, opens nothing). A worker
then reads only its own range (a gzip'd file is decompressed up to it), so memory is bounded by
the partition, whatever the size of the file. Rows are numbered per partition and turned
into file rows when the partitions' counts are merged (``RowKey``).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

from mantracheck.audit.rows import lookup
from mantracheck.errors import UsageError

#: The default size of a partition: about 5,000 replies of a help desk's length.
PARTITION_BYTES = 4 << 20
_CHUNK = 1 << 20
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class ExportFile:
    index: int
    path: str
    fmt: str  # csv | jsonl | parquet
    gzip: bool
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Partition:
    """One unit of work: bytes ``[start, end)`` of a CSV or JSON Lines file (decompressed), or
    rows ``[start, end)`` of a Parquet row group. ``header`` is a CSV file's header line;
    ``inline`` the partition's own data when the workers cannot read the file (bytes, or a
    pyarrow Table for Parquet)."""

    file: int
    path: str
    fmt: str
    gzip: bool
    index: int
    start: int
    end: int
    row_group: int = -1
    header: bytes = b""
    inline: Any = None


def detect(path: str) -> tuple[str, bool]:
    """(format, gzip'd) from the file name: .csv, .jsonl/.ndjson, .parquet/.pq, + .gz."""
    name = path.lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    ext = os.path.splitext(name)[1]
    fmt = _EXTENSIONS.get(ext)
    if fmt is None or (gz and fmt == "parquet"):
        raise UsageError(f"{path}: cannot tell the export's format from its name; expected .csv, .jsonl, .ndjson or .parquet (CSV and JSON Lines may end in .gz)")
    return fmt, gz


def _open(path: str, gz: bool) -> BinaryIO:
    try:
        return gzip.open(path, "rb") if gz else open(path, "rb")  # type: ignore[return-value]
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None


def plan(paths: Sequence[str], required: Sequence[str], partition_bytes: int = PARTITION_BYTES) -> tuple[list[ExportFile], list[Partition]]:
    """The files and their partitions; a column of ``required`` missing from a file is a usage
    error naming it and the file."""
    files: list[ExportFile] = []
    parts: list[Partition] = []
    for i, path in enumerate(paths):
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
        fmt, gz = detect(path)
        try:
            if fmt == "parquet":
                columns, found = _parquet_plan(i, path, partition_bytes)
            else:
                columns, found = _text_plan(i, path, fmt, gz, partition_bytes)
        except UnicodeDecodeError:
            raise UsageError(f"{path}: cannot read it (its header is not valid UTF-8)") from None
        except (OSError, EOFError, gzip.BadGzipFile, ValueError) as exc:
            # (pyarrow's ArrowInvalid is a ValueError: not Parquet, empty, cut short)
            detail = " ".join(str(exc).split())[:200]
            raise UsageError(f"{path}: cannot read it as {'Parquet' if fmt == 'parquet' else fmt.upper()} ({detail})") from None
        for name in required:
            if not _has(columns, name, fmt):
                shown = ", ".join(columns[:30]) + (", ..." if len(columns) > 30 else "")
                where = "the keys of its first records" if fmt == "jsonl" else "its columns"
                raise UsageError(f"{path}: no column {name!r} ({where}: {shown or 'none'})")
        files.append(ExportFile(i, path, fmt, gz, tuple(columns)))
        parts.extend(found)
    return files, parts


def _has(columns: Sequence[str], name: str, fmt: str) -> bool:
    """Whether a file has the column ``name``; a dotted name reaches into nested values.
    ``columns`` names nested fields too (``author.type``: a Parquet schema's every struct
    field, the keys of a JSON Lines file's first records); a JSON key whose value was never an
    object there (null) is taken on trust, a misspelt key of an object is not (``author.tpye``)."""
    if name in columns:
        return True
    top = name.split(".")[0]
    return fmt == "jsonl" and top in columns and not any(c.startswith(top + ".") for c in columns)


def _paths(record: dict[str, Any], prefix: str = "") -> Iterator[str]:
    """Every key of ``record`` and, dotted, of the objects in it (``author``, ``author.type``)."""
    for key, value in record.items():
        yield prefix + key
        if isinstance(value, dict):
            yield from _paths(value, f"{prefix}{key}.")


def _boundaries(stream: BinaryIO, size: int) -> tuple[int, list[int], int]:
    """(0, start of each partition, total bytes) of a JSON Lines stream: a partition starts at
    the first line end at least ``size`` bytes after the previous start."""
    starts = [0]
    target = size
    pos = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        while True:
            nl = chunk.find(b"\n", max(target - pos, 0))
            if nl < 0:
                break
            starts.append(pos + nl + 1)
            target = pos + nl + 1 + size
        pos += len(chunk)
    return 0, [s for s in starts if s < pos], pos


# A CSV file as pyarrow reads it (RFC 4180 with its defaults): a UTF-8 byte-order mark at the
# start is skipped; a field that starts with a quote is quoted up to a quote that is not doubled
# (what follows it, up to the comma, is read as is); any other field runs to a comma or line
# end, quotes and all; a line end is LF, CRLF or a lone CR, and empty lines are skipped.
# ``_SCAN`` reads plain text and whole quoted fields in one step and stops at the opening quote
# of a field that does not close in what it may read; a quote opens a field only after a comma
# or line end (its lookbehind), and closes one only when no quote follows it.
_QUOTED = rb'"[^"]*(?:""[^"]*)*"(?=[^"])'
_SCAN = re.compile(rb"(?:(?<=[,\r\n])" + _QUOTED + rb'[^"]*|[^"]+|(?<![,\r\n])")*')
# the same, stopping at the first line end outside a quoted field
_TO_EOL = re.compile(rb"(?:(?<=[,\r\n])" + _QUOTED + rb'[^"\r\n]*|[^"\r\n]+|(?<![,\r\n])")*')
# inside a quoted field: up to its closing quote; or as far as it is known to stay open
_CLOSE = re.compile(rb'[^"]*(?:""[^"]*)*"(?=[^"])')
_OPEN = re.compile(rb'[^"]*(?:""[^"]*)*')
_BOM = b"\xef\xbb\xbf"
#: What the CSV scan reads at a time: a regex step over quote-dense bytes keeps a backtrack entry
#: per field it reads (a megabyte of `"a` took 150 MB), so the steps stay short.
_SCAN_CHUNK = 64 << 10


def _reach(pattern: re.Pattern[bytes], buf: bytes, start: int, end: int) -> int:
    """Where ``pattern`` (one that matches the empty string too) stops reading at ``start``."""
    found = pattern.match(buf, start, end)
    assert found is not None
    return found.end()


def _csv_boundaries(stream: BinaryIO, size: int) -> tuple[int, list[int], int]:
    """(end of the header record, start of each partition, total bytes) of a CSV stream: a
    partition starts after the first line end outside a quoted field at or after ``size``
    bytes from the previous start; the header is the first record that is not an empty line.

    One pass in two states: outside a quoted field (``p`` in plain text), ``_SCAN`` reads up to
    the target and ``_TO_EOL`` on to the next line end; a quoted field that does not close within that
    switches to inside (``in_field``: ``p`` after its opening quote and any doubled quotes),
    where ``_CLOSE`` finds its end. ``buf`` holds the unread rest of the stream's last chunk
    after the byte before ``p`` (for the lookbehind), and a line end after the file ends its
    last field. An unterminated quote leaves the rest of the file one partition, which is how
    pyarrow reads it too. Time linear in the file, memory a chunk."""
    header_end: int | None = None
    starts: list[int] = []
    target = 0  # a boundary follows the first line end outside quotes at or after this
    chunk = stream.read(max(_SCAN_CHUNK, len(_BOM)))
    total = len(chunk)
    skip = len(_BOM) if chunk.startswith(_BOM) else 0
    buf = b"\n" + chunk[skip:]  # (a line end before the file: the first field starts there)
    base = skip - 1  # the file offset of buf[0]
    p = line = 1  # the scan position; where the line being read for the header began
    in_field = False
    while True:
        limit = len(buf)
        while True:
            if in_field:
                quote = buf.find(b'"', p, limit)
                closed = None if quote < 0 else _CLOSE.match(buf, quote, limit)
                if closed is None:
                    p = limit if quote < 0 else _reach(_OPEN, buf, quote, limit)  # (a last lone quote waits for the next chunk)
                    break
                p, in_field = closed.end(), False
                continue
            t = min(max(p, target - base), limit)
            q = _reach(_SCAN, buf, p, t)
            if q == t < limit:
                q = _reach(_TO_EOL, buf, t, limit)
            if q < limit and buf[q] == 34:  # a quoted field opens at q and does not close in time
                p, in_field = q + 1, True
                continue
            if q == limit or q + 1 == limit and buf[q] == 13:
                p = q  # (all of it read; or a CR whose LF may come in the next chunk)
                break
            stop = q + 2 if buf[q] == 13 and buf[q + 1] == 10 else q + 1  # (after a line end)
            p = stop
            if header_end is None and q == line:  # an empty line before the header
                line = stop
                continue
            boundary = base + stop
            if header_end is None:
                header_end = boundary
            starts.append(boundary)
            target = boundary + size
        if not chunk:
            break
        chunk = stream.read(_SCAN_CHUNK)
        total += len(chunk)
        buf = buf[p - 1 :] + (chunk or b"\n")  # (after the file: a line end to end its last field)
        base += p - 1
        line -= p - 1
        p = 1
    # (the line end after the file ends a header with no rows, or one still in quotes: no rows)
    if header_end is None or header_end > total:
        return total, [], total
    return header_end, [s for s in starts if s < total], total


def _text_plan(i: int, path: str, fmt: str, gz: bool, size: int) -> tuple[list[str], list[Partition]]:
    with _open(path, gz) as stream:
        header_end, starts, total = _csv_boundaries(stream, size) if fmt == "csv" else _boundaries(stream, size)
    header = b""
    with _open(path, gz) as stream:
        if fmt == "csv":
            header = stream.read(header_end)
            columns = _csv_columns(header)
        else:
            columns = _jsonl_columns(stream)
    ends = [*starts[1:], total]
    parts = [Partition(i, path, fmt, gz, k, s, e, header=header) for k, (s, e) in enumerate(zip(starts, ends))]
    return columns, parts


def _csv_columns(header: bytes) -> list[str]:
    import pyarrow.csv as pcsv

    if not header.strip():
        return []
    return list(pcsv.read_csv(io.BytesIO(header), parse_options=pcsv.ParseOptions(newlines_in_values=True)).column_names)


def _jsonl_columns(stream: BinaryIO) -> list[str]:
    """The keys, at every depth, of the first objects of a JSON Lines file (the first thousand
    lines, or 4 MB once one object is found): a nested key one record leaves out (an optional
    ``author.id``) is still known from another."""
    seen: dict[str, None] = {}
    read = 0
    for _, line in zip(range(1000), stream):
        read += len(line)
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue
        if isinstance(record, dict):
            seen.update(dict.fromkeys(_paths(record)))
        if seen and read >= 4 << 20:
            break
    return list(seen)


#: The fewest bytes a Parquet row is taken to read as, for the rows of a partition.
_ROW_BYTES = 256


def _parquet_plan(i: int, path: str, size: int) -> tuple[list[str], list[Partition]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    parts: list[Partition] = []
    for rg in range(meta.num_row_groups):
        group = meta.row_group(rg)
        rows = group.num_rows
        per_row = max(1, group.total_byte_size // max(rows, 1))
        # (stored sizes can be far below what a row reads as: a dictionary-encoded column of
        # a few thousand templates stores 400,000 replies in a few MB; at least _ROW_BYTES a row)
        step = max(1, size // max(per_row, _ROW_BYTES))
        for start in range(0, rows, step):
            parts.append(Partition(i, path, "parquet", False, len(parts), start, min(start + step, rows), row_group=rg))
    def fields(field: Any, prefix: str) -> Iterator[str]:
        yield prefix + field.name
        if pa.types.is_struct(field.type):
            for k in range(field.type.num_fields):
                yield from fields(field.type.field(k), f"{prefix}{field.name}.")

    return [name for field in meta.schema.to_arrow_schema() for name in fields(field, "")], parts


# -- reading one partition ----------------------------------------------------------------
@dataclass
class Records:
    """What a partition holds: ``count`` records (numbering the file's rows or lines), and
    each record as (index in the partition, row or None, why it is malformed or None)."""

    count: int
    items: Iterator[tuple[int, dict[str, Any] | None, str | None]]


def raw_range(part: Partition) -> bytes:
    """The bytes of a CSV or JSON Lines partition."""
    with _open(part.path, part.gzip) as stream:
        stream.seek(part.start)  # (a gzip stream decompresses up to it)
        return stream.read(part.end - part.start)


def with_data(part: Partition, columns: Sequence[str]) -> Partition:
    """The partition carrying its own data, for workers that cannot read the file."""
    if part.fmt == "parquet":
        return replace(part, inline=_parquet_table(part, columns))
    return replace(part, inline=raw_range(part))


class InOrder:
    """Partitions given their own data in the order they come, a gzip'd file read once from
    start to end: a gzip stream cannot seek, so each partition read on its own decompresses
    the file up to it, and an export of N partitions would be decompressed N/2 times over
    (hours for a few GB). Feed it a file's partitions in plan order; ``close`` at the end."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = columns
        self._path: str | None = None
        self._stream: BinaryIO | None = None

    def __call__(self, part: Partition) -> Partition:
        if part.fmt == "parquet" or not part.gzip:
            return with_data(part, self.columns)
        stream = self._stream
        if stream is None or self._path != part.path or stream.tell() > part.start:
            self.close()
            stream = self._stream = _open(part.path, True)
            self._path = part.path
        stream.seek(part.start)  # (forward from where it is)
        return replace(part, inline=stream.read(part.end - part.start))

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = self._path = None


def read(part: Partition, columns: Sequence[str]) -> Records:
    """The records of a partition, with the ``columns`` asked for (dotted names reach into
    nested values); a CSV row with a value that is not valid UTF-8 is malformed."""
    if part.fmt == "csv":
        return _csv_records(part, columns)
    if part.fmt == "jsonl":
        return _jsonl_records(part)
    table = part.inline if part.inline is not None else _parquet_table(part, columns)
    table = _microseconds(table)

    def items() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        for k, row in enumerate(table.to_pylist()):
            # a binary column that holds UTF-8 is text; other bytes (a UUID) stay bytes: as the
            # reply's text they are no text, as a group or id their hex (as_text)
            for name, cell in row.items():
                if isinstance(cell, bytes):
                    try:
                        row[name] = cell.decode("utf-8")
                    except UnicodeDecodeError:
                        pass
            yield k, row, None

    return Records(table.num_rows, items())


def _microseconds(table: Any) -> Any:
    """Nanosecond timestamps as microseconds (Python's datetime holds no nanoseconds, and
    pyarrow will not make one of them without pandas)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.unit == "ns":
            column = pc.cast(table.column(i), pa.timestamp("us", field.type.tz), safe=False)
            table = table.set_column(i, pa.field(field.name, column.type), column)
    return table


#: pyarrow's largest CSV block (an int32).
_MAX_BLOCK = (1 << 31) - 1


def _csv_records(part: Partition, columns: Sequence[str]) -> Records:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    data = part.inline if part.inline is not None else raw_range(part)
    bad: dict[int, str] = {}

    def invalid(row: Any) -> str:
        # row.number counts records from the header (1) when read on one thread
        at = (row.number - 2) if row.number is not None else -1 - len(bad)
        bad[at] = f"{row.actual_columns} field{'s' if row.actual_columns != 1 else ''}, expected {row.expected_columns}"
        return "skip"

    wanted = list(dict.fromkeys(columns))
    buffer = part.header + data
    latin1 = False

    def parse(block_size: int | None) -> Any:
        bad.clear()
        return pcsv.read_csv(
            io.BytesIO(buffer.decode("latin-1").encode("utf-8") if latin1 else buffer),
            read_options=pcsv.ReadOptions(use_threads=False, **({"block_size": block_size} if block_size else {})),
            parse_options=pcsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid),
            convert_options=pcsv.ConvertOptions(include_columns=wanted, column_types={c: pa.binary() for c in wanted}, strings_can_be_null=False),
        )

    def read() -> Any:
        try:
            return parse(None)
        except pa.ArrowInvalid as exc:
            # a record larger than pyarrow's 1 MB block (a 5 MB reply) "straddles two block
            # boundaries": read the partition as one block then (pyarrow's limit is 2 GiB)
            if "straddl" not in str(exc) or len(buffer) >= _MAX_BLOCK:
                raise
            return parse(len(buffer) + 1)

    # Bytes that are not UTF-8 are read as Latin-1 (the same rows, every byte a character),
    # and each value is given back its bytes: pyarrow cannot show a row with the wrong number
    # of fields and such bytes to the malformed-row handler, and fails the whole partition.
    try:
        buffer.decode("utf-8")
    except UnicodeDecodeError:
        latin1 = True
    table = read()
    values = {c: table.column(c).to_pylist() for c in wanted}
    if latin1:
        values = {c: [None if v is None else v.decode("utf-8").encode("latin-1") for v in vs] for c, vs in values.items()}
    count = table.num_rows + len(bad)

    def items() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        local = 0
        for n in range(table.num_rows):
            while local in bad:
                yield local, None, bad[local]
                local += 1
            row: dict[str, Any] = {}
            reason = None
            for c in wanted:
                raw = values[c][n]
                try:
                    row[c] = None if raw is None else raw.decode("utf-8")
                except UnicodeDecodeError:
                    # (read leniently, two team names in Latin-1 would become one group)
                    reason = reason or f"{c!r} is not valid UTF-8"
            yield (local, None, reason) if reason else (local, row, None)
            local += 1
        for at in sorted(k for k in bad if k >= local or k < 0):
            yield at, None, bad[at]

    return Records(count, items())


def _jsonl_records(part: Partition) -> Records:
    data = part.inline if part.inline is not None else raw_range(part)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()

    def items() -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except UnicodeDecodeError:
                yield k, None, "not valid UTF-8"
                continue
            except (ValueError, RecursionError):  # (RecursionError: nested 100,000 deep)
                yield k, None, "not valid JSON"
                continue
            if not isinstance(record, dict):
                yield k, None, "not a JSON object"
                continue
            if _SURROGATE_ESCAPE.search(line) and _has_lone_surrogate(record):
                # ("\ud83d" alone: a tweet cut in the middle of an emoji; it cannot be written out)
                yield k, None, "not valid Unicode (half of a surrogate pair)"
                continue
            yield k, record, None

    return Records(len(lines), items())


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _parquet_table(part: Partition, columns: Sequence[str]) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(part.path)
    names = set(pf.schema_arrow.names)
    top = list(dict.fromkeys(c if c in names else c.split(".")[0] for c in columns))
    pieces, seen = [], 0
    for batch in pf.iter_batches(batch_size=4096, row_groups=[part.row_group], columns=top, use_threads=False):
        lo, hi = max(part.start - seen, 0), min(part.end - seen, batch.num_rows)
        if lo < hi:
            pieces.append(batch.slice(lo, hi - lo))
        seen += batch.num_rows
        if seen >= part.end:
            break
    return pa.Table.from_batches(pieces, schema=pieces[0].schema if pieces else None) if pieces else pa.table({c: [] for c in top})


def value(row: dict[str, Any], name: str) -> Any:
    return lookup(row, name)
