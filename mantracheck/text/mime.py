"""Email files (``.eml``, MIME): the subject and one body part, without quoted earlier mail.

The message is split with offsets kept: the header block, the body, and for ``multipart/*``
each part between its boundary lines (recursively). The first ``text/plain`` part is linted
(else the first ``text/html`` part); attachments and forwarded messages are not.

Positions, by transfer encoding of the chosen part:

- ``7bit``, ``8bit``, ``binary`` or none: the body *is* the text, mapped character for character.
- ``quoted-printable``: literal characters map one to one; each run of ``=XX`` escapes (which
  may continue across a soft line break) is one decoded piece whose source is the whole run,
  and soft line breaks vanish. Positions stay exact to the character, and a finding's
  ``match`` shows the encoded source text.
- ``base64``: characters cannot map back one to one (four source characters carry three
  bytes), so every decoded character is attributed to the source line holding the base64
  quantum that completed it. A finding then points at the start of the encoded line (or
  lines) its words came from: the right line, column 1 of it, and ``match`` is that encoded
  text.

Subjects with RFC 2047 encoded words (``=?utf-8?q?...?=``) are one decoded piece spanning the
header value; plain subjects map character for character.

Quoted earlier messages are left out: in text, lines starting with ``>``, an ``On ... wrote:``
attribution (on one line or two) and everything after an ``-----Original Message-----`` or
Outlook ``From:`` separator; in HTML, ``blockquote`` and Gmail/Thunderbird/Yahoo quote blocks.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.errors
import re
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32

from mantracheck.text.html import html_into
from mantracheck.text.offsets import Extracted, OffsetMap, TextBuilder, compose, map_comments
from mantracheck.text.placeholders import Masker, Placeholders
from mantracheck.text.plain import plain_into

_BLANK = re.compile(r"(?:\r\n|\r|\n)(?:\r\n|\r|\n)")
_HEADER_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_LOOKS_LIKE_HEADER = re.compile(r"\A[\w-]+:")
_QP_TOKEN = re.compile(r"=[0-9A-Fa-f]{2}(?:(?:=(?:\r\n|\r|\n))?=[0-9A-Fa-f]{2})*|=(?:\r\n|\r|\n)|=\Z")
_QP_SOFT = re.compile(r"=(?:\r\n|\r|\n)")
_QUOTED_LINE = re.compile(r"[ \t]*>")
_ON_WROTE = re.compile(r"[ \t]*On\b.{0,300}?\bwrote:[ \t]*$", re.DOTALL)
_SEPARATOR = re.compile(r"[ \t]*(?:-{3,}\s*Original Message\s*-{3,}|_{20,}|-{3,}\s*Forwarded message\s*-{3,})", re.IGNORECASE)


def _split_headers(text: str, start: int, end: int) -> tuple[int, int]:
    """(end of the header block, start of the body)."""
    if start < end and text[start] in "\r\n":
        nl = 2 if text.startswith("\r\n", start) else 1
        return start, start + nl
    blank = _BLANK.search(text, start, end)
    if blank is None:
        return end, end
    return blank.start(), blank.end()


def _parse_headers(text: str, start: int, stop: int) -> Message:
    return HeaderParser(policy=compat32).parsestr(text[start:stop] + "\n")


def _header_value(text: str, start: int, stop: int, name: str) -> tuple[int, int] | None:
    """The source span of the value of header ``name`` (with its folded lines)."""
    span = None
    for line in _HEADER_LINE.finditer(text, start, stop):
        body = line.group().rstrip("\r\n")
        if not body:
            continue
        if span is not None and body[0] in " \t":
            span = (span[0], line.start() + len(body))
            continue
        if span is not None:
            return span
        if body.lower().startswith(name.lower() + ":"):
            value = line.start() + len(name) + 1
            while value < line.start() + len(body) and text[value] in " \t":
                value += 1
            span = (value, line.start() + len(body))
    return span


def _parts(text: str, start: int, end: int) -> list[tuple[Message, int, int]]:
    """Every leaf part as (headers, body start, body end), depth first."""
    hdr_end, body = _split_headers(text, start, end)
    headers = _parse_headers(text, start, hdr_end)
    boundary = headers.get_param("boundary") if headers.get_content_maintype() == "multipart" else None
    if not isinstance(boundary, str) or not boundary:
        return [(headers, body, end)]
    delimiter = re.compile(r"^--" + re.escape(boundary) + r"(--)?[ \t]*(?:\r\n|\r|\n|$)", re.MULTILINE)
    out: list[tuple[Message, int, int]] = []
    part_start = None
    for m in delimiter.finditer(text, body, end):
        if part_start is not None:
            part_end = m.start()
            for nl in ("\r\n", "\n", "\r"):
                if text.endswith(nl, part_start, part_end):
                    part_end -= len(nl)
                    break
            out.extend(_parts(text, part_start, part_end))
        if m.group(1):
            break
        part_start = m.end()
    return out


def _charset(headers: Message) -> str:
    charset = headers.get_content_charset() or "us-ascii"
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


def _decode(text: str, start: int, end: int, headers: Message) -> tuple[str, OffsetMap]:
    """The part's text and its map to the file (see the module docstring)."""
    builder = TextBuilder(text)
    cte = str(headers.get("Content-Transfer-Encoding", "7bit")).strip().lower()
    charset = _charset(headers)
    if cte == "quoted-printable":
        pos = start
        for m in _QP_TOKEN.finditer(text, start, end):
            builder.copy(pos, m.start())
            if m.group().startswith("=") and len(m.group()) > 1 and m.group()[1] not in "\r\n":
                hexes = _QP_SOFT.sub("", m.group())
                data = bytes(int(hexes[i + 1 : i + 3], 16) for i in range(0, len(hexes), 3))
                builder.replace(data.decode(charset, errors="replace"), m.start(), m.end())
            pos = m.end()
        builder.copy(pos, end)
    elif cte == "base64":
        decoder = codecs.getincrementaldecoder(charset)(errors="replace")
        for line in _HEADER_LINE.finditer(text, start, end):
            if line.start() >= end:
                break
            chunk = re.sub(r"[^A-Za-z0-9+/=]", "", line.group())
            try:
                data = base64.b64decode(chunk + "=" * (-len(chunk) % 4)) if chunk else b""
            except (binascii.Error, ValueError):
                data = b""
            body = line.group().rstrip("\r\n")
            builder.replace(decoder.decode(data), line.start(), line.start() + len(body))
        builder.replace(decoder.decode(b"", final=True), end, end)
    else:
        builder.copy(start, end)
    built = builder.build()
    return built.clean, built.offsets


def _plain_body_into(builder: TextBuilder, masker: Masker, comments: list[tuple[int, int, str]]) -> None:
    """Plain text without the quoted earlier message."""
    text = masker.text
    lines = [m for m in _HEADER_LINE.finditer(text) if m.start() < len(text)]
    keep_from = 0
    i = 0
    while i < len(lines):
        line = lines[i].group().rstrip("\r\n")
        skip = 0
        if _SEPARATOR.match(line) or (line.startswith("From:") and i > 0 and not lines[i - 1].group().strip()):
            skip = len(lines) - i
        elif _QUOTED_LINE.match(line):
            skip = 1
        elif line.lstrip().startswith("On ") and _ON_WROTE.match(line):
            skip = 1
        elif line.lstrip().startswith("On ") and i + 1 < len(lines) and _ON_WROTE.match(line + " " + lines[i + 1].group().rstrip("\r\n")):
            skip = 2
        if skip:
            plain_into(builder, masker, keep_from, lines[i].start(), comments)
            builder.gap("\n\n")
            i += skip
            keep_from = lines[i - 1].end()
        else:
            i += 1
    plain_into(builder, masker, keep_from, len(text), comments)


def extract_email(source: str, placeholders: Placeholders) -> list[Extracted]:
    out: list[Extracted] = []
    if not _LOOKS_LIKE_HEADER.match(source):
        parts = [(_parse_headers("", 0, 0), 0, len(source))]
        hdr_end = 0
    else:
        hdr_end, _ = _split_headers(source, 0, len(source))
        subject = _header_value(source, 0, hdr_end, "Subject")
        if subject is not None and subject[1] > subject[0]:
            builder = TextBuilder(source)
            raw = source[subject[0] : subject[1]]
            if "=?" in raw:
                try:
                    decoded = str(make_header(decode_header(re.sub(r"(?:\r\n|\r|\n)", "", raw))))
                except (LookupError, UnicodeError, ValueError, email.errors.MessageError):  # an unknown, non-ASCII or lying charset
                    decoded = raw
                builder.replace(decoded, *subject)
            else:
                Masker(source, placeholders).emit(builder, *subject)
            out.append(builder.build(label="subject"))
        parts = _parts(source, 0, len(source))
    chosen = None
    for wanted in ("text/plain", "text/html"):
        for headers, start, end in parts:
            disposition = str(headers.get("Content-Disposition", "")).lower()
            if headers.get_content_type() == wanted and not disposition.startswith("attachment"):
                chosen = (headers, start, end)
                break
        if chosen:
            break
    if chosen is None:
        return out
    headers, start, end = chosen
    value, outer = _decode(source, start, end, headers)
    masker = Masker(value, placeholders)
    builder = TextBuilder(value)
    comments = list(masker.comments)
    if headers.get_content_type() == "text/html":
        html_into(builder, masker, 0, len(value), comments, skip_quotes=True)
    else:
        _plain_body_into(builder, masker, comments)
    inner = builder.build()
    verbatim = str(headers.get("Content-Transfer-Encoding", "7bit")).strip().lower() in ("7bit", "8bit", "binary")
    out.append(Extracted(inner.clean, compose(inner.offsets, outer), label="body", comments=map_comments(tuple(sorted(comments)), outer), fixable=verbatim))
    return out
