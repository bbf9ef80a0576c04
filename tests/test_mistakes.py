"""The digits it gets wrong: a confusion cell's images (fontnet/mistakes.py), their attribution, their cards, and
the Digits page's grid of cells in AppTest."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import digits, mistakes
from fontnet.figures.mistakes import attribution_rgb, case_html, digit_rgb
from fontnet.figures.raster import png
from fontnet.network import Network
from tests.page_helpers import no_exception

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model() -> Network:
    return digits.default_model()


@pytest.fixture(scope="module")
def test_set():
    _, X_test, _, y_test = digits.split(0)
    return X_test, y_test


def test_every_cell_lists_exactly_the_images_with_that_true_and_predicted_digit(model, test_set):
    X_test, y_test = test_set
    pred = model.predict(X_test)
    confusion = digits.evaluate(model, X_test, y_test).confusion
    for t in range(10):
        for p in range(10):
            cases = mistakes.cell(model, X_test, y_test, t, p)
            assert [c.index for c in cases] == np.flatnonzero((y_test == t) & (pred == p)).tolist()
            assert len(cases) == confusion[t, p]
    case = next(c for t in range(10) for p in range(10) if t != p for c in mistakes.cell(model, X_test, y_test, t, p))
    proba = model.predict_proba(X_test)[case.index]   # as the page scores the whole test set
    assert case.p_predicted == proba[case.predicted] == proba.max()
    assert case.second == int(np.argsort(-proba)[1]) and case.p_second == proba[case.second]
    assert np.array_equal(case.image, X_test[case.index].reshape(8, 8) * 16)


def _relu_net(bias: bool) -> Network:
    rng = np.random.default_rng(3)
    net = Network((12, 8), "relu", mode="fast")
    net.weights_ = [rng.normal(0, 0.5, (12, 64)), rng.normal(0, 0.5, (8, 12)), rng.normal(0, 0.5, (10, 8))]
    net.biases_ = [rng.normal(0, 0.5 * bias, (n, 1)) for n in (12, 8, 10)]
    net.classes_ = np.arange(10)
    return net


def test_input_x_gradient_sums_to_the_logit_minus_the_blank_images_for_relu(model, test_set):
    """Without biases a ReLU network's logit is x . gradient exactly, and a blank image scores 0. With biases the
    sum is the logit minus the blank image's score on the same linear piece (the same nodes on)."""
    X_test, _ = test_set
    blank = np.zeros(64)
    plain = _relu_net(bias=False)
    classes = plain.predict_proba(X_test[:50]).argmax(1)
    logits, _ = mistakes.logit_gradient(plain, X_test[:50], classes)
    blank_logits, _ = mistakes.logit_gradient(plain, np.zeros((50, 64)), classes)
    sums = mistakes.attributions(plain, X_test[:50], classes).sum(axis=1)
    assert np.allclose(sums, logits - blank_logits, rtol=1e-12, atol=1e-12) and not np.any(blank_logits)
    for net in (_relu_net(bias=True), model):
        classes = net.predict_proba(X_test[:50]).argmax(1)
        logits, _ = mistakes.logit_gradient(net, X_test[:50], classes)
        sums = mistakes.attributions(net, X_test[:50], classes).sum(axis=1)
        gated = [mistakes.gated_logit(net, x, c, blank) for x, c in zip(X_test[:50], classes)]
        assert np.allclose(sums, logits - gated, rtol=1e-10, atol=1e-10)


def test_the_gradient_is_the_slope_of_the_logit(model, test_set):
    X_test, _ = test_set
    x, c, h = X_test[7], 4, 1e-6
    _, grad = mistakes.logit_gradient(model, x[None], np.array([c]))
    for k in (10, 27, 44):
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        numeric = (mistakes.logit_gradient(model, up[None], [c])[0][0] - mistakes.logit_gradient(model, down[None], [c])[0][0]) / (2 * h)
        assert grad[0, k] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_the_cards_draw_the_image_and_the_attribution_in_orange_and_blue(model, test_set):
    import zlib

    X_test, y_test = test_set
    [case, *_] = mistakes.cell(model, X_test, y_test, 9, 3) or mistakes.cell(model, X_test, y_test, 1, 1)
    html = case_html(case)
    assert f'data-index="{case.index}"' in html and f"true <strong>{case.true}</strong>" in html
    assert f"predicted <strong>{case.predicted}</strong> ({case.p_predicted:.1%}), then {case.second}" in html
    assert html.count('src="data:image/png;base64,') == 2 and f'alt="test image {case.index}"' in html
    ink = np.full((8, 8), 16)
    assert np.all(digit_rgb(ink) == 0) and np.all(digit_rgb(np.zeros((8, 8))) == 255)
    a = np.zeros((8, 8))
    a[0, 0], a[0, 1] = 2.0, -2.0
    rgb = attribution_rgb(a)
    from fontnet.figures.network import NEGATIVE, POSITIVE  # the weight images' orange and blue
    assert rgb[0, 0].tolist() == [int(POSITIVE[i:i + 2], 16) for i in (1, 3, 5)]
    assert rgb[0, 1].tolist() == [int(NEGATIVE[i:i + 2], 16) for i in (1, 3, 5)]
    assert np.all(rgb[1:] == 255)
    # the PNG holds exactly those pixels: unfiltered rows after its header
    data = png(rgb)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    start = data.index(b"IDAT") + 4
    rows = zlib.decompress(data[start:start + int.from_bytes(data[start - 8:start - 4], "big")])
    assert rows == b"".join(b"\x00" + rgb[y].tobytes() for y in range(8))


def listed(at) -> list[int]:
    """The test images the opened cell shows, in order."""
    [block] = [m.value for m in at.markdown if 'id="digits-cell"' in m.value]
    return [int(i) for i in re.findall(r'class="digit-case" data-index="(\d+)"', block)]


def test_a_confusion_cell_lists_exactly_the_test_images_with_that_true_and_predicted_digit(model, test_set):
    """The grid is a component AppTest cannot press (the browser test does): a press sets the opened cell, as
    here; the grid's report is read strictly."""
    from app.confusion import _cell

    X_test, y_test = test_set
    at = AppTest.from_file(str(ROOT / "app_pages" / "digits.py"), default_timeout=120).run()
    no_exception(at)
    assert not [m for m in at.markdown if 'id="digits-cell"' in m.value]
    pred = model.predict(X_test)
    confusion = digits.evaluate(model, X_test, y_test).confusion
    t, p = max(((t, p) for t in range(10) for p in range(10) if t != p), key=lambda tp: confusion[tp])
    at.session_state["digits_cell"] = (t, p)
    at.run()
    shown = listed(at)
    assert shown == np.flatnonzero((y_test == t) & (pred == p)).tolist() and len(shown) == confusion[t, p]
    [block] = [m.value for m in at.markdown if 'id="digits-cell"' in m.value]
    assert block.count(f'data-true="{t}" data-predicted="{p}"') == len(shown)
    # the diagonal too: every image it reads right
    at.session_state["digits_cell"] = (5, 5)
    at.run()
    shown = listed(at)
    assert shown == np.flatnonzero((y_test == 5) & (pred == 5)).tolist()
    # Load into the pad: the pad shows the chosen test image
    at.selectbox(key="digits_cell_pick_5_5").set_value(shown[3]).run()
    at.button(key="digits_load").click().run()
    assert at.session_state["digits_test_image"] == shown[3]
    assert any(c.value == f"Test image {shown[3]}, labelled 5." for c in at.caption)
    no_exception(at)
    assert _cell("3,8") == (3, 8) and _cell(" 0, 9") == (0, 9)
    assert all(_cell(bad) is None for bad in ("3,10", "3", "a,b", "-1,2", "3,8,1", None, "<b>,1"))
