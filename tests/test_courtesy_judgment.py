"""Issue 19: courtesy findings people trust. Every example of the issue is a case here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mantracheck.api import Options, make_linter
from mantracheck.engine.loader import load_rules
from mantracheck.engine.textkind import FRAGMENT, MESSAGE, text_kind
from mantracheck.errors import RuleError
from mantracheck.scoring.courtesy import score_courtesy

WHOLE_MESSAGE_RULES = {"courtesy.greeting", "courtesy.gratitude", "courtesy.sign-off"}


def rules_fired(text: str, profile: str = "support", fmt: str = "text", path: str = "<text>") -> dict[str, list]:
    report = make_linter(Options(profile=profile)).lint_text(text, path, fmt)
    assert report.error is None
    out: dict[str, list] = {}
    for f in report.findings:
        out.setdefault(f.rule, []).append(f)
    return out


def cli(*args: str, stdin: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mantracheck", *args], input=stdin, capture_output=True, text=True, cwd=cwd)


# -- 1. whole messages and fragments ------------------------------------------------------
@pytest.mark.parametrize(
    "text, profile",
    [
        ("[Forum] You are trying to reply to an old notification\n", "support"),
        ("Would you like to know more about our Pro plan?\n", "script"),
    ],
)
def test_the_issues_fragments_are_not_asked_for_whole_message_courtesies(text, profile):
    result = cli("lint", "--no-config", "--format", "json", "--profile", profile, "-", stdin=text)
    found = {f["rule"] for file in json.loads(result.stdout)["files"] for f in file["findings"]}
    assert not found & WHOLE_MESSAGE_RULES, found


LONG_NOTICE = "You are trying to reply to an old notification that was closed by a moderator of this forum last year"


def test_a_one_line_notice_is_a_fragment_whatever_its_length():
    assert len(LONG_NOTICE.split()) > 12
    assert text_kind("n.txt", "text", None, LONG_NOTICE) == FRAGMENT
    assert not set(rules_fired(LONG_NOTICE)) & WHOLE_MESSAGE_RULES
    # the same words as a sentence of a message are asked for a greeting
    assert "courtesy.greeting" in rules_fired(LONG_NOTICE + ".\nReply to the new one instead.")


@pytest.mark.parametrize(
    "path, fmt, label, clean, kwargs, expected",
    [
        ("a.yaml", "yaml", "macros[2].subject", "Your order shipped. Thanks!", {}, FRAGMENT),
        ("a.yaml", "yaml", "macros[2].body", "Hi Sam. Your order shipped.", {}, MESSAGE),
        ("lang/en.php", "php", "text_success", "Success: you have modified your account. Thanks.", {}, FRAGMENT),
        ("a.json", "json", "mail.button_continue", "Continue to checkout. Now.", {}, FRAGMENT),
        ("emails/partials/footer.html", "html", None, "Thanks. The Acme team.", {}, FRAGMENT),
        ("views/_footer.html.erb", "html", None, "Thanks. The Acme team.", {}, FRAGMENT),
        ("emails/welcome.html", "html", None, "Your order shipped. Thanks.", {}, MESSAGE),
        ("emails/welcome.html", "html", None, "Your order shipped", {}, FRAGMENT),
        ("a.yaml", "yaml", "macros[2].subject", "Hi", {"profile": "social"}, MESSAGE),
        ("a.yaml", "yaml", "macros[2].subject", "Hi", {"forced": MESSAGE}, MESSAGE),
        ("a.yaml", "yaml", "macros[2].body", "Hi Sam. Your order shipped.", {"fragment_fields": ["*.body"]}, FRAGMENT),
        ("emails/welcome.html", "html", None, "Hi Sam. Your order shipped.", {"forced": FRAGMENT}, FRAGMENT),
        ("config/locales/en.yml", "yaml", "en.devise.failure.locked", "Your account has been locked. Sorry.", {}, FRAGMENT),
        ("templates/email_text_footer.txt", "text", None, "Regards, the team. Bye.", {}, FRAGMENT),
        ("templates/email_html_base.html", "html", None, "Regards, the team. Bye.", {}, FRAGMENT),
        ("templates/database_error.html", "html", None, "Sorry, it failed. Try again.", {}, MESSAGE),
    ],
)
def test_text_kind_follows_its_readable_rules(path, fmt, label, clean, kwargs, expected):
    assert text_kind(path, fmt, label, clean, **kwargs) == expected


PAGE_NOTICE = (
    '{% extends "helpdesk/public_base.html" %}{% load i18n %}\n{% block helpdesk_body %}\n'
    "<h2>Unable To Open Ticket</h2>\n<p>Sorry, but there has been an error trying to submit your ticket.</p>\n"
    "<p>Our system has marked your submission as spam, so we are unable to save it. If this is not spam, "
    "please press back and re-type your message.</p>\n{% endblock %}\n"
)


@pytest.mark.parametrize(
    "path, source, expected",
    [
        ("templates/helpdesk/public_spam.html", PAGE_NOTICE, FRAGMENT),  # extends a page layout
        ("resources/views/auth/login.blade.php", "@extends('layouts.app')\n<p>Welcome back. Sign in below.</p>", FRAGMENT),
        ("themes/ghost/post.hbs", "{{!< default}}\n<p>Read the rest of the story. It is long.</p>", FRAGMENT),
        ("templates/ticket.html", "<p>Tell us what went wrong. We read every one.</p><form><textarea></textarea></form>", FRAGMENT),
        # a mail, by its path or by its layout, stays a message
        ("templates/email/public_spam.html", PAGE_NOTICE, MESSAGE),
        ("templates/ticket_reply.html", '{% extends "emails/base.html" %}<p>Thanks. Your ticket is closed.</p>', MESSAGE),
        ("views/user/reply.blade.php", "@extends('emails/user/layouts/system')\n<p>Thanks. Your ticket is closed.</p>", MESSAGE),
        ("templates/ticket_closed.html", "<p>Your ticket is closed. Reply to reopen it.</p>", MESSAGE),
        ("templates/notifications/closed.html", '{% extends "base.html" %}<p>Your ticket is closed.</p>', MESSAGE),
        ("templates/closed.html", '{% extends "newsletter_base.html" %}<p>Your ticket is closed.</p>', MESSAGE),
    ],
)
def test_a_web_page_is_a_fragment_and_a_mail_is_not(path, source, expected):
    fmt = "blade" if path.endswith(".blade.php") else "html"
    assert text_kind(path, fmt, None, "Sorry, it failed. Try again.", source=source) == expected


def test_a_page_notice_is_not_asked_for_a_greeting_thanks_or_sign_off(tmp_path):
    (tmp_path / "public_spam.html").write_text(PAGE_NOTICE.replace("Sorry, but there", "There"), encoding="utf-8")
    page = json.loads(cli("lint", "--no-config", "--format", "json", "public_spam.html", cwd=tmp_path).stdout)
    assert not {f["rule"] for file in page["files"] for f in file["findings"]} & WHOLE_MESSAGE_RULES
    (tmp_path / "email").mkdir()  # the same words filed as a mail are asked for a greeting
    (tmp_path / "email" / "spam.html").write_text(PAGE_NOTICE.replace("Sorry, but there", "There"), encoding="utf-8")
    mail = json.loads(cli("lint", "--no-config", "--format", "json", "email/spam.html", cwd=tmp_path).stdout)
    assert "courtesy.greeting" in {f["rule"] for file in mail["files"] for f in file["findings"]}


GREETLESS = "Your order shipped this morning and will reach you in two or three working days. The courier will text you."


def test_a_team_marks_fragments_per_glob_and_per_field(tmp_path):
    (tmp_path / ".mantracheck.toml").write_text(
        '[overrides."partials/**"]\nkind = "fragment"\n[overrides."macros/**"]\nkind = "message"\n', encoding="utf-8"
    )
    (tmp_path / "partials").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "partials" / "shipped.txt").write_text(GREETLESS + "\n", encoding="utf-8")
    (tmp_path / "macros" / "shipped.txt").write_text(GREETLESS + "\n", encoding="utf-8")
    result = cli("lint", "--format", "json", "partials", "macros", cwd=tmp_path)
    files = {f["path"]: {x["rule"] for x in f["findings"]} for f in json.loads(result.stdout)["files"]}
    assert "courtesy.greeting" in files["macros/shipped.txt"]
    assert "courtesy.greeting" not in files.get("partials/shipped.txt", set())

    body = "Hi Sam, your order shipped this morning and will reach you in two or three working days, the courier will text you."
    (tmp_path / "export.yaml").write_text(f"replies:\n  - body: {body!r}\n  - body: {GREETLESS!r}\n", encoding="utf-8")
    by_field = lambda cfg: {  # noqa: E731
        f["field"]
        for file in json.loads(cli("lint", "--format", "json", *cfg, "export.yaml", cwd=tmp_path).stdout)["files"]
        for f in file["findings"]
        if f["rule"] == "courtesy.greeting"
    }
    assert by_field([]) == {"replies[1].body"}
    (tmp_path / ".mantracheck.toml").write_text('fragment_fields = ["replies[1].*"]\n', encoding="utf-8")
    assert by_field([]) == set()


def test_a_wrong_kind_in_the_config_is_a_one_line_error(tmp_path):
    (tmp_path / ".mantracheck.toml").write_text('[overrides."partials/**"]\nkind = "snippet"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text("Hi.\n", encoding="utf-8")
    result = cli("lint", "a.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert "overrides.partials/**.kind" in result.stderr and "message, fragment" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_rules_explain_says_how_a_fragment_is_told_from_a_message():
    out = cli("rules", "explain", "courtesy.greeting").stdout
    assert "Asked only of whole messages" in out and "partials" in out and "fragment_fields" in out
    assert "in social: " in out


# -- 2. see what is there -----------------------------------------------------------------
MORE = " It should reach you in two or three working days, and the courier will text you a delivery window."


@pytest.mark.parametrize(
    "text, fmt, profile",
    [
        ("<div>\n  <p>Hi Sam,</p>\n  <p>Your order shipped this morning.</p>\n</div>\n", "html", "social"),
        ("<div>\n  <p>Hi Sam,</p>\n  <p>Your order shipped this morning." + MORE + "</p>\n</div>\n", "html", "support"),
        ("\nHi Sam, your order shipped this morning.\n", "text", "social"),
        ("\nHi Sam, your order shipped this morning." + MORE + "\n", "text", "support"),
        ("Agent: Thank you for calling Acme, this is Ana. How can I help you with your order today?", "text", "script"),
        ("{% if vip %}Dear {{ first_name }},{% else %}Hi {{ first_name }},{% endif %} your order shipped." + MORE, "text", "support"),
        ("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nHello there!\n\n\n\nYour order shipped this morning." + MORE, "text", "support"),
    ],
)
def test_a_greeting_after_whitespace_markup_labels_or_template_logic_is_seen(text, fmt, profile):
    assert "courtesy.greeting" not in rules_fired(text, profile, fmt)


def test_a_greeting_missing_is_still_found_there():
    assert "courtesy.greeting" in rules_fired("<div>\n  <p>Your order shipped this morning." + MORE + "</p>\n</div>\n", "support", "html")


LONG_BODY = " ".join(["Your parcel left our warehouse this morning and the courier has it now."] * 6)


def test_good_luck_your_friends_at_is_a_sign_off_and_a_thanks_mid_script_is_not():
    assert "courtesy.sign-off" not in rules_fired(f"Hi Sam,\n\n{LONG_BODY}\n\nGood luck,\nYour friends at Acme\n")
    script = f"Agent: Hello, thanks for calling Acme. {LONG_BODY} {LONG_BODY} The replacement ships on Monday."
    assert "courtesy.sign-off" in rules_fired(script, "script")
    assert "courtesy.sign-off" not in rules_fired(script + " Thank you for calling Acme.", "script")


def test_a_template_that_ends_or_opens_with_a_placeholder_is_not_asked_for_what_fills_it():
    """{{ signature }} at the end may be the sign-off, {{ greeting }} first the greeting; a
    link after a social reply's initials is skipped, not taken for its closing."""
    body = f"Your order shipped this morning.{MORE} {LONG_BODY}"
    assert "courtesy.sign-off" in rules_fired(f"Hi Sam,\n\n{body}\n")
    assert "courtesy.sign-off" not in rules_fired(f"Hi Sam,\n\n{body}\n\n{{{{ signature }}}}\n")
    assert "courtesy.greeting" in rules_fired(f"{body}\n")
    assert "courtesy.greeting" not in rules_fired(f"{{{{ greeting }}}}\n\n{body}\n")
    assert "courtesy.sign-off" in rules_fired("@sam Hi! Your order shipped. https://t.co/x1", "social")


def test_a_sentence_of_placeholders_entities_and_symbols_holds_no_words():
    """'{{ from }} &lt;{{ email }}&gt;' heading a reply is not its opening sentence (the
    reply's text is in a variable: nothing is asked); a one-letter initial is a word."""
    body = f"Your order shipped this morning.{MORE} {LONG_BODY}"
    assert "courtesy.greeting" not in rules_fired(f"{{{{ from }}}} &lt;{{{{ email }}}}&gt;\n\n{body}\n\nBest,\nAna\n")
    assert "courtesy.sign-off" not in rules_fired("@sam Try resetting the forward. https://t.co/x1 ^T", "social")


def test_thanks_is_asked_of_a_message_that_answers_the_customer():
    reset = "Hi Sam, someone asked to reset the password of the account for this address. " * 4
    assert "courtesy.gratitude" not in rules_fired(reset + "\n\nBest,\nAna")
    answer = "Hi Sam, your order left our warehouse this morning and the courier has it now. " * 4
    found = rules_fired(answer + "\n\nBest,\nAna")["courtesy.gratitude"]
    assert found[0].match.lower() == "your order"
    assert "courtesy.gratitude" not in rules_fired("Hi Sam, thanks for waiting! " + answer + "\n\nBest,\nAna")


# -- 3. shouting means shouting -----------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "MY ACCOUNT\n\nYour order shipped this morning.",
        "WE REALLY MISS YOU!\n\nCome back this week.",
        "Use the code SAVE20 at checkout.",
        "Dates are in DD-MM-YYYY format.",
        "See the README file for the steps.",
        "Replace $SITENAME$ with your shop's name.",
        "SHIPPING ADDRESS: {{ address }}\nORDER NUMBER: {{ order }}",
    ],
)
def test_capitals_that_are_not_a_raised_voice(text):
    assert "courtesy.shouting" not in rules_fired(text)


def test_capitals_in_running_prose_are_flagged_once_per_run():
    found = rules_fired("DO NOT SHARE this code with ANYONE, and PLEASE reply today.")["courtesy.shouting"]
    assert [f.match for f in found] == ["DO NOT SHARE", "ANYONE", "PLEASE"]


# -- 4. grammar, not keywords -------------------------------------------------------------
@pytest.mark.parametrize(
    "text, rule",
    [
        ("Email replies require that you use the same address you signed up with.", "courtesy.please"),
        ("1. Send the signed form to our billing team.\n2. Wait for the confirmation email.", "courtesy.please"),
        ("Unfortunately the sale ended yesterday, but the spring sale starts on Monday.", "courtesy.apology"),
        ("We learn from our mistakes and keep improving the app for everyone.", "courtesy.apology"),
        ("Believe it or not, the new plan is cheaper than the old one.", "courtesy.condescension"),
    ],
)
def test_keywords_without_the_grammar_are_not_findings(text, rule):
    assert rule not in rules_fired(text)


# A link or button of its own is a label to click, not a request (the skip condition
# link_text): fossbilling's confirmation mails put "Verify email address." in an <a> on its
# own line under "Please verify your email by clicking on the link below:".
LINK_MAIL = (
    "<p>Hello Sam,</p>\n<p>Please verify your email by clicking on the link below:</p>\n"
    '    <a href="{{ link }}" target="_blank">Verify email address.</a>\n'
    "{}"
    "<p>Thanks,<br>The Acme team</p>\n"
)


@pytest.mark.parametrize(
    "fmt, markup",
    [
        ("html", '<a href="#">Verify email address.</a>'),
        ("html", '<p><a href="#"><span>Confirm your new email address</span></a></p>'),
        ("html", '<button type="submit">Send the form now</button>'),
        ("mjml", '<mj-button href="#">Reply to this email today.</mj-button>'),
    ],
)
def test_a_link_or_button_of_its_own_is_not_a_request(fmt, markup):
    text = "<p>Hello Sam,</p>\n<p>Your account is ready.</p>\n" + markup + "\n<p>Thanks,<br>The Acme team</p>\n"
    if fmt == "mjml":
        text = f"<mjml><mj-body><mj-section><mj-column><mj-text>{text}</mj-text>{markup}</mj-column></mj-section></mj-body></mjml>"
    assert "courtesy.please" not in rules_fired(text, fmt=fmt), text


def test_a_request_beside_a_link_or_in_plain_text_is_still_one():
    assert "courtesy.please" not in rules_fired(LINK_MAIL.format(""), fmt="html")
    # the same words as a paragraph of plain text, or of HTML without a link, are a sentence
    assert "courtesy.please" in rules_fired("Hello Sam,\n\nVerify email address.\n\nThanks,\nThe Acme team\n")
    assert "courtesy.please" in rules_fired(LINK_MAIL.format("<p>Send us a photo of the label.</p>\n"), fmt="html")
    # a link inside a sentence does not excuse the sentence, nor text around a link
    inline = LINK_MAIL.format('<p>Send us a photo, or <a href="#">upload it here</a>.</p>\n')
    assert [f.match for f in rules_fired(inline, fmt="html")["courtesy.please"]] == ["Send"]
    mixed = LINK_MAIL.format('<p>Send the form: <a href="#">the form</a></p>\n')
    assert "courtesy.please" in rules_fired(mixed, fmt="html")


@pytest.mark.parametrize(
    "text, expected",
    [
        # a link around a block: its text is the block's paragraph, whatever follows
        ('<p>Hi Sam,</p><a href="#"><p>Verify email address.</p></a><p>Thanks, Ana</p>', []),
        # a link around a heading and a sentence (a card) spans two paragraphs: not a label
        ('<p>Hi Sam,</p><a href="/o/1"><h3>Your order</h3>Send us a photo of the label.</a><p>Thanks</p>', ["Send"]),
        # CRLF line ends and a blank line holding spaces end a paragraph too
        ('<p>Hi Sam,</p>\r\nThanks for writing in.\r\n\r\n<a href="#">Send us the log file</a>\r\n\r\nThanks', []),
        ('<p>Hi Sam,</p>\nThanks for writing in.\n  \n<a href="#">Send us the log file</a>\n\t\nThanks', []),
    ],
)
def test_what_a_link_of_its_own_is(text, expected):
    assert [f.match for f in rules_fired(text, fmt="html").get("courtesy.please", [])] == expected


def test_a_markdown_link_of_its_own_is_not_a_request():
    text = "Hi Sam,\n\nPlease confirm your address with the link below.\n\n[Confirm your email address](https://x.io/c)\n\n{}Thanks,\nAna\n"
    assert "courtesy.please" not in rules_fired(text.format(""), fmt="markdown")
    found = rules_fired(text.format("Send us a photo of [the label](https://x.io).\n\n"), fmt="markdown")["courtesy.please"]
    assert [f.match for f in found] == ["Send"]


def test_link_texts_are_found_after_the_first_piece_of_a_long_text():
    from mantracheck.engine.runner import PIECE

    filler = "<p>Your order shipped this morning and is on its way to you now.</p>\n" * (PIECE // 60)
    text = LINK_MAIL.format(filler + '<a href="#">Verify email address.</a>\n<p>Send us a photo of the label.</p>\n')
    found = rules_fired(text, fmt="html")["courtesy.please"]
    assert [f.match for f in found] == ["Send"]


def test_the_readers_record_link_texts_that_stand_alone():
    from mantracheck.text.html import MJML, extract_html
    from mantracheck.text.placeholders import compile_placeholders

    html = '<p>Hi</p><a href="#">Verify <b>email</b></a><p>Go to <a href="#">your account</a> now</p><a href="#"><img src="x.png"></a>'
    got = extract_html(html, compile_placeholders())
    assert [got.clean[s:e] for s, e in got.controls] == ["Verify email"]
    mjml = '<mjml><mj-body><mj-button href="#">Open the app</mj-button><mj-text>a <a href="#">link</a> b</mj-text></mj-body></mjml>'
    got = extract_html(mjml, compile_placeholders(), dialect=MJML)
    assert [got.clean[s:e] for s, e in got.controls] == ["Open the app"]


def test_rules_docs_name_the_link_text_condition():
    from mantracheck.docs import render_reference
    from mantracheck.engine.loader import load_rules as load

    assert "Not when question, the text of a link or button on its own." in render_reference(load())


def test_plainly_rude_dismissal_is_caught():
    assert "courtesy.dismissive" in rules_fired("If you're this upset about a delivery, perhaps try an anger management class?")
    assert "courtesy.please" in rules_fired("Send the signed form to our billing team.")


# -- 5. the social profile ----------------------------------------------------------------
@pytest.mark.parametrize("signature", ["^JD", "-Sam", "*AB", "~Ana", "- Chloe", "Thanks!", "Thanks! ^AB https://t.co/x1", "^HD 1/2"])
def test_social_sign_offs(signature):
    fired = rules_fired(f"@sam Hi Sam, your order shipped this morning. {signature}", "social")
    assert "courtesy.sign-off" not in fired


def test_social_sign_off_glued_to_a_url():
    assert "courtesy.sign-off" not in rules_fired("@sam Hi! Here's how: https://t.co/x1 .Thanks! ^AB", "social")


def test_social_flags_a_short_reply_without_greeting_thanks_sign_off_or_please():
    fired = rules_fired("@sam DM us your order number.", "social")
    assert {"courtesy.greeting", "courtesy.gratitude", "courtesy.sign-off", "courtesy.please-on-request"} <= set(fired)
    assert all(str(f.severity) == "info" for fs in fired.values() for f in fs if f.rule in WHOLE_MESSAGE_RULES)
    fine = rules_fired("@sam Hi Sam, thanks for waiting! Please DM us your order number. ^JD", "social")
    assert not set(fine) & (WHOLE_MESSAGE_RULES | {"courtesy.please-on-request"})


def test_social_handle_alone_is_not_a_greeting_and_hi_after_it_is():
    assert "courtesy.greeting" in rules_fired("@sam Your order shipped. ^JD", "social")
    assert "courtesy.greeting" not in rules_fired("@sam @acme Hi there, your order shipped. ^JD", "social")
    markers = {m.name for m in score_courtesy("@sam Hi there! Your order shipped this morning.").courtesy.markers}
    assert "greeting" in markers


def test_social_questions_are_requests():
    assert "courtesy.please-on-request" in rules_fired("@sam Which app are you using? ^JD", "social")
    assert "courtesy.please-on-request" not in rules_fired("@sam Glad it's sorted, enjoy! ^JD", "social")


# -- 7. say where: scores per text --------------------------------------------------------
def test_scores_per_text_of_a_keyed_file(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text('replies:\n  - body: "Hi Sam, thanks for your order! It ships today."\n  - body: "Send the receipt."\n', encoding="utf-8")
    data = json.loads(cli("lint", "--no-config", "--scores", "--format", "json", str(path)).stdout)
    texts = data["files"][0]["scores"]["texts"]
    assert [(t["field"], t["line"]) for t in texts] == [("replies[0].body", 2), ("replies[1].body", 3)]
    assert texts[0]["courtesy"] > texts[1]["courtesy"]


# -- profile_options are checked like the rule's own keys ---------------------------------
@pytest.mark.parametrize(
    "options, key",
    [
        ("  nosuch:\n    min_words: 0\n", "profile_options.nosuch"),
        ("  social:\n    measure: caps_run\n", "profile_options.social.measure"),
        ("  social:\n    min_words: -3\n", "profile_options.social.min_words"),
        ("  social: 3\n", "profile_options.social"),
    ],
)
def test_bad_profile_options_are_refused_with_file_and_key(tmp_path, options, key):
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "hello.yaml").write_text(
        "kind: require\nseverity: info\nmessage: m\ndescription: d\npatterns: [hello]\nexamples: {good: [hello], bad: [bye]}\n"
        "profile_options:\n" + options,
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as err:
        load_rules((str(pack),))
    assert str(err.value).startswith(str(pack / "hello.yaml") + ": " + key + ":")
