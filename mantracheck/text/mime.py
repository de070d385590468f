"""Email files (``.eml``, MIME): the subject and one body part, without quoted earlier mail.

The standard library's parser (``email.parser`` with the ``compat32`` policy) decides the
structure: where the headers end, the parts of every ``multipart/*`` (recursively), each
part's content type, transfer encoding and charset. It gives no offsets, so the same cuts are
found in the source by reading it as the parser does (a line ends at CRLF, CR or LF; headers
run to the first line that is not a header or a continuation; parts lie between the lines of
the boundary the parser read from ``Content-Type``, the line break before a delimiter
belonging to the delimiter), and the body span found must hold exactly the payload the
parser gave that part: where it does not, the file is reported, not linted at a guessed place.
The first ``text/plain`` part is linted (else the first ``text/html`` part); attachments and
attached or forwarded messages (``message/*``) are not.

Positions, by transfer encoding of the chosen part:

- ``7bit``, ``8bit``, ``binary`` or none: the body *is* the text, mapped character for character.
- ``quoted-printable``: literal characters map one to one; each run of ``=XX`` escapes (which
  may continue across a soft line break) is one decoded piece whose source is the whole run,
  and soft line breaks vanish. Positions stay exact to the character, and a finding's
  ``match`` shows the encoded source text.
- ``base64``: characters cannot map back one to one (four source characters carry three
  bytes), so every decoded character is attributed to the source line holding the base64
  quantum that completed it. A finding then points at the start of the encoded line (or
  lines) its words came from: the right line, column 1 of it.

Only a ``7bit``, ``8bit`` or ``binary`` body (or one without a transfer encoding) is a verbatim
copy of its text, so only there may ``--fix`` rewrite it; a decoded body is never edited.

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
from email.parser import Parser
from email.policy import compat32

from mantracheck.errors import InputError
from mantracheck.text.html import html_into
from mantracheck.text.offsets import Extracted, OffsetMap, TextBuilder, compose, map_comments
from mantracheck.text.placeholders import Masker, Placeholders
from mantracheck.text.plain import plain_into

_HEADER_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_EOL = re.compile(r"\r\n|\r|\n")
#: A line email's parser takes for a header, or the continuation of one (its ``headerRE``).
_HEADER_START = re.compile(r"From |[\041-\071\073-\176]*:|[\t ]")
#: The rest of a delimiter line after ``--boundary``: ``--`` for the close delimiter, blanks.
_DELIMITER_REST = re.compile(r"(--)?[ \t]*(?:\r\n|\r|\n)?\Z")
_QP_TOKEN = re.compile(r"=[0-9A-Fa-f]{2}(?:(?:=(?:\r\n|\r|\n))?=[0-9A-Fa-f]{2})*|=(?:\r\n|\r|\n)|=\Z")
_QP_SOFT = re.compile(r"=(?:\r\n|\r|\n)")
_QUOTED_LINE = re.compile(r"[ \t]*>")
_ON_WROTE = re.compile(r"[ \t]*On\b.{0,300}?\bwrote:[ \t]*$", re.DOTALL)
_SEPARATOR = re.compile(r"[ \t]*(?:-{3,}\s*Original Message\s*-{3,}|_{20,}|-{3,}\s*Forwarded message\s*-{3,})", re.IGNORECASE)
#: Transfer encodings under which the body is the text itself (a fix may rewrite it).
VERBATIM = ("7bit", "8bit", "binary")


def _line_end(text: str, pos: int, end: int) -> int:
    """The end of the line at ``pos``, its line break (CRLF, CR or LF) included."""
    m = _EOL.search(text, pos, end)
    return m.end() if m else end


def _header_block(text: str, start: int, end: int) -> tuple[int, int, tuple[int, int] | None]:
    """(end of the header block, start of the body, a line the parser drops from the body) of
    the message or part in ``[start, end)``, as email's parser splits them: header lines (and
    their continuations) up to the first line that is not one; a blank line there is the
    separator, any other line starts the body. A last header line starting with ``From ``
    (not the first line) goes back to the body, and the blank line after it is dropped."""
    pos, last = start, start
    while pos < end and _HEADER_START.match(text, pos, end):
        last = pos
        pos = _line_end(text, pos, end)
    after_blank = _line_end(text, pos, end) if pos < end and text[pos] in "\r\n" else pos
    if last > start and text.startswith("From ", last):
        return last, last, (pos, after_blank) if after_blank > pos else None
    return pos, after_blank, None


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


def _delimiters(text: str, start: int, end: int, boundary: str) -> list[tuple[int, int, bool]]:
    """The delimiter lines of ``boundary`` in ``[start, end)`` (which starts a line): (line
    start, line end, whether it is the close delimiter)."""
    sep = "--" + boundary
    out: list[tuple[int, int, bool]] = []
    pos = text.find(sep, start, end)
    while pos >= 0:
        if pos == start or text[pos - 1] in "\r\n":
            eol = _line_end(text, pos, end)
            rest = _DELIMITER_REST.match(text, pos + len(sep), eol)
            if rest is not None:
                out.append((pos, eol, rest.group(1) is not None))
                pos = text.find(sep, eol, end)
                continue
        pos = text.find(sep, pos + 1, end)
    return out


def _subparts(text: str, start: int, end: int, boundary: str) -> list[tuple[int, int]]:
    """The spans of the parts of a multipart body ``[start, end)``, as email's parser cuts
    them: from the line after a delimiter (a run of delimiter lines counts as one) to the
    next delimiter line, or ``end``; the close delimiter ends the list. A span keeps the line
    break before the next delimiter (which belongs to the delimiter)."""
    delimiters = _delimiters(text, start, end, boundary)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(delimiters) and not delimiters[i][2]:
        pos = delimiters[i][1]
        i += 1
        while i < len(delimiters) and delimiters[i][0] == pos:
            pos = delimiters[i][1]
            i += 1
        spans.append((pos, delimiters[i][0] if i < len(delimiters) else end))
    return spans


Pieces = tuple[tuple[int, int], ...]


def _leaves(text: str, msg: Message) -> list[tuple[Message, Pieces | None]]:
    """Every part of ``msg`` that is not a multipart container, in order, with the source
    spans that make up its body (one, or two around a line the parser drops); None where the
    parts found in the source are not the ones email's parser found. Attached messages
    (``message/*``) are leaves: they are not descended into."""
    out: list[tuple[Message, Pieces | None]] = []
    stack: list[tuple[Message, tuple[int, int] | None, bool]] = [(msg, (0, len(text)), False)]
    while stack:
        part, span, is_subpart = stack.pop()
        multipart = part.get_content_maintype() == "multipart"
        children = part.get_payload() if multipart and part.is_multipart() else None
        if isinstance(children, list):
            spans: list[tuple[int, int] | None] = [None] * len(children)
            boundary = part.get_boundary()
            if span is not None and boundary is not None:
                found = _subparts(text, _header_block(text, *span)[1], span[1], boundary)
                if len(found) == len(children):
                    spans = list(found)
            stack.extend((child, child_span, True) for child, child_span in reversed(list(zip(children, spans))))
            continue
        if span is None:
            out.append((part, None))
            continue
        _, body, dropped = _header_block(text, *span)
        end = span[1]
        boundary = part.get_boundary() if multipart else None
        if boundary is not None:  # a multipart without parts: its payload is what precedes a close delimiter
            delimiters = _delimiters(text, body, end, boundary)
            end = delimiters[0][0] if delimiters else end
        pieces = [p for p in ((body, dropped[0]), (dropped[1], end)) if p[1] > p[0]] if dropped else [(body, end)]
        if is_subpart and not multipart and pieces:
            # the line break before the next delimiter is not the part's (that of a multipart
            # without parts is cut from its epilogue, not its payload)
            a, b = pieces[-1]
            b -= 2 if text.endswith("\r\n", a, b) else 1 if b > a and text[b - 1] in "\r\n" else 0
            pieces[-1] = (a, b)
        out.append((part, tuple(pieces) or ((body, body),)))
    return out


def _charset(headers: Message) -> str:
    charset = headers.get_content_charset() or "us-ascii"
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


def _transfer_encoding(headers: Message) -> str:
    return str(headers.get("Content-Transfer-Encoding", "7bit")).strip().lower()


def _decode(text: str, start: int, end: int, headers: Message) -> tuple[str, OffsetMap]:
    """The part's text and its map to the file (see the module docstring)."""
    builder = TextBuilder(text)
    cte = _transfer_encoding(headers)
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
        elif _QUOTED_LINE.match(line) or (line.lstrip().startswith("On ") and _ON_WROTE.match(line)):
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


def _subject(source: str, hdr_end: int, placeholders: Placeholders) -> Extracted | None:
    subject = _header_value(source, 0, hdr_end, "Subject")
    if subject is None or subject[1] <= subject[0]:
        return None
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
    return builder.build(label="subject")


def _chosen(leaves: list[tuple[Message, Pieces | None]]) -> tuple[Message, Pieces | None] | None:
    """The first text/plain part that is not an attachment and not blank (a template's empty
    plain part beside its HTML one), else the first such text/html."""
    for wanted in ("text/plain", "text/html"):
        for part, span in leaves:
            disposition = str(part.get("Content-Disposition", "")).lower()
            if part.get_content_type() == wanted and not disposition.startswith("attachment") and not _blank(part):
                return part, span
    return None


def _blank(part: Message) -> bool:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - (undecodable: not blank; the reader says why)
        return False
    return isinstance(payload, bytes) and not payload.strip()


def extract_email(source: str, placeholders: Placeholders) -> list[Extracted]:
    """The subject and the chosen body part. Email's parser (``email.parser``) decides the
    structure: headers, parts, boundaries, transfer encoding and charset; the source spans are
    found by reading the source the same way, and the body span must hold exactly the
    payload the parser found, or the file is reported rather than linted at a guessed place."""
    msg = Parser(policy=compat32).parsestr(source)
    out: list[Extracted] = []
    subject = _subject(source, _header_block(source, 0, len(source))[0], placeholders)
    if subject is not None:
        out.append(subject)
    chosen = _chosen(_leaves(source, msg))
    if chosen is None:
        return out
    headers, pieces = chosen
    if pieces is None or "".join(source[a:b] for a, b in pieces) != headers.get_payload():
        raise InputError(f"cannot place the {headers.get_content_type()} part of this email in the file exactly (the parser reads it differently), so it is not linted")
    # (two pieces only around the blank line the parser drops after a stray 'From ' line:
    # the body is linted with it)
    start, end = pieces[0][0], pieces[-1][1]
    value, outer = _decode(source, start, end, headers)
    masker = Masker(value, placeholders)
    builder = TextBuilder(value)
    comments = list(masker.comments)
    if headers.get_content_type() == "text/html":
        html_into(builder, masker, 0, len(value), comments, skip_quotes=True)
    else:
        _plain_body_into(builder, masker, comments)
    inner = builder.build()
    verbatim = _transfer_encoding(headers) in VERBATIM
    out.append(Extracted(inner.clean, compose(inner.offsets, outer), label="body", comments=map_comments(tuple(sorted(comments)), outer), fixable=verbatim, controls=inner.controls))
    return out
