"""Hostile numbers in files, and hostile links: a generated corpus through every reader.

Every variant is generated from a valid file by putting one hostile value where a number belongs (a CSV cell,
each numeric field of a model file) or by breaking the file's structure. Each reader must answer every variant
with one line naming the problem (its own typed error: what the page catches, or the CLI's exit status 2 with
nothing on stdout and no traceback), never hang, and never change what the visitor had: the engine's readers
(the functions the pages call) take the whole corpus; the pages themselves (AppTest), the CLI as a process and
the Teach page's link take one variant of each kind.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import data, digits, settings, teach, training
from fontnet.cli import run_captured
from fontnet.model import default_model
from fontnet.network import ModelFileError
from fontnet.parsing import SettingsError
from tests.page_helpers import no_exception, shown

ROOT = Path(__file__).resolve().parents[1]

# ---- the corpus --------------------------------------------------------------------------------------------
# Text where a CSV cell's number belongs: none of it is a usable colour value or label.
CELLS = {
    "1e19": "1e19", "1e308": "1e308", "-1e308": "-1e308", "1e309": "1e309", "2^63": "9223372036854775808",
    "-2^63-1": "-9223372036854775809", "5000-digits": "9" * 5000, "-5000-digits": "-" + "9" * 5000,
    "nan": "nan", "inf": "inf", "-inf": "-inf", "fraction": "1.5", "hex": "0x10", "256": "256", "-1": "-1",
    "empty": "", "word": "ten", "quoted-comma": '"1,5"',
}
GOOD_ROWS = [(0, 0, 0, 0), (255, 255, 255, 1), (10, 20, 30, 0), (240, 230, 220, 1), (128, 128, 128, 1)]


def csv_with(cell: str, column: int) -> bytes:
    """The good rows with `cell` in `column` (2: blue, 3: the label) of the third data row."""
    rows = [list(map(str, r)) for r in GOOD_ROWS]
    rows[2][column] = cell
    return ("red,green,blue,label\n" + "".join(",".join(r) + "\n" for r in rows)).encode()


CSV_STRUCTURE = {
    "field-over-csv-limit": b"red,green,blue,label\n" + b"1" * 200_000 + b",0,0,0\n1,1,1,1\n",
    "quoted-field-over-csv-limit": b'red,green,blue,label\n"' + b"1" * 200_000 + b'",0,0,0\n1,1,1,1\n',
    "unterminated-quote": b'red,green,blue,label\n1,2,"3,0\n4,5,6,1\n',
    "nul-byte": b"red,green,blue,label\n1,2,3\x00,0\n4,5,6,1\n",
    "invalid-utf8": b"red,green,blue,label\n1,2,3,0\n\xff\xfe,5,6,1\n",
    "utf16": "red,green,blue,label\n1,2,3,0\n4,5,6,1\n".encode("utf-16"),
    "5000-columns": b"red,green,blue,label," + b",".join(b"c%d" % i for i in range(5000)) + b"\n"
                    + b"1,2,1e19,0" + b",1" * 5000 + b"\n4,5,6,1" + b",1" * 5000 + b"\n",
    "carriage-return-in-cell": b"red,green,blue,label\n1,2,3\r9,0\n4,5,6,1\n",
    "header-only": b"red,green,blue,label\n",
    "too-many-rows": b"red,green,blue,label\n" + b"1,2,3,0\n" * (data.MAX_ROWS + 1),
}
CSVS = ({f"blue-{k}": csv_with(v, 2) for k, v in CELLS.items()} | {f"label-{k}": csv_with(v, 3) for k, v in CELLS.items()}
        | CSV_STRUCTURE)
CSVS_WITHOUT_LABEL_PROBLEMS = {k: v for k, v in CSVS.items() if not k.startswith("label-")}   # for predict --csv

# JSON text where a model file's number belongs: none of it is a usable value of any numeric field.
JSON_VALUES = {
    "5000-digits": "9" * 5000, "-5000-digits": "-" + "9" * 5000, "300-digits": "9" * 300, "1e400": "1e400",
    "-1e400": "-1e400", "NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity", "1e308": "1e308",
    "-1e308": "-1e308", "1e19": "1e19", "true": "true", "text": '"12"', "list": "[]", "object": "{}",
    "deep": "[" * 5000 + "]" * 5000,
}
FIELDS = {   # where each numeric field's first number sits in a model file
    "n_iter": ("n_iter",), "learning_rate": ("learning_rate",), "random_state": ("random_state",),
    "hidden": ("hidden_layer_sizes", 0), "weight": ("weights", 0, 0, 0), "bias": ("biases", 0, 0),
    "class": ("classes", 0),
}
MARK = "__hostile__"


def model_with(base: dict, path: tuple, literal: str) -> bytes:
    """The model file `base` with the JSON text `literal` at `path`."""
    d = json.loads(json.dumps(base))
    node = d
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = MARK
    return json.dumps(d).replace(f'"{MARK}"', literal).encode()


def overflowing_model(n_in: int, classes: list) -> bytes:
    """Every weight within the model files' bound, but 40 layers of them: the forward pass overflows."""
    sizes = [3] * 40
    n_out = 1 if len(classes) == 2 else len(classes)
    shapes = list(zip([*sizes, n_out], [n_in, *sizes]))
    d = {"format": "fontnet-model", "version": 1, "hidden_layer_sizes": sizes, "activation": "relu",
         "classes": classes, "weights": [[[9e7] * cols for _ in range(rows)] for rows, cols in shapes],
         "biases": [[0.0] * rows for rows, _ in shapes]}
    return json.dumps(d).encode()


def model_corpus(base: dict, n_in: int) -> dict[str, bytes]:
    whole = {
        "weights-1e308": model_with(base, ("weights",), json.dumps(
            [(np.where(np.indices(np.array(W).shape).sum(0) % 2, -1e308, 1e308)).tolist() for W in base["weights"]])),
        "forward-pass-overflows": overflowing_model(n_in, base["classes"]),
        "empty": b"", "null": b"null", "deep": b"[" * 100_000 + b"]" * 100_000, "invalid-utf8": b'{"format": "\xff"}',
        "top-level-5000-digits": b"9" * 5000, "mode-a-list": model_with(base, ("mode",), "[]"),
        "activation-deep": model_with(base, ("activation",), "[" * 900 + "]" * 900),
    }
    fields = {f"{field}-{name}": model_with(base, path, literal)
              for field, path in FIELDS.items() for name, literal in JSON_VALUES.items()}
    return fields | whole


@pytest.fixture(scope="module")
def colour_base() -> dict:
    return default_model().to_dict()


COLOUR_MODELS = model_corpus(default_model().to_dict(), 3)
DIGITS_BASE = digits.DigitsSettings(hidden=(8,), iterations=2).network().fit(*digits.split(0)[::2]).to_dict()
DIGITS_MODELS = model_corpus(DIGITS_BASE, 64)


def one_line(e: BaseException) -> str:
    msg = str(e)
    assert msg and "\n" not in msg and len(msg) <= 300 and "Traceback" not in msg, msg[:400]
    return msg


# ---- the engine's readers: the whole corpus ----------------------------------------------------------------
@pytest.mark.timeout(60)
@pytest.mark.parametrize("raw", CSVS.values(), ids=CSVS.keys())
def test_the_train_and_teach_pages_csv_readers_refuse_every_variant_in_one_line(raw):
    with pytest.raises(data.DataError) as train:   # what the Train page's upload catches
        training.load_data(raw, "mine.csv")
    with pytest.raises(data.DataError) as taught:  # what the Teach page's upload catches
        teach.from_csv(raw)
    one_line(train.value), one_line(taught.value)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("raw", COLOUR_MODELS.values(), ids=COLOUR_MODELS.keys())
def test_the_train_pages_model_reader_refuses_every_variant_in_one_line(raw):
    with pytest.raises(ModelFileError) as e:
        training.load_model(raw)
    one_line(e.value)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("raw", DIGITS_MODELS.values(), ids=DIGITS_MODELS.keys())
def test_the_digits_pages_model_reader_refuses_every_variant_in_one_line(raw):
    with pytest.raises(ModelFileError) as e:
        digits.load_model(raw)
    one_line(e.value)


def test_the_bases_themselves_load(colour_base):
    assert training.load_model(json.dumps(colour_base)).n_iter_ == colour_base["n_iter"]
    assert digits.load_model(json.dumps(DIGITS_BASE)).hidden_layer_sizes == (8,)
    assert len(training.load_data(csv_with("3", 2))) == len(GOOD_ROWS)


def test_the_issues_cases_get_messages_that_name_the_problem(colour_base):
    cases = [
        (lambda: training.load_data(csv_with("1e19", 2)), "line 4: '1e19' is outside 0–255"),
        (lambda: training.load_data(csv_with("1e308", 3)), "line 4: label 1e308 is not 0 or 1"),
        (lambda: training.load_data(CSV_STRUCTURE["field-over-csv-limit"]), "line 2: not readable as CSV"),
        (lambda: training.load_model(model_with(colour_base, ("n_iter",), "9" * 5000)), "a whole number of 5,000 digits"),
        (lambda: training.load_model(model_with(colour_base, ("hidden_layer_sizes", 0), "Infinity")),
         "hidden_layer_sizes: layer 1: not a finite number"),
        (lambda: training.load_model(model_with(colour_base, ("learning_rate",), "9" * 300)), "300 digits"),
        (lambda: training.load_model(model_with(colour_base, ("learning_rate",), "1e300")),
         "learning_rate: outside 0 to 1e+06"),
        (lambda: training.load_model(COLOUR_MODELS["weights-1e308"]), "beyond ±100,000,000"),
        (lambda: training.load_model(COLOUR_MODELS["forward-pass-overflows"]), "outputs are not finite numbers"),
    ]
    for call, message in cases:
        with pytest.raises((data.DataError, ModelFileError)) as e:
            call()
        assert message in one_line(e.value)


def test_a_model_whose_weights_are_large_but_whose_outputs_stay_finite_loads(colour_base):
    d = json.loads(json.dumps(colour_base))
    d["weights"][0][0][0] = 9.9e7
    net = training.load_model(json.dumps(d))
    p = net.predict_proba(np.random.default_rng(0).random((100, 3)))
    assert np.isfinite(p).all()


# ---- the pages themselves: one variant of each kind ---------------------------------------------------------
def sample(corpus: dict[str, bytes], prefixes: tuple[str, ...]) -> dict[str, bytes]:
    """The first variant of each kind (the part of its name before the first '-'), plus those named."""
    out: dict[str, bytes] = {}
    for name, raw in corpus.items():
        kind = name.split("-")[0]
        if name in prefixes or not any(k.split("-")[0] == kind for k in out):
            out[name] = raw
    return out


PAGE_CSVS = sample(CSVS, ("blue-1e19", "label-1e308", "field-over-csv-limit"))
PAGE_MODELS = sample(COLOUR_MODELS, ("n_iter-5000-digits", "hidden-Infinity", "learning_rate-300-digits",
                                     "weights-1e308", "forward-pass-overflows"))
PAGE_DIGITS_MODELS = sample(DIGITS_MODELS, ("n_iter-5000-digits", "weights-1e308", "forward-pass-overflows"))


def page(name: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def upload(at: AppTest, key: str, name: str, raw: bytes, mime: str) -> AppTest:
    at.file_uploader(key=key).clear()
    at.run()
    at.file_uploader(key=key).upload(name, raw, mime)
    return at.run()


def refused(at: AppTest, words: str) -> str:
    no_exception(at)
    [message] = [shown(e) for e in at.error if words in shown(e)]
    assert "\n" not in message.strip()
    return message


# The browser refuses a file over an uploader's limit itself ("File must be 1.0MB or smaller") and prints the
# limit under the box ("Limit 1MB per file"); that limit is the widget's, so it must be the one the label states.
UPLOAD_LIMITS = {("train.py", "data_file"): data.MAX_BYTES, ("train.py", "model_file"): training.MAX_MODEL_BYTES,
                 ("digits.py", "digits_model_file"): digits.MAX_MODEL_BYTES, ("teach.py", "teach_upload"): None}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted({n for n, _ in UPLOAD_LIMITS}))
def test_each_uploader_states_the_limit_the_browser_enforces(name):
    at = page(name)
    no_exception(at)
    uploaders = {u.key: u for u in at.file_uploader}
    assert set(uploaders) == {key for n, key in UPLOAD_LIMITS if n == name}
    for key, widget in uploaders.items():
        stated = re.findall(r"at most (\d+) MB", f"{widget.label} {widget.help}")
        assert stated, f"{key} does not say how large a file may be"
        assert {int(mb) for mb in stated} == {widget.proto.max_upload_size_mb}, key
        engine_limit = UPLOAD_LIMITS[name, key]
        if engine_limit is not None:
            assert widget.proto.max_upload_size_mb == engine_limit // 1_000_000, key


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("raw", PAGE_CSVS.values(), ids=PAGE_CSVS.keys())
def test_the_train_page_keeps_its_data_for_a_hostile_csv(raw):
    at = upload(page("train.py"), "data_file", "mine.csv", csv_with("3", 2), "text/csv")
    kept = at.session_state["train_uploaded_data"]
    at = upload(at, "data_file", "bad.csv", raw, "text/csv")
    assert "previous data is kept" in refused(at, "was not used")
    assert at.session_state["train_uploaded_data"] is kept


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("raw", PAGE_MODELS.values(), ids=PAGE_MODELS.keys())
def test_the_train_page_keeps_its_model_for_a_hostile_model_file(raw):
    at = page("train.py", iterations="50")
    next(b for b in at.button if b.label == "Step").click()
    at.run()
    current = at.session_state["train_run"]
    at = upload(at, "model_file", "bad.json", raw, "application/json")
    assert "current model is kept" in refused(at, "was not loaded")
    assert at.session_state["train_run"] is current


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("raw", PAGE_DIGITS_MODELS.values(), ids=PAGE_DIGITS_MODELS.keys())
def test_the_digits_page_keeps_its_model_for_a_hostile_model_file(raw):
    at = upload(page("digits.py"), "digits_model_file", "mine.json", json.dumps(DIGITS_BASE).encode(),
                "application/json")
    kept = at.session_state["digits_own_model"]
    at = upload(at, "digits_model_file", "bad.json", raw, "application/json")
    assert "current model is kept" in refused(at, "was not loaded")
    assert at.session_state["digits_own_model"] is kept


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("raw", PAGE_CSVS.values(), ids=PAGE_CSVS.keys())
def test_the_teach_page_keeps_its_answers_for_a_hostile_csv(raw):
    at = page("teach.py", labels="ffc0cb.d,000080.l")
    kept = list(at.session_state["teach_answers"])
    at = upload(at, "teach_upload", "bad.csv", raw, "text/csv")
    assert "answers are unchanged" in refused(at, "cannot be read")
    assert at.session_state["teach_answers"] == kept


# ---- the Teach page's link ----------------------------------------------------------------------------------
LINKS = {
    "huge-number-as-colour": "9" * 5000 + ".d,ffc0cb.d", "exponent": "1e19.d,ffc0cb.d",
    "field-over-csv-limit": "f" * 200_000 + ".d,ffc0cb.d", "unknown-letter": "ffc0cb.x,000080.l",
    "fullwidth-digits": "ｆｆｃ０ｃｂ.d,000080.l", "nul": "ffc0cb\x00.d,000080.l",
    "ten-thousand-answers": ",".join(f"{i:06x}.d" for i in range(10_000)),
    "duplicates": "ffc0cb.d,ffc0cb.l,ffc0cb.d", "markup": "<script>alert(1)</script>.d,ffc0cb.d",
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("value", LINKS.values(), ids=LINKS.keys())
def test_a_hostile_teach_link_keeps_its_valid_part_with_a_notice(value):
    values, notices = settings.TEACH.read({"labels": [value]})
    assert notices and all("\n" not in n and len(n) <= 300 for n in notices)
    kept, _ = teach.decode_link(values["labels"])
    assert 1 <= len(kept) <= teach.MAX_ANSWERS
    assert all(a.label in (0, 1) and all(0 <= c <= 255 for c in a.rgb) for a in kept)


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("value", [LINKS["huge-number-as-colour"], LINKS["ten-thousand-answers"]],
                         ids=["huge-number-as-colour", "ten-thousand-answers"])
def test_the_teach_page_opens_a_hostile_link_with_a_notice(value):
    at = page("teach.py", labels=value)
    no_exception(at)
    assert any("From the link" in w.value for w in at.warning)
    assert 1 <= len(at.session_state["teach_answers"]) <= teach.MAX_ANSWERS


# ---- the CLI: in-process for the corpus, as a process for one of each kind ----------------------------------
def cli_refuses(argv: list[str], capsys) -> str:
    code, out = run_captured(argv)
    err = capsys.readouterr().err
    assert code == 2 and out == "", (code, out[:200])
    assert len(err.strip().splitlines()) == 1 and err.startswith("fontnet: error: ") and "Traceback" not in err
    return err


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", CSVS_WITHOUT_LABEL_PROBLEMS, ids=CSVS_WITHOUT_LABEL_PROBLEMS)
def test_predict_csv_refuses_every_variant(name, tmp_path, capsys):
    path = tmp_path / "colours.csv"
    path.write_bytes(CSVS_WITHOUT_LABEL_PROBLEMS[name])
    cli_refuses(["predict", "--csv", str(path)], capsys)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", CSVS, ids=CSVS)
def test_train_data_refuses_every_variant(name, tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_bytes(CSVS[name])
    cli_refuses(["train", "--iterations", "1", "--data", str(path)], capsys)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", COLOUR_MODELS, ids=COLOUR_MODELS)
def test_predict_and_backprop_model_refuse_every_variant(name, tmp_path, capsys):
    path = tmp_path / "model.json"
    path.write_bytes(COLOUR_MODELS[name])
    cli_refuses(["predict", "fff", "--model", str(path)], capsys)
    cli_refuses(["backprop", "fff", "--model", str(path)], capsys)


PROCESS_CASES = {
    "predict-csv-1e19": (["predict", "--csv", "{f}"], CSVS["blue-1e19"]),
    "train-data-label-1e308": (["train", "--iterations", "1", "--data", "{f}"], CSVS["label-1e308"]),
    "train-data-field-over-csv-limit": (["train", "--data", "{f}"], CSVS["field-over-csv-limit"]),
    "model-n_iter-5000-digits": (["predict", "fff", "--model", "{f}"], COLOUR_MODELS["n_iter-5000-digits"]),
    "model-hidden-Infinity": (["predict", "fff", "--model", "{f}"], COLOUR_MODELS["hidden-Infinity"]),
    "model-learning_rate-300-digits": (["predict", "fff", "--model", "{f}"], COLOUR_MODELS["learning_rate-300-digits"]),
    "model-weights-1e308": (["predict", "fff", "--model", "{f}"], COLOUR_MODELS["weights-1e308"]),
}


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("argv,raw", PROCESS_CASES.values(), ids=PROCESS_CASES.keys())
def test_the_cli_as_a_process_exits_2_with_one_line(argv, raw, tmp_path):
    f = tmp_path / "file"
    f.write_bytes(raw)
    r = subprocess.run([sys.executable, "-m", "fontnet", *[a.format(f=f) for a in argv]], cwd=ROOT,
                       capture_output=True, text=True, timeout=240)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("fontnet: error: "), r.stderr[-500:]


# ---- the checked parsers themselves --------------------------------------------------------------------------
def test_the_checked_parsers_compare_before_they_convert():
    from fontnet import parsing

    assert parsing.check_int(3.0, 0, 5) == 3 and parsing.check_float(2, 0, 5) == 2.0
    for value, lo, hi in [(10**5000, 0, 5), (True, 0, 5), ("3", 0, 5), (float("inf"), 0, 5), (2.5, 0, 5), (None, 0, 5)]:
        with pytest.raises(SettingsError):
            parsing.check_int(value, lo, hi)
    with pytest.raises(SettingsError, match="beyond"):
        parsing.check_floats([[10**400]], 2, 1e8)
    with pytest.raises(SettingsError, match="different lengths"):
        parsing.check_floats([[1.0], [1.0, 2.0]], 2, 1e8)
    assert parsing.parse_int_table(["1", "2", "3", "4"], [0, 0], [9, 9]).tolist() == [[1, 2], [3, 4]]
    with pytest.raises(parsing.CellError) as e:
        parsing.parse_int_table(["1", "2", "1e19", "x"], [0, 0], [9, 9])
    assert (e.value.row, e.value.column, str(e.value)) == (1, 0, "outside 0–9")


# ---- the drawing pad: numbers the browser sends back ---------------------------------------------------------
@pytest.mark.timeout(60)
@pytest.mark.parametrize("value", [10**400, -(10**400), 1e308, float("inf"), float("nan"), True, "140", None, [1]],
                         ids=["400-digits", "-400-digits", "1e308", "inf", "nan", "true", "text", "null", "list"])
def test_the_pad_skips_numbers_it_cannot_hold_and_the_drawing_still_reduces(value):
    from app.draw_pad import strokes_from_fabric

    drawn = {"objects": [{"type": "Path", "left": value, "top": value, "scaleX": value, "scaleY": 1, "angle": value,
                          "path": [["M", 140, 40], ["L", value, value], ["L", 200, 160]]}]}
    strokes = digits.parse_strokes(strokes_from_fabric(drawn))
    assert all(np.isfinite(s).all() and np.abs(s).max() <= 1e12 for s in strokes)
    assert digits.reduce_drawing(strokes).sum() > 0
