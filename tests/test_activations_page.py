"""The Activations page run headless with Streamlit's AppTest: table, curves, softmax, gradient, URL settings."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import activations as act
from fontnet.figures.fit import drawings
from fontnet.settings import ACTIVATIONS
from tests.page_helpers import shown

PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "activations.py")


def run(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def lines(at: AppTest, key: str) -> dict | None:
    """What the page run sent the uPlot chart keyed `key`: series meta -> (x, y), None when it drew none."""
    el = next((e for e in at.get("bidi_component") if e.proto.id.endswith(key)), None)
    if el is None:
        return None
    (c,) = json.loads(el.proto.json)["charts"]
    x = np.array(c["x"], dtype=float)
    return {s["meta"]: (x, np.array(y, dtype=float)) for s, y in zip(c["spec"]["series"], c["ys"])}


def softmax(at: AppTest) -> dict | None:
    """The softmax bars as drawn: {names, p, argmax, svg} read from the SVG's data attributes."""
    markup = next((m.value for m in at.markdown if "fontnet-softmax" in m.value), None)
    if markup is None:
        return None
    read = []
    for svg in drawings(markup).values():   # drawn for a wide box and for a phone's: the same bars on both
        found = re.findall(r'<g class="bar" data-name="([^"]*)" data-p="([^"]*)"', svg)
        read.append({"names": [n for n, _ in found], "p": np.array([float(v) for _, v in found]),
                     "argmax": re.search(r'data-argmax="([^"]*)"', svg).group(1), "svg": svg})
    wide, narrow = read
    assert (wide["names"], wide["argmax"]) == (narrow["names"], narrow["argmax"])
    np.testing.assert_array_equal(wide["p"], narrow["p"])
    return wide


def charts(at: AppTest) -> dict:
    """Each chart the page drew, by what it shows: curves and gradient as {meta: (x, y)}, softmax's bars."""
    got = {"curves": lines(at, "activations_curves"), "softmax": softmax(at),
           "gradient": lines(at, "activations_gradient")}
    return {k: v for k, v in got.items() if v is not None}


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning).replace("\\", "")


def test_the_table_lists_all_six_functions_of_table_7_1():
    at = run()
    df = at.table[0].value
    assert list(df.columns) == ["Name", "Typical layer", "Description", "Notes"]
    assert list(df["Name"]) == [a.label for a in act.ACTIVATIONS.values()]
    assert list(df["Typical layer"]) == [a.typical_layer for a in act.ACTIVATIONS.values()]
    assert df.loc[df["Name"] == "ReLU", "Description"].item() == "Turns negative values to 0."
    assert not at.warning


def test_default_page_draws_curves_softmax_and_gradient():
    at = run()
    got = charts(at)
    assert set(got) == {"curves", "softmax", "gradient"}
    assert list(got["curves"]) == ["logistic", "d_logistic", "relu", "d_relu"]
    assert len(at.latex) == 4


def test_every_function_can_be_plotted_with_values_equal_to_fontnet():
    at = run(fn=",".join(act.ACTIVATIONS), xmin="-4", xmax="3")
    curves = charts(at)["curves"]
    assert set(curves) == set(act.ACTIVATIONS) | {f"d_{n}" for n in act.ACTIVATIONS}
    for name in act.ACTIVATIONS:
        x, y = curves[name]
        _, dy = curves[f"d_{name}"]
        assert x[0] == -4 and x[-1] == 3
        for i in (0, 57, len(x) // 2, 300, len(x) - 1):  # chosen points across the range
            f, df = act.curve(name, np.array([x[i]]))
            assert y[i] == pytest.approx(f[0]) and dy[i] == pytest.approx(df[0])
    assert "two-class case" in " ".join(c.value for c in at.caption)
    assert len(at.latex) == 12


def test_leaky_slope_changes_the_curve_and_the_formula():
    at = run(fn="leaky_relu", slope="0.2")
    (x, y), (_, dy) = charts(at)["curves"].values()
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(dy, np.where(x > 0, 1.0, 0.2))
    assert "0.2" in at.latex[0].value and "0.01" not in at.latex[0].value + at.latex[1].value
    at.number_input(key="activations.slope").set_value(0.01).run()
    assert "0.01" in at.latex[0].value


def test_widgets_change_the_curves():
    at = run()
    at.multiselect(key="activations.fn").set_value(["tanh"]).run()
    assert list(charts(at)["curves"]) == ["tanh", "d_tanh"]
    at.checkbox(key="activations.deriv").uncheck().run()
    assert list(charts(at)["curves"]) == ["tanh"]
    at.number_input(key="activations.xmin").set_value(-1.0).run()
    at.number_input(key="activations.xmax").set_value(2.0).run()
    x, y = charts(at)["curves"]["tanh"]
    assert (x[0], x[-1]) == (-1.0, 2.0)
    np.testing.assert_allclose(y, np.tanh(x))
    at.multiselect(key="activations.fn").set_value([]).run()
    assert "curves" not in charts(at) and "Pick one or more" in at.info[0].value
    assert not at.exception


def test_softmax_bars_sum_to_one_and_respond_to_temperature():
    at = run(logits="2.0, 1.0, 0.1")
    p1 = charts(at)["softmax"]["p"]
    assert p1.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p1, act.softmax(np.array([2.0, 1.0, 0.1])))
    at.slider(key="activations.temp").set_value(3.0).run()
    p3 = charts(at)["softmax"]["p"]
    assert p3.sum() == pytest.approx(1.0) and p3.max() < p1.max()
    np.testing.assert_allclose(p3, act.softmax_with_temperature(np.array([2.0, 1.0, 0.1]), 3.0))
    at.slider(key="activations.temp").set_value(0.2).run()
    assert charts(at)["softmax"]["p"].max() > p1.max()


def test_ten_logits_are_the_digits_and_the_argmax_is_marked():
    at = run()
    at.text_input(key="activations.logits").input("0, 1, 0, 0, 0, 0, 0, 5, 0, 0").run()
    bars = charts(at)["softmax"]
    assert bars["names"] == list("0123456789")
    assert bars["argmax"] == "7" and "argmax" in bars["svg"]
    np.testing.assert_allclose(bars["p"], act.softmax(np.array([0, 1, 0, 0, 0, 0, 0, 5, 0, 0.0])), rtol=1e-5)


def test_typed_bad_logits_show_an_error_and_the_chart_keeps_the_last_good_ones():
    at = run()
    at.text_input(key="activations.logits").input("4, 0, 0").run()
    at.text_input(key="activations.logits").input("1, two, <b>3</b>").run()
    assert not at.exception
    assert "is not a number" in at.error[0].value and "<b>" not in at.error[0].value
    assert "keeps the last logits that could be read: 4, 0, 0" in shown(at.error[0])
    np.testing.assert_allclose(charts(at)["softmax"]["p"], act.softmax(np.array([4.0, 0, 0])), rtol=1e-5)
    at.text_input(key="activations.logits").input("1/2/3").run()   # one part, not three numbers
    assert "'1/2/3' is not a number" in shown(at.error[0])
    at.text_input(key="activations.logits").input("[1; 2; 3]").run()   # written as Your turn takes a vector
    assert not at.error
    assert not at.error
    np.testing.assert_allclose(charts(at)["softmax"]["p"], act.softmax(np.array([1.0, 2, 3])), rtol=1e-5)


def test_gradient_chart_and_its_reading_follow_depth():
    at = run(depth="10", at="0")
    got = charts(at)["gradient"]
    np.testing.assert_allclose(got["logistic"][1], 0.25 ** np.arange(1, 11))
    assert "0.25^10" in " ".join(m.value for m in at.markdown)
    at.slider(key="activations.depth").set_value(20).run()
    at.slider(key="activations.at").set_value(1.0).run()
    got = charts(at)["gradient"]
    assert len(got["relu"][1]) == 20 and np.all(got["relu"][1] == 1.0)
    assert "passes it through unchanged" in " ".join(m.value for m in at.markdown)


def test_url_settings_set_the_widgets():
    at = run(fn="relu,logistic", deriv="1", xmin="-6", xmax="6", temp="0.5", depth="5", logits="1,2,3,4")
    assert at.multiselect(key="activations.fn").value == ["relu", "logistic"]
    assert at.checkbox(key="activations.deriv").value is True
    assert at.slider(key="activations.temp").value == 0.5 and at.slider(key="activations.depth").value == 5
    assert list(charts(at)["curves"]) == ["relu", "d_relu", "logistic", "d_logistic"]
    assert not at.warning


def test_repeated_fn_keys_work_too():
    at = run(fn=["tanh", "softmax"], deriv="false")
    assert list(charts(at)["curves"]) == ["tanh", "softmax"]


@pytest.mark.parametrize("params,key", [
    ({"xmin": "abc"}, "xmin"), ({"xmin": "5", "xmax": "-5"}, "xmin"), ({"fn": "bogus"}, "fn"),
    ({"logits": "x,y"}, "logits"), ({"deriv": "maybe"}, "deriv"), ({"temp": "-3"}, "temp"),
    ({"depth": "100"}, "depth"), ({"slope": "abc"}, "slope"),
])
def test_bad_url_values_fall_back_to_defaults_with_a_notice(params, key):
    at = run(**params)
    assert key in warnings(at)
    assert at.multiselect(key="activations.fn").value == ACTIVATIONS.defaults()["fn"]
    assert at.number_input(key="activations.xmin").value == ACTIVATIONS.defaults()["xmin"]
    assert at.number_input(key="activations.xmax").value == ACTIVATIONS.defaults()["xmax"]
    assert at.text_input(key="activations.logits").value == ACTIVATIONS.defaults()["logits"]
    assert at.slider(key="activations.temp").value == ACTIVATIONS.defaults()["temp"]
    assert at.slider(key="activations.depth").value == ACTIVATIONS.defaults()["depth"]
    assert set(charts(at)) == {"curves", "softmax", "gradient"}
    at.checkbox(key="activations.deriv").uncheck().run()  # the notice goes once the visitor interacts
    assert not at.warning and not at.exception


def test_notices_escape_what_the_url_said():
    at = run(fn="<img src=x onerror=alert(1)>", logits="[a](http://x)")
    text = " ".join(w.value for w in at.warning)
    assert len(at.warning) == 2 and "img src" in text and "http" in text
    assert not re.search(r"(?<!\\)[<>\[\]()]", text)  # every Markdown/HTML bracket is backslash-escaped
