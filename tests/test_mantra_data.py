"""rules/mantra-score.yaml: validated when loaded, errors naming the file and the key (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.errors import RuleError
from mantracheck.scoring.mantra_model import SUGGESTIONS, default_path, load_model, parse_model
from tests.conftest import shared


def shipped() -> dict:
    return yaml.safe_load(default_path().read_text(encoding="utf-8"))


def test_the_shipped_data_loads_and_every_block_has_a_rationale() -> None:
    model = load_model()
    assert set(model.weights) == {"brevity", "simplicity", "memorability", "focus"}
    raw = shipped()
    for block in ("overall", "brevity", "simplicity", "memorability", "focus", "suggestions"):
        assert raw[block]["rationale"].strip(), block
    for name, fields in SUGGESTIONS.items():  # every message formats with its own fields
        model.message(name, **{f: "x" for f in fields})


def test_the_shipped_data_is_found_where_the_rules_are() -> None:
    assert default_path().parent == Path(__file__).resolve().parent.parent / "rules"


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda d: d["overall"]["weights"].update(brevity="lots"), "overall.weights.brevity", "expected a number"),
        (lambda d: d["overall"]["weights"].update(brevity=0.9), "overall.weights", "must add up to 1"),
        (lambda d: d["brevity"]["targets"]["words"].update(best=[9, 3]), "brevity.targets.words", "best[0] <= best[1]"),
        (lambda d: d["brevity"].pop("rationale"), "brevity.rationale", "missing"),
        (lambda d: d["simplicity"].update(colour="blue"), "simplicity.colour", "unknown key"),
        (lambda d: d["simplicity"]["jargon"].update({"Synergy": "teamwork"}), "simplicity.jargon.Synergy", "lower-case"),
        (lambda d: d["memorability"]["features"]["sound"].update(weight="high"), "memorability.features.sound.weight", "expected a number"),
        (lambda d: d["memorability"]["features"]["past_rate"].update(scale=0), "memorability.features.past_rate.scale", "positive"),
        (lambda d: d["memorability"]["features"].pop("familiarity"), "memorability.features.familiarity", "missing"),
        (lambda d: d["memorability"]["features"]["verb"].pop("prior"), "memorability.features.verb.prior", "missing"),
        (lambda d: d["memorability"]["fit"].update(clip=0), "memorability.fit.clip", "positive"),
        (lambda d: d["overall"]["overpromise_cap"].pop("error"), "overall.overpromise_cap.error", "missing"),
        (lambda d: d["focus"].update(people=[]), "focus.people", "non-empty list"),
        (lambda d: d["focus"]["overpromise_penalty"].pop("error"), "focus.overpromise_penalty.error", "missing"),
        (lambda d: d["suggestions"]["messages"].update(cut_words="cut {n} words"), "suggestions.messages.cut_words", "unknown field {n}"),
        (lambda d: d.update(version=3), "version", "expected 2"),
        (lambda d: d.update(version=1), "version", "start again from a copy of the built-in"),
    ],
)
def test_bad_data_names_the_file_and_the_key(tmp_path: Path, change, key: str, problem: str) -> None:
    data = shipped()
    change(data)
    path = tmp_path / "mantra-score.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        parse_model(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
    assert info.value.path == str(path) and info.value.key == key
    assert problem in str(info.value) and str(info.value).startswith(f"{path}: {key}: ")


def test_bad_data_on_the_command_line_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    data = shipped()
    data["focus"]["hedge_penalty"] = -5
    path = tmp_path / "team-mantra.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--weights", str(path), "We help people."])
    assert result.exit_code == 2
    assert f"mantracheck: error: {path}: focus.hedge_penalty: expected a number from 0 to 100, got -5" in result.output


def test_invalid_yaml_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\noverall: [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--weights", str(path), "We help people."])
    assert result.exit_code == 2 and str(path) in result.output and "invalid YAML" in result.output


def test_a_team_can_change_the_weights(tmp_path: Path) -> None:
    data = shipped()
    data["overall"]["weights"] = {"brevity": 1.0, "simplicity": 0.0, "memorability": 0.0, "focus": 0.0}
    data["overall"]["brevity_gate"] = 0
    path = tmp_path / "brevity-only.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    from mantracheck import score_mantra

    report = score_mantra("Eat fresh.", model_path=str(path))
    assert report.score == report.subscore("brevity").value


def test_eval_quote_span_on_the_shared_pairs() -> None:
    """The span of the script line that the eval compares is the quote's own sentences."""
    import importlib.util

    pairs = shared("cornell-movie-quotes", "pairs.dev.txt")
    spec = importlib.util.spec_from_file_location("eval_mantra", Path(__file__).resolve().parent.parent / "eval" / "mantra.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.quote_span("Is everyone in this town on drugs?", ["Make time?", "Is everybody in this town on drugs?"]) == "Is everybody in this town on drugs?"
    block = pairs.read_text(encoding="utf-8").split("\n\n")[0].split("\n")
    assert len(block) == 4 and block[2].split(" ", 1)[0].isdigit()
