import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from fontnet.cli import run_captured
from fontnet.model import default_model, p_dark
from fontnet.network import Network
from tests.conftest import ROOT


def _cli(*args):
    """Run `python -m fontnet` as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "fontnet", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_predict_prints_p_dark_shade_and_contrast():
    code, out = run_captured(["predict", "#ffc0cb", "000080", "255,192,203"])
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 3
    assert "dark text" in lines[0] and "light text" in lines[1] and "contrast dark" in lines[0]


def test_predict_json_matches_the_default_model():
    code, out = run_captured(["predict", "ffc0cb", "--json"])
    res = json.loads(out)
    assert res["p_dark"] == pytest.approx(float(p_dark(default_model(), [255, 192, 203])[0]))
    assert res["text"] == "dark" and res["contrast_dark"] > res["contrast_light"]


def test_three_digits_alone_read_as_hex_and_say_so(capsys):
    """'255' is the CSS shorthand #255 (#225555), not red 255: the answer says which colour it read, and a note on
    stderr says how to write red, green and blue; with a #, or six digits, there is nothing to note."""
    code, out = run_captured(["predict", "255", "--json"])
    assert code == 0 and json.loads(out)["rgb"] == [0x22, 0x55, 0x55]
    assert capsys.readouterr().err.strip() == ("note: '255' reads as the hex colour #255 (#225555); red, green and "
                                               "blue are written with commas, as 255,255,255")
    code, out = run_captured(["predict", "#255", "112233"])
    assert code == 0 and len(out.strip().splitlines()) == 2 and capsys.readouterr().err == ""


@pytest.mark.parametrize("name,rgb", [("rebeccapurple", (102, 51, 153)), ("RebeccaPurple", (102, 51, 153)),
                                      ("cyan", (0, 255, 255)), ("white", (255, 255, 255))])
def test_predict_takes_css_colour_names(name, rgb):
    code, out = run_captured(["predict", name, "--json"])
    res = json.loads(out)
    assert code == 0 and res["rgb"] == list(rgb)
    assert res["p_dark"] == pytest.approx(float(p_dark(default_model(), [rgb])[0]))


def test_predict_takes_every_preset_the_app_offers_by_its_name():
    from fontnet.presets import PRESETS

    code, out = run_captured(["predict", *PRESETS, "--json"])
    assert code == 0 and [tuple(r["rgb"]) for r in json.loads(out)] == list(PRESETS.values())


def test_predict_csv(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("RED,GREEN,BLUE\n255,255,255\n0,0,128\n")
    code, out = run_captured(["predict", "--csv", str(f)])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == ["red", "green", "blue", "p_dark", "text"]
    assert [r["text"] for r in rows] == ["dark", "light"] and float(rows[0]["p_dark"]) > 0.5


def test_train_json_save_and_predict_with_the_model(tmp_path):
    model = tmp_path / "m.json"
    code, out = run_captured(["train", "--mode", "fast", "--seed", "1", "--save", str(model), "--json"])
    res = json.loads(out)
    assert code == 0 and {"test_accuracy", "formula_agreement", "seconds"} <= set(res)
    assert res["formula_agreement"] > 0.99
    code, out = run_captured(["predict", "fff", "--model", str(model), "--json"])
    assert code == 0 and json.loads(out)["text"] == "dark"


def test_train_says_when_the_network_is_stuck_on_one_answer():
    code, out = run_captured(["train", "--lr", "1e9", "--iterations", "100"])
    lines = out.splitlines()
    assert code == 0 and re.fullmatch(r"trained chapter mode, 100 iterations on the chapter's data \(1,345 rows\) in "
                                      r"(under 1 ms|\d+ ms|\d+\.\d\d s)", lines[0])
    stuck = [w for w in lines if w.startswith("warning: ")]
    assert len(stuck) == 1 and "stuck predicting one class" in stuck[0]
    assert stuck[0].endswith("try a smaller --lr or another --seed.") and "Reset" not in out
    code, out = run_captured(["train", "--lr", "1e9", "--iterations", "100", "--json"])
    assert code == 0 and json.loads(out)["warnings"] == [stuck[0].removeprefix("warning: ")]


def test_a_healthy_run_has_no_warning():
    code, out = run_captured(["train", "--iterations", "5000", "--json"])
    res = json.loads(out)
    assert code == 0 and res["formula_agreement"] > 0.9 and res["warnings"] == []


@pytest.mark.parametrize("args,name", [([], "the chapter's data (1,345 rows)"),
                                       (["--data", "chapter"], "the chapter's data (1,345 rows)"),
                                       (["--data", "generated"], "generated colours (1,345 rows)")])
def test_train_uses_the_chapters_data_unless_told_otherwise(args, name):
    code, out = run_captured(["train", "--iterations", "2000", "--json", *args])
    res = json.loads(out)
    assert code == 0 and res["data"] == name and res["rows"] == 1345


def test_train_on_a_csv_file(tmp_path):
    from fontnet import data

    f = tmp_path / "d.csv"
    f.write_text(data.to_csv(data.random_dataset(300, seed=2)))
    code, out = run_captured(["train", "--data", str(f), "--iterations", "20000", "--json"])
    assert code == 0 and json.loads(out)["rows"] == 300


def _bad_files(tmp_path):
    (tmp_path / "missing_col.csv").write_text("red,green\n1,2\n")
    (tmp_path / "non_numeric.csv").write_text("red,green,blue\n1,two,3\n")
    (tmp_path / "corrupt.json").write_text('{"format": "fontnet-model", "weights": [[')
    (tmp_path / "mismatched.json").write_text(json.dumps({**default_model().to_dict(), "activation": "swish"}))
    return tmp_path


@pytest.mark.parametrize("args,words", [
    (["predict", "#zzz"], "#zzz"),
    (["predict", "300,0,0"], "outside 0–255"),
    (["predict", "notacolour"], "'notacolour' is not #rrggbb, #rgb, r,g,b or a CSS colour name"),
    (["predict", "pink", "blurple"], "'blurple'"),
    (["predict", "255", "0", "0"], "'255 0 0' reads as red, green and blue: join them with commas (255,0,0), "
                                   "or write hex colours with a # (#255)"),
    (["predict", "255", "255", "255"], "join them with commas (255,255,255)"),
    (["predict", "1", "2", "3", "4", "5", "6"], "join them with commas (1,2,3 4,5,6)"),
    (["predict", "fff", "0", "0"], "'0' is not #rrggbb, #rgb, r,g,b or a CSS colour name"),
    (["predict", "--csv", "{d}/missing_col.csv"], "missing columns"),
    (["predict", "--csv", "{d}/non_numeric.csv"], "'two' is not a number"),
    (["predict", "fff", "--model", "{d}/nope.json"], "cannot read model file"),
    (["predict", "fff", "--model", "{d}/corrupt.json"], "not valid JSON"),
    (["predict", "fff", "--model", "{d}/mismatched.json"], "unknown activation"),
    (["train", "--lr", "0"], "--lr"),
    (["train", "--lr", "abc"], "--lr"),
    (["train", "--iterations", "0"], "--iterations"),
    (["train", "--hidden", "3,x"], "--hidden"),
    (["train", "--activation", "softmax"], "--activation"),
    (["train", "--data", "{d}/missing_col.csv"], "missing columns"),
    (["train", "--data", "{d}/no-such.csv"], "cannot read"),
    (["bench", "--data", "random"], "--data"),
    (["predict"], "at least one COLOUR"),
    (["frobnicate"], "invalid choice"),
    (["bench", "--only", "everything"], "--only"),
    (["bench", "--teach-seeds", "0"], "--teach-seeds"),
    ([], "required"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, args, words):
    d = _bad_files(tmp_path)
    code, out = run_captured([a.format(d=d) for a in args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("fontnet: error:") and words in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_a_real_process_exits_2_without_a_traceback():
    res = _cli("predict", "#zzz")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == ["fontnet: error: colour '#zzz' is not #rrggbb, #rgb, r,g,b or a CSS colour name"]


@pytest.mark.slow
def test_a_real_process_predicts():
    res = _cli("predict", "255,192,203")
    assert res.returncode == 0 and "dark text" in res.stdout


@pytest.mark.slow
def test_a_real_process_predicts_a_colour_name_and_refuses_an_unknown_one():
    res = _cli("predict", "rebeccapurple")
    assert res.returncode == 0 and res.stdout.startswith("#663399") and "light text" in res.stdout
    res = _cli("predict", "rebeccapurpl")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        "fontnet: error: colour 'rebeccapurpl' is not #rrggbb, #rgb, r,g,b or a CSS colour name"]


@pytest.mark.slow
@pytest.mark.parametrize("data_args,dataset", [([], "chapter"), (["--data", "generated"], "generated")])
def test_bench_reports_the_contract_keys(data_args, dataset):
    code, out = run_captured(["bench", "--seeds", "1", "--iterations", "3000", "--teach-seeds", "1",
                              "--fast-seeds", "1", "--json", *data_args])
    res = json.loads(out)
    assert code == 0 and res["dataset"] == res["fast_dataset"] == dataset
    for key in ("chapter_speedup", "fast_vs_sklearn_speedup", "fast_min_agreement", "predict_one_us", "predict_million_s"):
        assert res[key] > 0
    assert res["chapter_speedup"] > 1 and res["fast_min_agreement"] >= 0.99
    seed = res["fast_per_seed"][0]
    assert seed["sklearn_solver"] in ("lbfgs", "adam") and seed["sklearn_agreement"] == max(
        seed["lbfgs_agreement"], seed["adam_agreement"])
    assert res["fast_reached_sklearn"] == int(seed["fast_accuracy"] >= seed["sklearn_accuracy"]
                                              and seed["fast_agreement"] >= seed["sklearn_agreement"])
    assert res["margin_agreement_reached"] == int(seed["margin_agreement"] >= seed["sklearn_agreement"])
    assert 0.99 <= res["margin_agreement"] == seed["margin_agreement"] <= 1
    assert res["library_reshuffled_reached"] == int(seed["reshuffled_accuracy"] >= seed["sklearn_accuracy"]
                                                    and seed["reshuffled_agreement"] >= seed["sklearn_agreement"])
    for key in ("teach_labels_active", "teach_labels_random", "teach_labels_wcag", "teach_labels_slips"):
        assert 1 <= res[key] <= 201
    assert res["teach_retrain_ms"] > 0 and res["teach_retrains"] >= res["teach_labels_active"]


@pytest.mark.slow
def test_bench_teach_alone_runs_only_the_teach_part():
    code, out = run_captured(["bench", "--only", "teach", "--teach-seeds", "2", "--json"])
    res = json.loads(out)
    assert code == 0 and "chapter_speedup" not in res and res["teach_seeds"] == [0, 1]
    assert all(len(v) == 2 for v in res["teach_per_seed"].values())
    assert res["teach_labels_active"] == sum(res["teach_per_seed"]["active"]) / 2


@pytest.mark.slow
def test_prepare_keeps_the_default_models_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    res = _cli("prepare")
    assert res.returncode == 0 and "default model ready (100,000 iterations)" in res.stdout
    files = list(tmp_path.glob("default-model-*.json"))
    assert len(files) == 1
    assert Network.load(files[0]).n_iter_ == 100_000


def test_predict_and_backprop_do_not_load_scikit_learn():
    """scikit-learn takes most of a second to import and only bench and digits use it: the other commands start
    without it (predict took 1.4 s with it, 0.35 s without)."""
    code = ("import sys, io; from fontnet.cli import main; out = io.StringIO(); "
            "assert main(['predict', 'fff'], out) == 0 and main(['backprop', 'pink'], out) == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "[]", res.stderr[-2000:]


@pytest.mark.parametrize("command", ["train", "digits"])
@pytest.mark.parametrize("where,why", [("{d}", "Is a directory"), ("{d}/no-such-folder/m.json", "No such file or directory")])
def test_a_save_path_that_cannot_be_written_is_refused_before_any_training(tmp_path, capsys, monkeypatch, command,
                                                                           where, why):
    from fontnet import digits

    def no_training(*args, **kwargs):
        raise AssertionError("trained before the path was checked")

    monkeypatch.setattr(Network, "fit", no_training)
    monkeypatch.setattr(digits, "train", no_training)
    path = where.format(d=tmp_path)
    code, out = run_captured([command, "--save", path])
    assert code == 2 and out == ""
    assert capsys.readouterr().err.strip() == f"fontnet: error: cannot write {path!r}: {why}"


def test_a_terminal_that_cannot_show_a_character_gets_it_escaped_not_a_traceback():
    """Backprop prints − (U+2212) and messages an en dash: on a terminal limited to ASCII they come out as \\u2212
    and \\u2013 (the traceback's UnicodeEncodeError before, with the step half printed)."""
    ascii_only = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "fontnet", *args], cwd=ROOT, capture_output=True,  # noqa: E731
                                       text=True, encoding="ascii", errors="strict", env=ascii_only, timeout=300)
    shown = run("backprop", "ffc0cb")
    assert shown.returncode == 0 and "Traceback" not in shown.stderr and "\\u2212" in shown.stdout
    refused = run("predict", "300,0,0")
    assert refused.returncode == 2 and refused.stderr.strip() == (
        "fontnet: error: colour '300,0,0': channel value 300 is outside 0\\u2013255")
