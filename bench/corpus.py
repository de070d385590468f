"""A realistic, reproducible bench corpus: support replies, macros with placeholders and
marketing emails, about 150 words each.

File ``i`` depends only on the seed and ``i``, so the 10-file corpus is the first 10 files of
the 1,000-file one, which is the first 1,000 of the 10,000-file one. Three kinds in turn:
plain-text support replies (``reply-*.txt``), macros with Liquid/osTicket placeholders
(``macro-*.txt``: ``{{ first_name }}``, ``%{ticket.number}``) and marketing emails
(``email-*.md``). Some sentences overpromise, some greetings or sign-offs are missing: the
mix a help-desk export really has, so every linter has something to report.
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 20261201
TARGET_WORDS = 150

GREETINGS = ["Hi {name},", "Hello {name},", "Dear {name},", "Hey {name}!", "Good morning {name},", ""]
NAMES = ["Sam", "Priya", "Jordan", "Alex", "Maria", "Chen", "Fatima", "Luca", "Noor", "Ben", "Aiko", "Olu"]
THANKS = [
    "Thanks for reaching out about your order.",
    "Thank you for getting in touch with us.",
    "Thanks for your patience while we looked into this.",
    "I appreciate you taking the time to write to us.",
    "Thanks for letting us know about the problem with your account.",
]
APOLOGIES = [
    "I'm sorry that your package arrived damaged.",
    "We apologize for the delay with your refund.",
    "Sorry for the trouble you had logging in yesterday.",
    "I'm really sorry the replacement did not fit as expected.",
]
BODY = [
    "I checked your account and can see that the payment went through on Monday.",
    "Our warehouse team has confirmed that the parcel left the depot this morning.",
    "The tracking number should update within the next day or two.",
    "Could you send us a photo of the label so that we can pass it on to the courier?",
    "Please reply with the order number and the email address you used at checkout.",
    "You can change the delivery address from the Orders page until the item ships.",
    "The refund has been issued to the card you paid with and usually appears after three to five business days.",
    "If the item is still unused, you can return it for free with the prepaid label attached to this email.",
    "I've passed your feedback to our product team, who read every message.",
    "It looks like the password reset email went to your spam folder.",
    "We have added a note to your account so that anyone you speak to can see the history.",
    "Our support hours are eight to six, Monday to Friday, and we answer email at weekends too.",
    "You should receive a confirmation email shortly with all the details.",
    "Unfortunately the discount code expired at the end of last month.",
    "I have escalated the case to our billing specialists, who will look at it first thing tomorrow.",
    "The app update released this week fixes the sync problem you described.",
    "Please make sure you are using the latest version of the browser before trying again.",
    "Let me know whether the steps above solved it, and I'll be happy to help further.",
    "Per our policy, we are unable to refund orders older than ninety days.",
    "Kindly note that the warranty covers manufacturing faults but not accidental damage.",
    "The technician will contact you to arrange a time that suits you.",
    "We will need a little more information before we can process the exchange.",
]
PROMISES = [
    "We guarantee this will never happen again.",
    "Your refund will arrive within 24 hours.",
    "I promise the issue is 100% fixed now.",
    "Rest assured, we will resolve this immediately.",
    "This is guaranteed to work every single time.",
    "We'll get back to you within the hour, no matter what.",
    "Our engineers will fix it ASAP.",
    "You will definitely receive it by tomorrow.",
]
SIGNOFFS = [
    "Best regards,\n{agent}",
    "Kind regards,\n{agent}\nCustomer Support",
    "Thanks again,\n{agent}",
    "Cheers,\n{agent}",
    "All the best,\nThe Support Team",
    "",
]
AGENTS = ["Dana", "Marco", "Elif", "Tom", "Grace", "Ravi"]
MACRO_BODY = [
    "Your ticket %{ticket.number} has been updated by {{ agent.name }}.",
    "We received your request about order {{ order.id }} on {{ order.date }}.",
    "You can follow the status of %{ticket.number} at {{ portal_url }} at any time.",
    "The refund of {{ refund.amount }} has been sent to the card ending in {{ card.last4 }}.",
    "{{ first_name }}, your replacement is on its way and should arrive on {{ delivery.date }}.",
    "Reply to this email to add a comment to ticket %{ticket.number}.",
    "{% if vip %}As a valued member, you get priority handling.{% endif %}",
]
SUBJECTS = [
    "Our biggest sale of the year starts now",
    "Last chance: 50% off everything",
    "New arrivals you will love",
    "{{ first_name }}, your exclusive offer is waiting",
    "The best deals in town, guaranteed",
]
MARKETING = [
    "Discover the new spring collection, designed for everyday comfort.",
    "Shop now and save up to 50% on bestselling styles!",
    "This offer is only available until Sunday at midnight.",
    "Join thousands of happy customers who made the switch this year.",
    "Free shipping on all orders over $50, with easy returns.",
    "Our award-winning team has crafted the best products on the market.",
    "Upgrade today and enjoy risk-free results from day one!!!",
    "Everything you need for a perfect weekend, in one place.",
    "Members get early access to new releases and private events.",
    "Don't miss out: stock is limited and selling fast.",
    "We're confident you'll love it, or your money back.",
    "Treat yourself to something special this season.",
    "Click the button below to claim your personal discount.",
    "Questions? Our friendly team is here to help around the clock.",
]
FOOTER = "You are receiving this email because you signed up at {{ site_url }}. [Unsubscribe]({{ unsubscribe_url }})."


def _fill(rng: random.Random, bank: list[str], words: int, out: list[str], promise_rate: float) -> None:
    """Add sentences until ``out`` has ``words`` words; a sentence repeats only once the bank is spent."""
    while sum(len(s.split()) for s in out) < words:
        pool = PROMISES if rng.random() < promise_rate else bank
        fresh = [s for s in pool if s not in out] or pool
        out.append(rng.choice(fresh))


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


def support_reply(rng: random.Random) -> str:
    greeting = rng.choice(GREETINGS).format(name=rng.choice(NAMES))
    sentences = [rng.choice(THANKS)]
    if rng.random() < 0.5:
        sentences.append(rng.choice(APOLOGIES))
    _fill(rng, BODY, TARGET_WORDS - 12, sentences, 0.12)
    signoff = rng.choice(SIGNOFFS).format(agent=rng.choice(AGENTS))
    return "\n\n".join(p for p in (greeting, _paragraphs(sentences, rng), signoff) if p) + "\n"


def macro(rng: random.Random) -> str:
    greeting = rng.choice(["Hi {{ first_name }},", "Hello {{ first_name }},", "Dear {{ customer.name }},", ""])
    sentences = [rng.choice(THANKS)]
    sentences.extend(rng.sample(MACRO_BODY, 3))
    _fill(rng, BODY + MACRO_BODY, TARGET_WORDS - 14, sentences, 0.08)
    signoff = rng.choice(["Best regards,\n{{ agent.first_name }}", "Kind regards,\n{{ agent.name }}\n{{ company }} Support", ""])
    return "\n\n".join(p for p in (greeting, _paragraphs(sentences, rng), signoff) if p) + "\n"


def marketing_email(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    sentences: list[str] = []
    _fill(rng, MARKETING, TARGET_WORDS - 25, sentences, 0.1)
    body = _paragraphs(sentences, rng)
    return f"# {subject}\n\nHi {{{{ first_name }}}},\n\n{body}\n\n**[Shop now]({{{{ shop_url }}}})**\n\n{FOOTER}\n"


KINDS = (("reply", ".txt", support_reply), ("macro", ".txt", macro), ("email", ".md", marketing_email))


def document(i: int, seed: int = SEED) -> tuple[str, str]:
    """(file name, text) of corpus file ``i``."""
    rng = random.Random(seed * 1_000_003 + i)
    name, ext, make = KINDS[i % len(KINDS)]
    return f"{name}-{i:05d}{ext}", make(rng)


def write_corpus(root: Path, size: int, seed: int = SEED) -> Path:
    """``root/SIZE/`` with ``size`` files in sub-folders of 500 (rewritten only when missing)."""
    folder = root / str(size)
    stamp = folder / ".complete"
    expected = f"seed={seed} size={size}\n"
    if stamp.is_file() and stamp.read_text() == expected:
        return folder
    for i in range(size):
        name, text = document(i, seed)
        sub = folder / f"batch-{i // 500:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")
    stamp.write_text(expected)
    return folder


def write_single(root: Path, seed: int = SEED) -> Path:
    """One small file: a support reply, what a pre-commit run on one template sees."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "single-reply.txt"
    path.write_text(document(0, seed)[1], encoding="utf-8")
    return path


MANTRA_OPENERS = ["Every", "Each", "One", "Always", "Never", "Only", "Make", "Be", "Listen", "Solve", "Own", "Care"]
MANTRA_WORDS = [
    "customer", "reply", "promise", "answer", "smile", "problem", "moment", "voice", "question", "day",
    "ticket", "friend", "detail", "minute", "chance", "person", "story", "fix", "thanks", "welcome",
]
MANTRA_TAILS = ["counts", "matters", "first", "today", "for real", "like a friend", "with care", "every time", "no excuses", "and then some"]


def mantras(n: int = 1000, seed: int = SEED) -> str:
    """``n`` distinct candidate service mantras, one a line."""
    rng = random.Random(seed + 7)
    seen: dict[str, None] = {}
    while len(seen) < n:
        shape = rng.randrange(3)
        if shape == 0:
            line = f"{rng.choice(MANTRA_OPENERS)} {rng.choice(MANTRA_WORDS)} {rng.choice(MANTRA_TAILS)}."
        elif shape == 1:
            a, b = rng.sample(MANTRA_WORDS, 2)
            line = f"{a.capitalize()} first, {b} always."
        else:
            line = f"We {rng.choice(['hear', 'help', 'fix', 'answer', 'own'])} every {rng.choice(MANTRA_WORDS)} {rng.choice(MANTRA_TAILS)}."
        seen.setdefault(line, None)
    return "\n".join(seen) + "\n"


def write_mantras(root: Path, n: int = 1000, seed: int = SEED) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"mantras-{n}.txt"
    path.write_text(mantras(n, seed), encoding="utf-8")
    return path
