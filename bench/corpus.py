"""The bench corpus, composed from real text in ``../shared/data/`` with a fixed seed.

    python bench/corpus.py --stats 10000   # make (or reuse) bench/corpus/10000/ and print its statistics

Three kinds of file in turn, about 150 words each: plain-text support replies
(``reply-*.txt``), macros with placeholders (``macro-*.txt``: ``{{ first_name }}``,
``%{ticket.number}``, ``{% if vip %}``) and Markdown marketing emails (``email-*.md``). Their
sentences are real ones, taken from several sets:

- replies and macros: brand agents' replies on Twitter (TWCS head and the IBM customer-care
  set), the prose of real support emails, canned responses and storefront messages
  (``real-copy/`` support products, osTicket and Postmark templates) and Stack Exchange
  requests from the Stanford Politeness Corpus; a macro also takes sentences with real
  placeholders, or real sentences with placeholders put in (``your order {{ order.id }}``);
- emails: websites' own descriptions (``marketing-descriptions/``, ``<company>`` given back
  its name), mission statements and Mautic's sample campaign copy, under a real slogan.

Greetings, sign-offs, links and footers are composed from short lists and names. A file
takes what it needs from each bank in seeded shuffles of the whole bank (``_draw``), so that
combinations vary and nothing comes back before its bank is used up. File ``i`` depends only
on the seed, ``i`` and the data, so each size is a prefix of the next. Every size made is
checked: no sentence (by ``sentences``, a simple split) appears more than ``MAX_REPEAT``
times. Without
``../shared/data/`` there is no corpus: ``MissingData`` says so (exit status 2 here, and in
bench/run). TWCS and the politeness sets are evaluation-only or research data: they are
read, never copied into the repository; bench/corpus/ is git-ignored and must not be
published (it holds real brand replies).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import itertools
import json
import random
import re
import shutil
import string
import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, TypeVar

import yaml

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SEED = 20261201
TARGET_WORDS = 150
MAX_REPEAT = 50
FILL = 12  # at most this many sentences a file takes from the bank that tops it up to TARGET_WORDS
T = TypeVar("T")


class MissingData(RuntimeError):
    """The shared data the corpus is made from is not there."""


# -- sentences ------------------------------------------------------------------------
_SPLIT = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    """The simple split the repeat counts use: paragraphs (blank lines), whitespace collapsed,
    then a cut after every ``.``, ``!`` or ``?`` followed by a space."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        out.extend(s for s in _SPLIT.split(" ".join(para.split())) if s)
    return out


_PLACEHOLDER = re.compile(r"\{\{ ?[A-Za-z_][\w.]* ?\}\}|%\{[A-Za-z_][\w.]*\}")
_NOT_PROSE = re.compile(
    r"[{}<>|\\$_=;`\[\]]|%[sd0-9]|https?:|www\.|@|\.(?:com|org|net)\b|\A(?:Warning|Error|Success|Notice):|must be between"
    r"|\b(?:lorem|ipsum|dolor|amet|aenean|quisque|donec|nullam|vivamus|etiam|pellentesque|nunc|eget|consectetur|adipiscing"
    r"|maecenas|phasellus|curabitur|fusce|praesent|morbi|cras|duis|mauris|vestibulum|nulla|sed)\b",
    re.IGNORECASE,
)


def _prose(s: str, placeholders: bool = False) -> bool:
    """A whole sentence of prose: capitalised, ends with . ! or ?, 2-60 words, English, no
    code, links, handles or template syntax (but simple placeholders when ``placeholders``)."""
    bare = _PLACEHOLDER.sub("Name", s) if placeholders else s
    if not re.search(r"[.!?]\Z", s) or s.endswith("..") or _NOT_PROSE.search(bare):
        return False
    if not re.match(r"[A-Z0-9\"'“‘]", bare) or not 2 <= len(bare.split()) <= 60:
        return False
    letters = [c for c in bare if c.isalpha()]
    return sum(c.isascii() for c in letters) >= 0.95 * len(letters)


# -- reading the sets ------------------------------------------------------------------
def _need(path: Path) -> Path:
    if not path.exists():
        raise MissingData(
            f"the bench corpus is made from real text in {DATA} (../shared/data/ beside the "
            f"repository), and {path} is not there; the bench cannot run without it"
        )
    return path


def _read(*parts: str) -> str:
    return _need(DATA.joinpath(*parts)).read_text(encoding="utf-8")


def _csv(*parts: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(*parts), newline="")))


def _markup_text(raw: str) -> str:
    """The visible text of an HTML/Twig/Blade/ERB template: code and tags dropped, block tags
    made paragraph breaks, Blade's ``__('...')`` strings kept, entities decoded."""
    raw = re.sub(r"(?is)<(style|script|head|title)\b.*?</\1\s*>", "\n\n", raw)
    raw = re.sub(r"(?s)<!--.*?-->|\{#.*?#\}|\{\{--.*?--\}\}|<%.*?%>|\{%.*?%\}|@php\b.*?@endphp", " ", raw)
    raw = re.sub(r"(?s)(?:\{!!|\{\{)\s*__\(\s*'((?:[^'\\]|\\.)*)'.*?(?:!!\}|\}\})", r"\1", raw)
    raw = re.sub(r"(?m)^\s*@\w+.*$", "\n\n", raw)
    raw = re.sub(r"(?i)</?(?:br|p|div|h\d|li|ul|ol|tr|td|th|table|tbody|hr|center|mj-\w+)\b[^>]*>", "\n\n", raw)
    return html.unescape(re.sub(r"<[^>]*>", " ", raw))


def _strings(node: object) -> list[str]:
    """Every string value in a YAML/JSON tree (not the ``notes`` written for admins)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k != "notes" for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


#: Files in real-copy/ and support-templates/ written to staff, or about the template itself.
_NOT_CUSTOMER = ("/Staff/", "/admin_email/", "/emails/user/", "/postmark/example/", ".alert.yaml", "-staff.yaml")


def _template_texts(folder: str) -> list[tuple[str, str]]:
    """(set label, text) of every customer-facing file under ``folder``, by format."""
    root = _need(DATA / folder)
    out: list[tuple[str, str]] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("LICENSE")):
        rel = path.relative_to(DATA).as_posix()
        if any(part in f"/{rel}" for part in _NOT_CUSTOMER):
            continue
        label = "/".join(rel.split("/")[:2])
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".php" and "/language/" in rel:  # PHP string arrays
            texts = [m.group(1).replace("\\'", "'") for m in re.finditer(r"=\s*'((?:[^'\\]|\\.)*)'", raw)]
        elif path.suffix in (".yml", ".yaml"):
            texts = _strings(yaml.safe_load(raw))
        elif path.suffix == ".json":  # django-helpdesk's email templates, English only
            texts = [r["fields"]["plain_text"] for r in json.loads(raw) if r["fields"].get("locale") == "en"]
        elif path.suffix == ".sql":  # FOSSBilling's canned responses and articles
            found = (m.group(1) for m in re.finditer(r"'((?:[^'\\]|\\.|'')*)'", raw))
            texts = [s.replace("''", "'").replace("\\r", "").replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"') for s in found if len(s) > 30]
        else:
            texts = [raw]
        out.extend((label, t if path.name == "content.txt" or path.suffix == ".json" else _markup_text(t)) for t in texts)
    return out


_MENTIONS = re.compile(r"\A(?:\.?@\w+[\s,:]*)+")
_TWEET_SIGNOFF = re.compile(r"(?:\s[-^*~]\s?[A-Z]{1,4}\d?|\s-\s?[A-Z][a-z]+)\s*\Z")


def _tweet(text: str) -> str:
    """An agent's tweet as prose: leading handles and initials (``^JK``, ``-Becky``) off; a
    sentence that had a link is marked (``<link>``) so that it is left out."""
    text = _MENTIONS.sub("", html.unescape(text).strip())
    return _TWEET_SIGNOFF.sub("", re.sub(r"https?://\S+", "<link>", text).strip())


def _agent_texts() -> list[tuple[str, str]]:
    twcs = [("agent-replies/twcs", _tweet(r["text"])) for r in _csv("agent-replies", "twcs-head.csv") if r["inbound"] == "False"]
    ibm: list[tuple[str, str]] = []
    for conv in json.loads(_read("agent-replies", "ibm-twitter-customer-care.dev.json")):
        ibm.extend(("agent-replies/ibm", _tweet(t["message"])) for t in conv["dialogContent"] if "agent" in t)
        ibm.append(("agent-replies/ibm", _tweet(conv["agentURL"]["url_utterance"])))
    return twcs + ibm


def _company(name: str) -> str:
    words = string.capwords(name).split()
    return " ".join({"Llc": "LLC", "Us": "US", "Uk": "UK", "Usa": "USA"}.get(w, w) for w in words)


def _mission(text: str) -> str:
    if re.search("[¬‚ÃÔ√]", text):  # UTF-8 read as Mac Roman in 54 rows
        try:
            return text.encode("mac_roman").decode("utf-8")
        except UnicodeError:
            pass
    return text


#: Real sentences made macro sentences: a placeholder where a help desk would put one.
_MACRO_SUBS = [
    (re.compile(r"\A(Hi|Hello|Hey|Dear) [A-Z][a-z]+\b"), r"\1 {{ first_name }}"),
    (re.compile(r"\byour order\b"), "your order {{ order.id }}"),
    (re.compile(r"\byour ticket\b"), "your ticket %{ticket.number}"),
    (re.compile(r"\byour account\b"), "your account ({{ customer.email }})"),
    (re.compile(r"\byour (?:e-?mail address|email)\b"), "{{ customer.email }}"),
    (re.compile(r"\byour (refund|payment|invoice)\b"), r"your \1 of {{ amount }}"),
    (re.compile(r"\byour (package|parcel|delivery|shipment)\b"), r"your \1 ({{ tracking_number }})"),
    (re.compile(r"\byour subscription\b"), "your {{ plan.name }} subscription"),
    (re.compile(r"\bthe link below\b"), "the link below ({{ action_url }})"),
    (re.compile(r"\[Product Name\]|\bthe store owner\b"), "{{ store.name }}"),
]


@lru_cache(maxsize=1)
def banks() -> dict[str, list[tuple[str, str]]]:
    """Each bank's distinct (sentence, source set), in a fixed order; a sentence belongs to the
    first bank that has it."""
    _need(DATA)
    real_copy = _template_texts("real-copy")
    helpdesk = [t for t in real_copy if not t[0].startswith("real-copy/mautic")] + _template_texts("support-templates")
    raw: dict[str, list[tuple[str, str]]] = {
        "agent": _agent_texts(),
        "helpdesk": helpdesk,
        "requests": [  # (not Stack Overflow's: they are mostly about code)
            ("politeness/stack-exchange", html.unescape(r["Request"])) for r in _csv("politeness", "stack-exchange.annotated.csv") if "Stack Overflow" not in r["Community"]
        ],
        "pitch": [("marketing-descriptions", html.unescape(r["desc"]).replace("<company>", _company(r["company"]))) for r in _csv("marketing-descriptions", "valid.csv")],
        "mission": [("mission-statements", _mission(r["Mission Statement"])) for r in _csv("mission-statements", "mission_statements.csv")],
        "campaign": [t for t in real_copy if t[0].startswith("real-copy/mautic")],
    }
    seen: set[str] = set()
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in (*raw, "templated")}
    for name, texts in raw.items():
        for source, text in texts:
            for s in sentences(text):
                if s in seen:
                    continue
                if _prose(s):
                    out[name].append((s, source))
                    seen.add(s)
                elif name == "helpdesk" and _prose(s, placeholders=True):
                    out["templated"].append((s, source))
                    seen.add(s)
    for source_bank in ("agent", "helpdesk"):
        for s, source in out[source_bank]:
            made = s
            for pattern, repl in _MACRO_SUBS:
                made = pattern.sub(repl, made)
            if made != s and made not in seen and len(made.split()) >= 5 and _prose(made, placeholders=True):
                out["templated"].append((made, source + " (placeholders put in)"))
                seen.add(made)
    slogans = [" ".join(r["slogan"].split()) for r in _csv("slogans", "textart-slogans.csv")]
    out["slogans"] = [(s, "slogans") for s in dict.fromkeys(s for s in slogans if 2 <= len(s.split()) <= 12 and s not in seen)]
    return out


def fingerprint() -> str:
    """A short hash of every bank and of this file: a change in the data, the extraction or
    the composition remakes the corpus."""
    digest = hashlib.sha256(json.dumps(banks(), sort_keys=True).encode("utf-8"))
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


# -- composing files ---------------------------------------------------------------------
def _draw(pool: str, items: Sequence[T], k: int, seed: int) -> T:
    """Item ``k`` of an endless stream of seeded shuffles of ``items``. Files drawing ``n``
    items each from a pool of ``N`` at stream positions ``j*n ... j*n+n-1`` (j counting the
    files of a kind) take each item once per shuffle: ``F`` files repeat none more than
    ``ceil(F*n/N)`` times, in combinations that differ from one shuffle to the next."""
    turn, pos = divmod(k, len(items))
    return items[_shuffled(pool, len(items), turn, seed)[pos]]


@lru_cache(maxsize=64)
def _shuffled(pool: str, n: int, turn: int, seed: int) -> list[int]:
    order = list(range(n))
    random.Random(f"{seed} {pool} {turn}").shuffle(order)
    return order


def _take(kind: str, pool: str, j: int, n: int, seed: int) -> list[str]:
    """The ``n`` sentences file ``j`` of a kind takes from a bank (a stream of its own per kind)."""
    bank = banks()[pool]
    return [_draw(f"{kind} {pool}", bank, j * n + t, seed)[0] for t in range(n)]


def _fill(kind: str, pool: str, j: int, seed: int, words: int, out: list[str]) -> None:
    """Add the sentences file ``j`` takes from a bank (up to ``FILL``) while ``out`` holds
    fewer than ``words`` words."""
    for sentence in _take(kind, pool, j, FILL, seed):
        if sum(len(s.split()) for s in out) >= words:
            return
        if sentence not in out:
            out.append(sentence)


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    paras, current = [], []
    for sentence in sentences:
        current.append(sentence)
        if len(current) >= rng.randint(2, 4):
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return "\n\n".join(paras)


NAMES = (
    "Sam", "Priya", "Jordan", "Alex", "Maria", "Chen", "Fatima", "Luca", "Noor", "Ben", "Aiko", "Olu", "Dana", "Marco",
    "Elif", "Tom", "Grace", "Ravi", "Sofia", "Mateo", "Amara", "Kenji", "Leila", "Omar", "Ingrid", "Tariq", "Chloe",
    "Diego", "Hana", "Ivan", "Jamal", "Keira", "Liam", "Mei", "Nadia", "Oscar", "Paula", "Quinn", "Rosa", "Sanjay",
    "Tess", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Anika", "Bruno", "Carmen", "Dev", "Emeka", "Farah",
    "Gabriel", "Helga", "Isla", "Jonas", "Kofi", "Lucia", "Malik", "Nina", "Owen", "Pilar", "Rafael", "Selin", "Theo",
    "Uma", "Victor", "Wanjiru", "Yara", "Zain", "Ada", "Boris", "Cora", "Dmitri", "Esme", "Felix", "Gita", "Hugo",
    "Irene", "Joel", "Kaia", "Lars", "Maya", "Niall", "Oona", "Pedro", "Rhea", "Stefan", "Tomas", "Ursula", "Vikram",
    "Willa", "Yosef", "Zara", "Aylin", "Bilal", "Camille",
)
GREETINGS = ("Hi", "Hello", "Dear", "Hey", "Good morning", "Good afternoon", "Good evening", "Hi there", "Greetings", "Welcome back")
SIGNOFFS = (
    "Best regards,", "Kind regards,", "Thanks,", "Thanks again,", "Cheers,", "All the best,", "Warm regards,", "Sincerely,",
    "Best,", "Regards,", "Take care,", "Have a great day,", "Talk soon,", "With thanks,", "Many thanks,", "Speak soon,",
)
TEAMS = ("Customer Support", "Support Team", "Customer Care", "Help Desk", "Customer Service", "")
MACRO_NAMES = (
    "{{ first_name }}", "{{ customer.first_name }}", "{{ ticket.requester.first_name }}", "%{recipient.name.first}", "{{ user.name }}",
    "{{name}}", "{{ contact.firstname }}", "%{ticket.name.first}", "{{ customer.name }}", "{{ requester.name }}",
)
MACRO_AGENTS = ("{{ agent.first_name }}", "{{ agent.name }}", "%{staff.name}", "{{ current_user.first_name }}", "%{signature}", "{{ ticket.assignee.name }}")
MACRO_TEAMS = ("{{ company }} Support", "The {{ company.name }} Team", "%{company.name}", "")
CONDITIONS = ("vip", "customer.vip", "order.express", "ticket.priority_high", "customer.tags.premium", "plan.pro")
EMAIL_NAMES = (
    "{{ subscriber.first_name }}", "{{ contact.first_name }}", "{{ lead.first_name }}", "{{ member.first_name }}", "{{ recipient.first_name }}",
    "{{ subscriber.name }}", "{{ contact.FIRSTNAME }}", "{{ customer.firstname }}", "{{ profile.first_name }}", "{{ person.first_name }}",
)
CTAS = (
    "Shop now", "Shop the sale", "Learn more", "Get started", "Book a demo", "Claim your offer", "See what's new", "Browse the collection",
    "Start your free trial", "Read the story", "Find out more", "Get a quote", "Sign up today", "Discover more", "Explore now", "Join us",
    "Reserve your spot", "Download the guide", "Visit the store", "Contact our team", "View the offer", "See the range", "Try it free",
    "Watch the video", "Plan your visit", "Order today", "Register now", "Meet the team", "Take the tour", "Get in touch",
)
LINKS = ("{{ shop_url }}", "{{ landing_url }}", "{{ campaign.url }}", "{{ site_url }}", "{{ offer_url }}")
#: One sentence each (the company's name has no full stop): a footer is never a repeated line.
FOOTERS = (
    "You are receiving this email because you signed up for updates from {company}; [unsubscribe]({link}) at any time.",
    "You received this email from {company} because you subscribed on our website, and you can [unsubscribe]({link}) whenever you like.",
    "{company} sent you this email because you opted in to our newsletter; you can [unsubscribe here]({link}).",
    "If you no longer want news from {company}, [unsubscribe]({link}) with one click.",
    "This message was sent to {{{{ email }}}} by {company}; [unsubscribe]({link}) or [manage your preferences]({{{{ preferences_url }}}}).",
    "Copyright {company}, all rights reserved; you can [update your preferences or unsubscribe]({link}).",
)


def _combos(*parts: Sequence[str]) -> list[str]:
    return ["".join(p) for p in itertools.product(*parts)]


REPLY_GREETINGS = _combos(GREETINGS, [f" {n}" for n in NAMES], ",!")
MACRO_GREETINGS = _combos(GREETINGS, [f" {n}" for n in MACRO_NAMES], ",!")
EMAIL_GREETINGS = _combos(GREETINGS, [f" {n}" for n in EMAIL_NAMES], ",!")
REPLY_SIGNOFFS = _combos(SIGNOFFS, [f"\n{n}" for n in NAMES], [f"\n{t}" if t else "" for t in TEAMS])
MACRO_SIGNOFFS = _combos(SIGNOFFS, [f"\n{n}" for n in MACRO_AGENTS], [f"\n{t}" if t else "" for t in MACRO_TEAMS])
EMAIL_CTAS = [f"**[{c}]({u})**" for c in CTAS for u in LINKS]


def support_reply(j: int, rng: random.Random, seed: int) -> str:
    """Agents' sentences (6), help-desk copy (2) and Stack Exchange requests to ~150 words."""
    greeting = _draw("reply greeting", REPLY_GREETINGS, j, seed) if rng.random() < 0.8 else ""
    body = _take("reply", "agent", j, 6, seed) + _take("reply", "helpdesk", j, 2, seed)
    _fill("reply", "requests", j, seed, TARGET_WORDS - 12, body)
    rng.shuffle(body)
    signoff = _draw("reply signoff", REPLY_SIGNOFFS, j, seed) if rng.random() < 0.85 else ""
    return "\n\n".join(p for p in (greeting, _paragraphs(body, rng), signoff) if p) + "\n"


def macro(j: int, rng: random.Random, seed: int) -> str:
    """Two sentences with placeholders, agents' (4), help-desk copy (2), Stack Exchange
    requests to ~150 words; sometimes the last one in a ``{% if %}``."""
    greeting = _draw("macro greeting", MACRO_GREETINGS, j, seed) if rng.random() < 0.85 else ""
    body = _take("macro", "templated", j, 2, seed) + _take("macro", "agent", j, 4, seed) + _take("macro", "helpdesk", j, 2, seed)
    _fill("macro", "requests", j, seed, TARGET_WORDS - 14, body)
    rng.shuffle(body)
    text = _paragraphs(body, rng)
    if rng.random() < 0.3:  # the last sentence only for some customers (the text ends with it)
        text = f"{text[: -len(body[-1])]}{{% if {rng.choice(CONDITIONS)} %}}{body[-1]}{{% endif %}}"
    signoff = _draw("macro signoff", MACRO_SIGNOFFS, j, seed) if rng.random() < 0.85 else ""
    return "\n\n".join(p for p in (greeting, text, signoff) if p) + "\n"


def marketing_email(j: int, rng: random.Random, seed: int) -> str:
    """A slogan as the subject; Mautic's campaign copy (1), mission statements (2) and
    websites' descriptions to ~150 words; a call to action and a footer."""
    subject = _draw("slogans", banks()["slogans"], j, seed)[0]
    greeting = _draw("email greeting", EMAIL_GREETINGS, j, seed) + "\n\n" if rng.random() < 0.7 else ""
    body = _take("email", "campaign", j, 1, seed) + _take("email", "mission", j, 2, seed)
    _fill("email", "pitch", j, seed, TARGET_WORDS - 35, body)
    rng.shuffle(body)
    company = re.sub(r"[.!?]", "", _company(rng.choice(_companies())))
    footer = rng.choice(FOOTERS).format(company=company, link="{{ unsubscribe_url }}")
    cta = _draw("email cta", EMAIL_CTAS, j, seed)
    return f"# {subject}\n\n{greeting}{_paragraphs(body, rng)}\n\n{cta}\n\n{footer}\n"


@lru_cache(maxsize=1)
def _companies() -> list[str]:
    return list(dict.fromkeys(r["company"] for r in _csv("marketing-descriptions", "valid.csv") if r["company"].strip()))


KINDS = (("reply", ".txt", support_reply), ("macro", ".txt", macro), ("email", ".md", marketing_email))


def document(i: int, seed: int = SEED) -> tuple[str, str]:
    """(file name, text) of corpus file ``i``: the kind is ``i % 3``, the file's place among its
    kind ``i // 3``."""
    rng = random.Random(seed * 1_000_003 + i)
    name, ext, make = KINDS[i % len(KINDS)]
    return f"{name}-{i:05d}{ext}", make(i // len(KINDS), rng, seed)


# -- writing and counting --------------------------------------------------------------------
def _stamp(size: int, seed: int) -> str:
    return f"seed={seed} size={size} sources={fingerprint()}\n"


def write_corpus(root: Path, size: int, seed: int = SEED) -> Path:
    """``root/SIZE/`` with ``size`` files in sub-folders of 500, remade when its stamp (seed,
    size, data and this file) differs; checks the repeat bound on what it writes."""
    folder = root / str(size)
    stamp = folder / ".complete"
    expected = _stamp(size, seed)
    if stamp.is_file() and stamp.read_text() == expected:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    texts = []
    for i in range(size):
        name, text = document(i, seed)
        sub = folder / f"batch-{i // 500:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
        texts.append(text)
    s = stats(texts)
    _log(f"{size:,} files: {s.sentences:,} sentences, {s.distinct:,} distinct; the most repeated appears {s.max_repeat} times")
    if s.max_repeat > MAX_REPEAT:
        raise AssertionError(f"a sentence appears {s.max_repeat} times in the {size:,}-file corpus (at most {MAX_REPEAT}): {s.most_repeated!r}")
    stamp.write_text(expected)
    return folder


def write_single(root: Path, seed: int = SEED) -> Path:
    """One small file: a support reply, what a pre-commit run on one template sees."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "single-reply.txt"
    path.write_text(document(0, seed)[1], encoding="utf-8")
    return path


def mantras(n: int = 1000, seed: int = SEED) -> str:
    """``n`` distinct candidate mantras, one a line: real advertising slogans of 2-12 words."""
    pool = [s for s, _ in banks()["slogans"]]
    return "\n".join(random.Random(seed + 7).sample(pool, n)) + "\n"


def write_mantras(root: Path, n: int = 1000, seed: int = SEED) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"mantras-{n}.txt"
    path.write_text(mantras(n, seed), encoding="utf-8")
    return path


_IF = re.compile(r"\{% if [\w.]+ %\}(.*)\{% endif %\}\Z")


class Stats(NamedTuple):
    """What ``stats`` counts in a corpus; ``shares``: sentences by source set, most first. (A
    NamedTuple, not a dataclass: tests load this file without registering it as a module.)"""

    files: int
    bytes: int
    words: int
    sentences: int
    distinct: int
    max_repeat: int
    most_repeated: str
    over_10: int
    shares: dict[str, int]


def stats(texts: list[str]) -> Stats:
    """The counts of ``Stats`` over ``texts``, by ``sentences``; a sentence's source is the set
    its bank took it from ("composed": greetings, sign-offs, links and footers)."""
    counts = Counter(s for text in texts for s in sentences(text))
    source = {s: src for bank in banks().values() for s, src in bank}
    shares: Counter[str] = Counter()
    for s, n in counts.items():
        src = source.get(s) or source.get(s.removeprefix("# ")) or source.get(_IF.sub(r"\1", s)) or "composed"
        src = src.split(" (")[0]  # (placeholders put in: counted with the set they came from)
        shares["real-copy" if src.startswith("real-copy/") else src] += n
    top, max_repeat = counts.most_common(1)[0] if counts else ("", 0)
    return Stats(
        files=len(texts),
        bytes=sum(len(t.encode("utf-8")) for t in texts),
        words=sum(len(t.split()) for t in texts),
        sentences=sum(counts.values()),
        distinct=len(counts),
        max_repeat=max_repeat,
        most_repeated=top,
        over_10=sum(1 for n in counts.values() if n > 10),
        shares=dict(shares.most_common()),
    )


def read_corpus(folder: Path) -> list[str]:
    """The texts of a corpus folder, in file order."""
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def describe(folder: Path) -> str:
    """One line on a corpus folder, for the bench's table."""
    s = stats(read_corpus(folder))
    return (
        f"{s.files:,} files, {s.bytes / 1e6:.1f} MB, {s.sentences:,} sentences of which {s.distinct:,} distinct, "
        f"none more than {s.max_repeat} times (real text from ../shared/data/, sources {fingerprint()})"
    )


def _log(msg: str) -> None:
    print(f"[corpus] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/corpus.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stats", type=int, metavar="SIZE", required=True, help="make (or reuse) bench/corpus/SIZE/ and print its statistics")
    parser.add_argument("--seed", type=int, default=SEED, help="corpus seed (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        folder = write_corpus(Path(__file__).resolve().parent / "corpus", args.stats, args.seed)
    except MissingData as exc:
        print(f"bench/corpus.py: {exc}", file=sys.stderr)
        return 2
    s = stats(read_corpus(folder))
    print(f"{s.files:,} files, {s.bytes / 1e6:.1f} MB, {s.words:,} words")
    print(f"{s.sentences:,} sentences, {s.distinct:,} distinct; {s.over_10:,} appear more than 10 times")
    print(f"most repeated: {s.max_repeat} times (at most {MAX_REPEAT}): {s.most_repeated!r}")
    print("sentences by source:")
    for src, n in s.shares.items():
        print(f"  {n / s.sentences:6.1%}  {src}")
    print("bank sizes (distinct sentences available): " + ", ".join(f"{k} {len(v):,}" for k, v in banks().items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
