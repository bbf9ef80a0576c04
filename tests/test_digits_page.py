"""The Digits page in Streamlit's AppTest: ready on arrival, test images, link settings, training, model files."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import digits
from fontnet.figures.fit import drawings
from fontnet.model import default_model as colour_model
from tests.page_helpers import play, poll

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/digits.py"
RUN = "digits_run"
FEED = "digits_live_chart"   # the live panel, whose feed the browser polls


def page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def click(at, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def html_with(at, element_id: str) -> list[str]:
    return [m.value for m in at.markdown if f'id="{element_id}"' in m.value]


def prediction(at) -> str | None:
    found = [re.search(r'id="digit-prediction"[^>]*>([^<]*)<', v).group(1) for v in html_with(at, "digit-prediction")]
    return found[0] if found else None


def preview_pixels(at) -> str:
    return re.search(r'data-pixels="([^"]*)"', html_with(at, "digit-preview")[0]).group(1)


def shown(element) -> str:
    return re.sub(r"\\(.)", r"\1", element.value)


def test_the_page_opens_ready_with_an_empty_pad_asking_for_a_digit():
    at = page()
    no_exception(at)
    assert at.title[0].value == "Digits"
    assert [re.sub("<[^>]+>", "", v) for v in html_with(at, "digit-prompt")] == ["draw a digit"]
    assert prediction(at) is None and preview_pixels(at) == ""
    assert {"Clear", "Random test image", "One it gets wrong", "Train", "Pause", "Resume", "Reset",
            "Use this model"} <= {b.label for b in at.button}
    assert at.text_input(key="digits.hidden").value == "32,16" and at.selectbox(key="digits.activation").value == "relu"
    assert at.select_slider(key="digits.lr").value == 0.005 and at.number_input(key="digits.iterations").value == 1500
    assert at.number_input(key="digits.seed").value == 0
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert float(accuracy.value.rstrip("%")) > 95  # the default model is trained and ready to read


def test_a_drawing_that_cannot_be_read_keeps_the_last_reading(monkeypatch):
    """The pad's strokes stand in for the browser's (the component is the browser's part; its reading of Fabric's
    paths is tested in test_digits.py). A drawing grown past the point limit gets a message, and the reading of
    the drawing before it stays; Clear empties both."""
    import app.draw_pad

    one = [[[150.0, 40.0 + 4 * i] for i in range(56)]]          # a vertical stroke: a 1
    drawn = {"strokes": one}
    monkeypatch.setattr(app.draw_pad, "draw_pad", lambda on_change=None: drawn["strokes"])
    at = page()
    no_exception(at)
    before = prediction(at), preview_pixels(at)
    assert before[0] is not None and before[1] and not at.warning
    drawn["strokes"] = one + [[[100.0, 100.0]] * digits.MAX_POINTS]   # past the limit
    at.run()
    no_exception(at)
    [warning] = [shown(w) for w in at.warning]
    assert warning == (f"That drawing could not be read: the drawing has more than {digits.MAX_POINTS:,} points. "
                       "The reading here is of your drawing before it. Clear the pad and draw again.")
    assert (prediction(at), preview_pixels(at)) == before
    assert any(c.value.startswith("Your last drawing that could be read") for c in at.caption)
    drawn["strokes"] = []
    click(at, "Clear")
    assert prediction(at) is None and preview_pixels(at) == "" and not at.warning
    drawn["strokes"] = [[[100.0, 100.0]] * (digits.MAX_POINTS + 1)]   # nothing read before it: nothing to keep
    at.run()
    [warning] = [shown(w) for w in at.warning]
    assert "before it" not in warning and prediction(at) is None


def test_a_random_test_image_is_read_and_shown_as_the_network_sees_it():
    at = click(page(), "Random test image")
    no_exception(at)
    index = at.session_state["digits_test_image"]
    _, X_test, _, y_test = digits.split(0)
    assert preview_pixels(at) == ",".join(str(int(v)) for v in (X_test[index] * 16).round())
    reading = digits.read(digits.default_model(), X_test[index].reshape(8, 8) * 16)
    assert prediction(at) == reading.label()
    assert any(f"labelled {y_test[index]}" in c.value for c in at.caption)
    click(at, "Clear")
    assert prediction(at) is None and preview_pixels(at) == "" and at.session_state["digits_test_image"] is None


def test_the_figures_are_markup_with_the_readings_numbers():
    at = page()
    assert not at.get("plotly_chart")  # drawn by the server: the browser loads no charting library for them
    tiles = [m.value for m in at.markdown if 'id="digits-tiles"' in m.value]
    assert len(tiles) == 1 and tiles[0].count('class="tile"') == digits.default_model().weights_[0].shape[0]
    at = click(at, "Random test image")
    _, X_test, _, _ = digits.split(0)
    reading = digits.read(digits.default_model(), X_test[at.session_state["digits_test_image"]].reshape(8, 8) * 16)
    [bars] = [m.value for m in at.markdown if 'class="digits-probabilities"' in m.value]
    assert [float(p) for p in re.findall(r'class="bar" data-digit="\d" data-p="([^"]+)"', bars)] == \
        pytest.approx(reading.proba.tolist())
    [network] = [m.value for m in at.markdown if 'class="digits-network"' in m.value]
    for drawn in drawings(network).values():   # Figure 7-8 for a wide box and for a narrow one
        outputs = re.findall(r'data-layer="3" data-index="\d" data-p="([^"]+)"', drawn)
        assert [float(p) for p in outputs] == pytest.approx(reading.proba.tolist())
    assert not at.get("plotly_chart")


def test_one_it_gets_wrong_shows_a_misread_test_image():
    at = click(page(), "One it gets wrong")
    no_exception(at)
    index = at.session_state["digits_test_image"]
    _, X_test, _, y_test = digits.split(0)
    assert int(prediction(at).split()[0]) != y_test[index]


def test_a_link_sets_the_controls():
    at = page(hidden="24", activation="tanh", lr="0.01", iterations="300", seed="3")
    no_exception(at)
    assert not at.warning
    assert at.text_input(key="digits.hidden").value == "24" and at.selectbox(key="digits.activation").value == "tanh"
    assert at.select_slider(key="digits.lr").value == 0.01 and at.number_input(key="digits.iterations").value == 300
    assert at.number_input(key="digits.seed").value == 3


def test_bad_link_values_get_a_notice_and_the_default():
    at = page(hidden="3,99", activation="softmax", seed="abc", iterations="1e309", lr="0.004")
    no_exception(at)
    notices = [shown(w) for w in at.warning]
    for key, word in [("hidden", "4 to 64"), ("activation", "one of"), ("seed", "number"), ("iterations", "whole"),
                      ("lr", "nearest value, 0.005")]:
        assert any(n.startswith(f"From the link: {key}=") and word in n for n in notices), (key, notices)
    assert at.text_input(key="digits.hidden").value == "32,16" and at.selectbox(key="digits.activation").value == "relu"
    assert at.number_input(key="digits.seed").value == 0 and at.number_input(key="digits.iterations").value == 1500
    assert at.select_slider(key="digits.lr").value == 0.005
    link = repr(dict(at.query_params))
    assert not any(raw in link for raw in ("3,99", "softmax", "abc", "1e309", "0.004")), link  # the link follows
    at.run()
    assert not at.warning  # shown once


def test_typed_layer_widths_that_cannot_be_used_keep_the_model_and_disable_train():
    at = page()
    at.text_input(key="digits.hidden").set_value("32,banana").run()
    no_exception(at)
    assert any("hidden" in shown(e) and "keeps the current model" in shown(e) for e in at.error)
    assert next(b for b in at.button if b.label == "Train").disabled


def test_a_run_that_diverges_says_so_and_how_to_start_again(monkeypatch):
    """Adam at these learning rates does not blow up on the digits, so the first chunk is made to, as a run with a
    too-large learning rate would (Network.partial_fit raises DivergenceError and keeps the last good weights)."""
    from fontnet.network import DivergenceError, Network

    def blow_up(self, X, y, steps):
        raise DivergenceError(self.n_iter_ + 1, 0.1)

    at = page(iterations="400", hidden="16")   # the default model first, trained as usual
    monkeypatch.setattr(Network, "partial_fit", blow_up)
    at = click(at, "Train")
    assert play(at, FEED, RUN)["status"] == "diverged"
    no_exception(at)
    [stopped] = [shown(e) for e in at.error]
    assert stopped == ("training diverged at iteration 1: the loss or a weight stopped being finite (learning rate 0.1). "
                       "A smaller learning rate avoids it. Reset starts again from the settings.")


@pytest.mark.slow
def test_train_pause_resume_reset_and_the_pad_uses_the_run():
    at = page(iterations="400", hidden="16")
    at = click(at, "Train")
    no_exception(at)
    run = at.session_state[RUN]
    assert run.status == "running" and run.iteration == 0  # the page run trains nothing: the feed does
    answer = poll(at, FEED, RUN)
    first = run.iteration
    assert 400 / digits.LIVE_UPDATES <= first < 400 and answer["progress"]["text"].startswith("running: iteration")
    poll(at, FEED, RUN)
    assert run.iteration > first and len(run.history) == 3
    click(at, "Pause")
    paused_at = run.iteration
    at.run()
    assert run.status == "paused" and run.iteration == paused_at
    assert any(re.sub(r"\\(.)", r"\1", p.proto.text).startswith("paused: iteration") for p in at.get("progress"))
    click(at, "Resume")
    poll(at, FEED, RUN)
    assert run.status == "running" and run.iteration > paused_at
    play(at, FEED, RUN)
    assert run.status == "done" and run.iteration == 400
    at = click(at, "Random test image")
    index = at.session_state["digits_test_image"]
    assert prediction(at) == digits.read(run.net, digits.split(0)[1][index].reshape(8, 8) * 16).label()
    assert any("this run" in c.value for c in at.caption)
    click(at, "Reset")
    assert at.session_state[RUN].status == "ready" and at.session_state[RUN].iteration == 0
    no_exception(at)


@pytest.mark.slow
def test_use_this_model_keeps_it_after_a_reset():
    at = page(iterations="40", hidden="8")
    click(at, "Train")
    play(at, FEED, RUN)
    trained = at.session_state[RUN].net
    click(at, "Use this model")
    click(at, "Reset")
    kept, name = at.session_state["digits_own_model"]
    assert kept is not trained and np.array_equal(kept.weights_[0], trained.weights_[0]) and "your run" in name
    assert any("your run" in c.value for c in at.caption)
    click(at, "Back to the default model")
    assert "digits_own_model" not in at.session_state and any("the default model" in c.value for c in at.caption)


def test_uploading_a_model_uses_it_and_a_bad_one_keeps_the_current():
    at = page()
    good = digits.DigitsSettings(hidden=(8,), iterations=30).network().fit(*digits.split(0)[::2])
    at.file_uploader(key="digits_model_file").upload("mine.json", json.dumps(good.to_dict()).encode(), "application/json")
    at.run()
    no_exception(at)
    model, name = at.session_state["digits_own_model"]
    assert "mine.json" in name and model.hidden_layer_sizes == (8,)
    d = good.to_dict()
    d["weights"][0][0][0] = float("nan")
    for bad, why in [(json.dumps(colour_model(cache=False).to_dict()).encode(), "colour model"),
                     (json.dumps(d).encode(), "NaN"), (b"{", "JSON"), (b" " * 1_000_001, "1 MB")]:
        at.file_uploader(key="digits_model_file").clear()
        at.run()
        at.file_uploader(key="digits_model_file").upload("bad.json", bad, "application/json")
        at.run()
        no_exception(at)
        assert any("was not loaded" in shown(e) and why in shown(e) for e in at.error), why
        assert at.session_state["digits_own_model"][0] is model


@pytest.mark.slow
def test_the_library_sits_beside_fontnet():
    at = page(iterations="300", hidden="16")
    click(at, "Fit scikit-learn's MLPClassifier")
    no_exception(at)
    rows = at.dataframe[0].value
    assert list(rows["model"]) == ["fontnet", "scikit-learn MLPClassifier"]
    assert all(float(a.rstrip("%")) > 80 for a in rows["test accuracy"])


def test_leaky_relu_has_no_library_twin():
    at = page(activation="leaky_relu")
    assert any("no leaky ReLU" in i.value for i in at.info)
    assert "Fit scikit-learn's MLPClassifier" not in {b.label for b in at.button}
