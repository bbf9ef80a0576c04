"""Every entry point, driven with one corpus of bad input: a clear message, prior state kept, no traceback.

URL parameters of every page, uploaded data CSVs and model JSON, CLI arguments and text typed into the
preview. The README quotes the number of cases collected here.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fontnet import presets
from fontnet.cli import run_captured
from fontnet.model import default_model
from fontnet.settings import ACTIVATIONS

# A sweep of a few hundred cases: part of the full run (CI), not of the quick check.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "app_pages"

HUGE = "9" * 20_000
# Values that are wrong for any parameter: malformed, empty, huge, script tags, unicode, control codes.
BAD_VALUES = {
    "empty": "", "word": "zzz", "script": "<script>alert(1)</script>", "img": "<img src=x onerror=alert(1)>",
    "markdown-link": "[click](javascript:alert(1))", "unicode": "💥ünïcødé", "huge": HUGE, "nul": "a\x00b",
    "sql": "' OR 1=1 --", "nan": "nan", "inf": "1e309", "neg": "-1",
}
# An opening tag not escaped as &lt; (HTML) or \< (Markdown) would be markup, not text. A figure drawn for a wide
# and a narrow box carries the app's own rules for showing one of them, marked (fontnet/figures/fit.py).
RAW_HTML = re.compile(r"(?<!\\)<(script|img|b>|style(?! data-fontnet-fit>))", re.IGNORECASE)


def run(page: str, params: dict | None = None, **session) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in session.items():
        at.session_state[k] = v
    at.run()
    return at


def shown_text(at: AppTest) -> str:
    """Everything the page shows as Markdown/HTML (where unescaped input would do harm)."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for kind in (at.warning, at.error, at.info, at.success) for e in kind]
    return "\n".join(parts)


def assert_clean(at: AppTest) -> None:
    """No exception element, no traceback, and no raw HTML from the input anywhere on the page."""
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    assert "Traceback" not in text
    assert not RAW_HTML.search(text), f"unescaped markup on the page: {RAW_HTML.search(text).group(0)!r}"


# ---- URL parameters --------------------------------------------------------------------------------

PREDICT_URLS = {f"bg-{k}": v for k, v in BAD_VALUES.items()} | {
    "bg-5-hex": "12345", "bg-7-hex": "#ffc0cb0", "bg-rgb-triple": "255,0,0", "bg-repeated": ["ffc0cb", "zzz"],
}


@pytest.mark.parametrize("value", PREDICT_URLS.values(), ids=PREDICT_URLS.keys())
def test_predict_url(value):
    at = run("predict.py", {"bg": value})
    assert_clean(at)
    assert at.color_picker(key="predict.bg").value == presets.DEFAULT_BG
    assert any("not a hex colour" in w.value for w in at.warning)
    assert any('id="font-preview"' in m.value for m in at.markdown)


ACTIVATION_KEYS = ["fn", "deriv", "xmin", "xmax", "slope", "logits", "temp", "depth", "at"]
ACTIVATION_URLS = {f"{key}-{name}": (key, value) for key in ACTIVATION_KEYS
                   for name, value in BAD_VALUES.items()
                   if not (key in ("xmin", "xmax", "at") and name == "neg")}  # -1 is fine there
ACTIVATION_URLS |= {"fn-repeated-bad": ("fn", ["relu", "<b>x</b>"]), "xmin-above-xmax": ("xmin", "50")}


@pytest.mark.parametrize("key,value", ACTIVATION_URLS.values(), ids=ACTIVATION_URLS.keys())
def test_activations_url(key, value):
    params = {key: value} | ({"xmax": "10"} if key == "xmin" and value == "50" else {})
    at = run("activations.py", params)
    assert_clean(at)
    if key == "fn" and not isinstance(value, str):
        assert at.multiselect(key="activations.fn").value == ["relu"]
    elif value != "":  # an empty value is simply no value
        assert at.warning, f"no notice for {key}={value[:20]!r}"
    for k in ("xmin", "xmax"):
        assert at.number_input(key=f"activations.{k}").value == ACTIVATIONS.defaults()[k]
    if key == "logits":
        assert at.text_input(key="activations.logits").value == ACTIVATIONS.defaults()["logits"]


# ---- text typed into the preview ---------------------------------------------------------------

TYPED = {
    "img": "<img src=x onerror=alert(1)>", "script": "<script>alert('x')</script>",
    "closing-div": "</div><b>bold</b><div>", "style": "<style>*{display:none}</style>",
    "entity": "&lt;already escaped&gt;", "markdown": "**bold** [link](javascript:alert(1))",
    "unicode": "ünïcødé 💥 \u202eRTL", "longest": "x" * 200,
}


@pytest.mark.parametrize("text", TYPED.values(), ids=TYPED.keys())
def test_text_typed_into_the_preview(text):
    at = run("predict.py")
    at.text_input(key="text").input(text).run()
    assert_clean(at)
    [body] = [m.value for m in at.markdown if 'id="font-preview"' in m.value]
    assert html.escape(text) in body


# ---- CLI arguments -------------------------------------------------------------------------------

def _files(tmp_path: Path) -> Path:
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("red,green,blue\n")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "nan.csv").write_text("red,green,blue\n1,nan,3\n")
    (tmp_path / "range.csv").write_text("red,green,blue\n1,256,3\n")
    (tmp_path / "nested.json").write_text("[" * 50_000 + "]" * 50_000)
    (tmp_path / "nan.json").write_text(json.dumps(default_model().to_dict()).replace("[[", "[[NaN, ", 1))
    (tmp_path / "big.csv").write_text("red,green,blue\n" + "1,2,3\n" * 900_000)
    return tmp_path


CLI = {
    "colour-word": ["predict", "zzz"], "colour-empty": ["predict", ""], "colour-4-hex": ["predict", "#abcd"],
    "colour-negative": ["predict", "-1,0,0"], "colour-float": ["predict", "1.5,2,3"],
    "colour-script": ["predict", "<script>"], "colour-unicode": ["predict", "💥"],
    "csv-and-colour": ["predict", "fff", "--csv", "{d}/header.csv"], "csv-missing": ["predict", "--csv", "{d}/nope.csv"],
    "csv-empty": ["predict", "--csv", "{d}/empty.csv"], "csv-header-only": ["predict", "--csv", "{d}/header.csv"],
    "csv-binary": ["predict", "--csv", "{d}/binary.csv"], "csv-nan": ["predict", "--csv", "{d}/nan.csv"],
    "csv-range": ["predict", "--csv", "{d}/range.csv"], "csv-too-big": ["predict", "--csv", "{d}/big.csv"],
    "model-dir": ["predict", "fff", "--model", "{d}"], "model-nested": ["predict", "fff", "--model", "{d}/nested.json"],
    "model-nan": ["predict", "fff", "--model", "{d}/nan.json"], "model-csv": ["predict", "fff", "--model", "{d}/nan.csv"],
    "lr-negative": ["train", "--lr", "-0.1"], "lr-nan": ["train", "--lr", "nan"], "lr-inf": ["train", "--lr", "inf"],
    "iterations-word": ["train", "--iterations", "many"], "iterations-float": ["train", "--iterations", "1.5"],
    "hidden-zero": ["train", "--hidden", "0"], "hidden-empty": ["train", "--hidden", ""],
    "hidden-huge": ["train", "--hidden", "100000"], "mode-unknown": ["train", "--mode", "turbo"],
    "seed-word": ["train", "--seed", "x"], "data-empty": ["train", "--data", "{d}/empty.csv"],
    "data-single-class": ["train", "--data", "{d}/range.csv"], "save-to-dir": ["train", "--iterations", "1", "--save", "{d}"],
    "bench-seeds-zero": ["bench", "--seeds", "0"], "unknown-flag": ["predict", "fff", "--frobnicate"],
}


@pytest.mark.parametrize("argv", CLI.values(), ids=CLI.keys())
def test_cli_arguments(tmp_path, capsys, argv):
    d = _files(tmp_path)
    code, out = run_captured([a.format(d=d) for a in argv])
    err = capsys.readouterr().err.strip()
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("fontnet: error: ") and len(err) > 20
    assert "Traceback" not in err


# ---- the Train page: URL parameters, uploaded data CSVs and model JSON ----------------------------

from dataclasses import asdict, fields  # noqa: E402

from fontnet import data  # noqa: E402
from fontnet.training import MAX_MODEL_BYTES, TrainingSettings  # noqa: E402

TRAIN_DEFAULTS = asdict(TrainingSettings())
TRAIN_KEYS = [f.name for f in fields(TrainingSettings)]
TRAIN_URLS = {f"{key}-{name}": (key, value) for key in TRAIN_KEYS for name, value in BAD_VALUES.items()
              if name not in ("empty",)}
TRAIN_URLS |= {"lr-above-scale": ("lr", "50"), "iterations-zero": ("iterations", "0"),
               "hidden-17": ("hidden", "17"), "layers-4": ("layers", "4"), "test-one": ("test", "1"),
               "iterations-repeated": ("iterations", ["100", "abc"])}
WIDGET_VALUE = {"lr": "select_slider", "test": "select_slider", "layers": "slider", "hidden": "slider",
                "iterations": "number_input", "batch": "number_input", "seed": "number_input", "n": "number_input"}


def run_train(params: dict | None = None) -> AppTest:
    return run("train.py", params)


@pytest.mark.parametrize("key,value", TRAIN_URLS.values(), ids=TRAIN_URLS.keys())
def test_train_url(key, value):
    at = run_train({key: value})
    assert_clean(at)
    assert at.warning, f"no notice for {key}={str(value)[:20]!r}"
    kind = WIDGET_VALUE.get(key, "selectbox")
    widget_value = getattr(at, kind)(key=f"train.{key}").value
    assert widget_value == pytest.approx(TRAIN_DEFAULTS[key]), (key, widget_value)


def _csv(rows) -> bytes:
    return ("red,green,blue,label\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()


GOOD_CSV = _csv([(0, 0, 0, 0), (255, 255, 255, 1), (10, 20, 30, 0), (240, 230, 220, 1), (128, 128, 128, 1)])
BAD_CSVS = {
    "empty": b"", "header-only": b"red,green,blue,label\n", "wrong-columns": b"r,g,b,y\n1,2,3,0\n",
    "non-numeric": _csv([(0, 0, 0, 0), (1, "two", 3, 1)]), "out-of-range": _csv([(0, 0, 0, 0), (1, 2, 256, 1)]),
    "negative": _csv([(0, 0, 0, 0), (1, -2, 3, 1)]), "nan": _csv([(0, 0, 0, 0), (1, "nan", 3, 1)]),
    "fraction": _csv([(0, 0, 0, 0), (1, 2.5, 3, 1)]), "label-2": _csv([(0, 0, 0, 0), (1, 2, 3, 2)]),
    "single-class": _csv([(0, 0, 0, 1), (1, 2, 3, 1)]), "binary-garbage": bytes(range(256)) * 40,
    "latin-1": "red,green,blue,label\n1,2,3,0\n4,5,6,1\n\xe9".encode("latin-1"),
    "script-cell": _csv([(0, 0, 0, 0), (1, "<script>alert(1)</script>", 3, 1)]),
    "too-many-rows": _csv([(1, 2, 3, i % 2) for i in range(data.MAX_ROWS + 1)]),
    "over-5-MB": b"red,green,blue,label\n" + b"1,2,3,0\n" * (data.MAX_BYTES // 8 + 1),
}


@pytest.mark.parametrize("payload", BAD_CSVS.values(), ids=BAD_CSVS.keys())
def test_uploaded_data_csv(payload):
    at = run_train()
    at.file_uploader(key="data_file").upload("mine.csv", GOOD_CSV, "text/csv")
    at.run()
    kept = at.session_state["train_uploaded_data"]
    at.file_uploader(key="data_file").clear()
    at.run()
    at.file_uploader(key="data_file").upload("<img src=x onerror=alert(1)>.csv", payload, "text/csv")
    at.run()
    assert_clean(at)
    assert any("was not used" in e.value and "previous data is kept" in e.value for e in at.error)
    assert at.session_state["train_uploaded_data"] is kept


def _model(**change) -> bytes:
    d = default_model().to_dict()
    d.update(change)
    return json.dumps(d).encode()


BAD_MODELS = {
    "empty": b"", "truncated": _model()[:200], "not-json": b"not json at all", "binary": bytes(range(256)),
    "a-list": b"[1, 2, 3]", "wrong-format": json.dumps({"format": "pickle"}).encode(),
    "wrong-shapes": _model(weights=[[[1.0, 2.0]], [[1.0]]]),
    "nan-weight": _model().replace(b"[[", b"[[NaN, ", 1), "infinite-bias": _model(biases=[[1e999, 0, 0], [0]]),
    "unknown-activation": _model(activation="<img src=x onerror=alert(1)>"),
    "four-inputs": _model(weights=[[[1, 2, 3, 4]] * 3, [[1, 2, 3]]]),
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
    "over-1-MB": b" " * (MAX_MODEL_BYTES + 1),
}


@pytest.mark.parametrize("payload", BAD_MODELS.values(), ids=BAD_MODELS.keys())
def test_uploaded_model_json(payload):
    at = run_train({"iterations": "50"})
    next(b for b in at.button if b.label == "Step").click()
    at.run()
    current = at.session_state["train_run"]
    at.file_uploader(key="model_file").upload("<script>x</script>.json", payload, "application/json")
    at.run()
    assert_clean(at)
    assert any("was not loaded" in e.value and "current model is kept" in e.value for e in at.error)
    assert at.session_state["train_run"] is current
