"""Formats: a registry from name to extractor, and from file extension to format."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mantracheck.text.offsets import GAP, Extracted, TextBuilder
from mantracheck.text.placeholders import Placeholders, add_text, compile_placeholders

__all__ = ["EXTENSIONS", "FORMATS", "KEYED", "TextOptions", "add_text", "extract", "format_for_path", "format_of", "key_spans", "keys_of"]


@dataclass(frozen=True)
class TextOptions:
    """What an extractor needs besides the text: the placeholder regex and, for YAML and
    JSON exports, which string fields to lint."""

    placeholders: Placeholders
    fields: tuple[str, ...] = ()


Extractor = Callable[[str, TextOptions], list[Extracted]]


def extract_plain(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.plain import extract_plain as plain

    return [plain(source, options.placeholders)]


def extract_markdown(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.markdown import extract_markdown as markdown

    return [markdown(source, options.placeholders)]


def extract_html(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.html import extract_html as html

    return [html(source, options.placeholders)]


def extract_email(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.mime import extract_email as email

    return email(source, options.placeholders)


def _field_specs(options: TextOptions) -> list:  # type: ignore[type-arg]
    from mantracheck.text.fields import DEFAULT_FIELDS, FieldSpec

    return [FieldSpec.parse(s) for s in (options.fields or DEFAULT_FIELDS)]


def extract_yaml(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.fields import fields_to_texts, parse_yaml, yaml_comments

    tree = parse_yaml(source)
    texts = fields_to_texts(source, tree, _field_specs(options), options.placeholders, json_style=False)
    return _with_file_comments(source, texts, yaml_comments(source, tree))


def extract_json(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.fields import fields_to_texts, parse_json

    tree = parse_json(source)
    return fields_to_texts(source, tree, _field_specs(options), options.placeholders, json_style=True)


def extract_mjml(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.html import MJML, extract_html

    return [extract_html(source, options.placeholders, dialect=MJML)]


def extract_inky(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.html import INKY, extract_html

    return [extract_html(source, options.placeholders, dialect=INKY)]


def extract_blade(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.blade import extract_blade as blade

    return [blade(source, options.placeholders)]


def extract_po(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.po import extract_po as po

    return _with_file_comments(source, *po(source, options.placeholders))


def extract_php(source: str, options: TextOptions) -> list[Extracted]:
    from mantracheck.text.php import extract_php as php

    return _with_file_comments(source, *php(source, options.placeholders))


def _with_file_comments(source: str, texts: list[Extracted], comments: tuple[tuple[int, int, str], ...]) -> list[Extracted]:
    """Comments that belong to no field ride on the first text (an empty one if none)."""
    if not comments:
        return texts
    if not texts:
        return [TextBuilder(source).build(label="comments", comments=comments)]
    first = texts[0]
    merged = tuple(sorted(first.comments + comments))
    return [dataclasses.replace(first, comments=merged), *texts[1:]]


#: name -> extractor. Other modules register more formats here.
FORMATS: dict[str, Extractor] = {
    "text": extract_plain,
    "markdown": extract_markdown,
    "html": extract_html,
    "email": extract_email,
    "yaml": extract_yaml,
    "json": extract_json,
    "mjml": extract_mjml,
    "inky": extract_inky,
    "blade": extract_blade,
    "po": extract_po,
    "php": extract_php,
}
#: The formats whose texts are each one string of the file, named by its key path (the
#: ``label`` of each text: ``templates[0].body``, a msgid, ``checkout.text_success``).
KEYED = frozenset({"yaml", "json", "po", "php"})

#: file extension -> format name. Only these are picked up when a directory is linted; the
#: longest matching ending wins (``.html.erb`` before ``.erb``).
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".tmpl": "text",
    ".tpl": "text",
    ".j2": "text",
    ".jinja": "text",
    ".jinja2": "text",
    ".liquid": "text",
    ".mustache": "text",
    ".erb": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".hbs": "html",
    ".handlebars": "html",
    ".twig": "html",
    ".html.erb": "html",
    ".html.j2": "html",
    ".html.jinja": "html",
    ".html.jinja2": "html",
    ".html.liquid": "html",
    ".html.mustache": "html",
    ".md.j2": "markdown",
    ".md.liquid": "markdown",
    ".njk": "html",
    ".nunjucks": "html",
    ".md.njk": "markdown",
    ".txt.njk": "text",
    ".txt.twig": "text",
    ".text.twig": "text",
    ".mjml": "mjml",
    ".mjml.twig": "mjml",
    ".inky": "inky",
    ".blade.php": "blade",
    ".php": "php",
    ".po": "po",
    ".pot": "po",
    ".eml": "email",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
}


#: Template extensions used for plain text and HTML alike (a Liquid, Mustache, Jinja or ERB
#: email): for these the file's content decides (``format_of``). A name that says which
#: (``.html.liquid``, ``.txt.j2``, ``.text.erb``) is not asked.
AMBIGUOUS = (".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".liquid", ".mustache", ".erb")
#: What makes such a template HTML: an element of an HTML page or email, by name (not any
#: "<...>": a plain-text email may show an address as <help@acme.example>).
_HTML_ELEMENT = re.compile(
    r"<(?:!doctype|/?(?:html|head|body|div|p|span|a|table|tbody|thead|tr|td|th|ul|ol|li|br|hr|img|h[1-6]|strong|em|b|i|u|font|center|section|header|footer|main|article|blockquote|pre|style|meta|title))(?=[\s/>])[^<>]*>",
    re.IGNORECASE,
)


def format_of(path: str, text: str) -> str | None:
    """``format_for_path``, but a template of an ``AMBIGUOUS`` extension that holds an HTML
    element (``<p>``, ``<div>``, ``<a href=...>``, ``<br>``) is read as HTML: its tags and
    attributes are markup, not words (a class name in capitals is no shouting, a link is a
    button, the greeting is the first paragraph's)."""
    fmt = format_for_path(path)
    if fmt == "text":
        name = os.path.basename(path).lower()
        for ext in AMBIGUOUS:
            if name.endswith(ext):
                stem = name[: -len(ext)]
                if not stem.endswith((".txt", ".text")) and _HTML_ELEMENT.search(text):
                    return "html"
                break
    return fmt


def format_for_path(path: str) -> str | None:
    """The format of the longest extension in ``EXTENSIONS`` that the file name ends with."""
    name = os.path.basename(path).lower()
    # An extension that starts with a dot is a suffix from one of the name's dots, and the
    # longest is the one from the first of them: a dictionary lookup per dot.
    dot = name.find(".")
    while dot != -1:
        fmt = EXTENSIONS.get(name[dot:])
        if fmt is not None:
            return fmt
        dot = name.find(".", dot + 1)
    for ext in sorted((e for e in EXTENSIONS if not e.startswith(".")), key=len, reverse=True):
        if name.endswith(ext):  # (one registered without its dot)
            return EXTENSIONS[ext]
    return None


def key_spans(texts: Sequence[Extracted]) -> list[tuple[int, int, str]]:
    """(start, end, key path) in the file of each labelled text of a ``KEYED`` format, in
    order: the source its pieces cover (the strings of a file never overlap)."""
    out = []
    for text in texts:
        real = [p for p in text.offsets.pieces if p.kind != GAP]
        if text.label is not None and real:
            out.append((text.base + min(p.src_start for p in real), text.base + max(p.src_end for p in real), text.label))
    return sorted(out)


#: The key spans of the keyed files extracted last, so that naming each finding's key path
#: (the API, after the runner has extracted the file) does not parse the file again: a YAML
#: export's parse is most of its extraction. Keyed by a digest of the text and the options.
_REMEMBERED: dict[tuple[str, tuple[str, ...], tuple[str, ...], bytes], list[tuple[int, int, str]]] = {}
REMEMBERED_MAX = 256


def _memo_key(source: str, fmt: str, extra_placeholders: Sequence[str], fields: Sequence[str]) -> tuple[str, tuple[str, ...], tuple[str, ...], bytes]:
    digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    return fmt, tuple(extra_placeholders), tuple(fields), digest


def keys_of(source: str, fmt: str, extra_placeholders: Sequence[str] = (), fields: Sequence[str] = ()) -> list[tuple[int, int, str]]:
    """``key_spans(extract(...))``, as remembered from the last extraction of ``source``."""
    spans = _REMEMBERED.get(_memo_key(source, fmt, extra_placeholders, fields))
    return key_spans(extract(source, fmt, extra_placeholders, fields)) if spans is None else spans


def names_a_field(source: str, fmt: str, fields: Sequence[str] = ()) -> bool:
    """Whether a YAML or JSON ``source`` holds a string in one of the fields (an empty one
    too), not only what extraction made texts of."""
    from mantracheck.text.fields import parse_json, parse_yaml, select

    tree = parse_json(source) if fmt == "json" else parse_yaml(source)
    return next(select(tree, _field_specs(TextOptions(compile_placeholders(), tuple(fields)))), None) is not None


def extract(source: str, fmt: str = "text", extra_placeholders: Sequence[str] = (), fields: Sequence[str] = ()) -> list[Extracted]:
    """Clean texts with maps back to ``source``. Raises ``InputError`` when the source is not
    valid in its format (broken YAML or JSON), ``ValueError`` for an unknown format."""
    try:
        extractor = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(sorted(FORMATS))}") from None
    texts = extractor(source, TextOptions(compile_placeholders(extra_placeholders), tuple(fields)))
    if fmt in KEYED:
        if len(_REMEMBERED) >= REMEMBERED_MAX:
            del _REMEMBERED[next(iter(_REMEMBERED))]
        _REMEMBERED[_memo_key(source, fmt, extra_placeholders, fields)] = key_spans(texts)
    return texts
