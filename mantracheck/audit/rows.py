"""What is read from one row: values as text, ``--where`` filters, the month of a timestamp."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from typing import Any

from mantracheck.errors import UsageError


def as_text(value: Any) -> str:
    """A cell as text, the same whatever the file format stored it as: booleans ``true`` /
    ``false``, whole floats without ``.0`` (a CSV id read back from JSON), times in ISO 8601,
    a list or object as JSON, None as the empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):  # (bytes that are not UTF-8, a UUID, as hex: two never merge)
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.hex()
    if isinstance(value, (list, dict)):  # a JSON value: as JSON, not Python's repr (['x'])
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def lookup(row: dict[str, Any], name: str) -> Any:
    """``row[name]``, or for a dotted name not in the row, the nested value (``author.type``)."""
    if name in row:
        return row[name]
    node: Any = row
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@dataclass(frozen=True)
class Where:
    """One ``--where COLUMN=VALUE[,VALUE...]`` (or ``!=``) filter. Values compare as text
    (``as_text``) without case, so ``inbound=false`` matches a CSV's ``False`` and a JSON or
    Parquet boolean alike; a row without the column has the empty value."""

    column: str
    values: frozenset[str]
    negate: bool = False

    @classmethod
    def parse(cls, text: str) -> Where:
        m = re.fullmatch(r"\s*([^=!\s][^=!]*?)\s*(!?=)\s*(.*?)\s*", text)
        if m is None or m.group(3).startswith("="):
            raise UsageError(f"--where {text!r}: expected COLUMN=VALUE or COLUMN!=VALUE (values separated by commas)")
        # values as a CSV line: a value with a comma in it is quoted, team="Sales, EMEA",Support
        try:
            values = frozenset(_norm(v) for v in next(csv.reader([m.group(3)], skipinitialspace=True, strict=True)) or [""])
        except csv.Error:
            raise UsageError(f"--where {text!r}: a value in quotes must end with its quote (team=\"Sales, EMEA\",Support)") from None
        return cls(m.group(1), values, m.group(2) == "!=")

    def matches(self, value: Any) -> bool:
        return (_norm(as_text(value)) in self.values) != self.negate

    def __str__(self) -> str:
        return f"{self.column}{'!=' if self.negate else '='}{','.join(sorted(self.values))}"


def _norm(value: str) -> str:
    return value.strip().lower()


_TWITTER = "%a %b %d %H:%M:%S %z %Y"


def month_of(value: Any) -> str | None:
    """``YYYY-MM`` (UTC when the time has a zone) of a timestamp: ISO 8601 (``Z`` or an
    offset), Twitter's ``Tue Oct 31 22:10:47 +0000 2017``, RFC 2822 dates, Unix seconds or
    milliseconds, or a date/datetime from Parquet; None when it is none of these."""
    when: dt.datetime | None
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        when = _epoch(float(value))
    else:
        when = _parse(as_text(value).strip())
    if when is None:
        return None
    if when.tzinfo is not None:
        try:
            when = when.astimezone(dt.timezone.utc)
        except (OverflowError, ValueError):  # (year 1 an hour east of UTC, year 9999 west of it)
            return None
    return f"{when.year:04d}-{when.month:02d}"


def _epoch(seconds: float) -> dt.datetime | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def _parse(text: str) -> dt.datetime | None:
    if not text:
        return None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return _epoch(float(text))
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, _TWITTER)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    return _iso_like(text)


# ISO-like times fromisoformat does not read (on 3.10 or at all): a space before the offset,
# "-0500", 7+ fractional digits, a zone name after the offset (Go's "-0500 EST", Java's
# "-05:00[America/New_York]"), "11:30 PM". What follows the time that is not an offset (a zone
# name, "at", Go's "m=+0.001") leaves the UTC month unknown only near a month's edge.
_ISO_LIKE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:(?:[T ]|\s+at\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*([AaPp][Mm])\b)?)?"
    r"(?:\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![\d:]))?",
    re.IGNORECASE,
)
#: The furthest a local time is from UTC (UTC-12 to UTC+14).
_MOST_OFF = dt.timedelta(hours=14)


def _iso_like(text: str) -> dt.datetime | None:
    m = _ISO_LIKE.match(text)
    if m is None:
        return None
    year, month, day, hour, minute, second, fraction, half, offset = m.groups()
    rest = text[m.end() :].strip()
    try:
        hours = int(hour or 0)
        if half:
            if not 1 <= hours <= 12:
                return None
            hours = hours % 12 + (12 if half.lower() == "pm" else 0)
        when = dt.datetime(int(year), int(month), int(day), hours, int(minute or 0), int(second or 0), int((fraction or "0")[:6].ljust(6, "0")))
    except ValueError:
        return None
    if offset:
        if offset.upper() in ("Z", "UTC", "GMT") and not rest.startswith(("+", "-")):
            return when.replace(tzinfo=dt.timezone.utc)
        digits = offset.replace(":", "")
        if digits[0] in "+-":
            minutes = int(digits[1:3]) * 60 + (int(digits[3:5]) if len(digits) > 3 else 0)
            if minutes >= 24 * 60:
                return None
            return when.replace(tzinfo=dt.timezone(dt.timedelta(minutes=-minutes if digits[0] == "-" else minutes)))
    if not rest and not offset:
        return when  # (no zone said: the time as written, as fromisoformat reads one)
    # A zone by name, or more text: the month in UTC is the written one unless the time is
    # within any zone's offset of the month's edge (the date alone, within a day of it).
    margin = _MOST_OFF if hour else dt.timedelta(days=1)
    if (when - margin).month != when.month or (when + margin).month != when.month:
        return None
    return when
