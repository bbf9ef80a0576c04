"""The Train page in Streamlit's AppTest: buttons, live chunks, divergence, uploads, links and 'Use this model'."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import data, training
from fontnet.network import Network
from fontnet.training import TrainingRun, TrainingSettings
from tests.page_helpers import click, feed, no_exception, shown
from tests.page_helpers import poll as page_poll

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/train.py"
RUN = "train_run"


def page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def run_of(at):
    return at.session_state[RUN]


def poll(at) -> dict:
    return page_poll(at, "train_live", RUN)


def test_defaults_reproduce_the_chapter_and_every_button_is_there():
    at = page()
    no_exception(at)
    assert at.title[0].value == "Train"
    assert at.select_slider(key="train.lr").value == 0.05 and at.number_input(key="train.iterations").value == 100_000
    assert at.slider(key="train.layers").value == 1 and at.slider(key="train.hidden").value == 3
    assert at.selectbox(key="train.activation").value == "relu" and at.selectbox(key="train.loss").value == "squared"
    assert at.selectbox(key="train.mode").value == "chapter" and at.selectbox(key="train.init").value == "uniform"
    assert at.number_input(key="train.seed").value == 0 and at.select_slider(key="train.test").value == pytest.approx(1 / 3)
    assert at.selectbox(key="train.data").value == "chapter"
    assert any(c.value.startswith("the chapter's data") for c in at.caption)
    assert run_of(at).dataset.name == "the chapter's data (1,345 rows)"
    assert {"Train", "Pause", "Resume", "Step", "Reset"} <= {b.label for b in at.button}
    assert run_of(at).status == "ready" and run_of(at).iteration == 0


def test_train_pause_resume_step_reset():
    at = page()
    click(at, "Train")
    no_exception(at)
    run = run_of(at)
    assert run.status == "running" and run.iteration == 0  # the page run trains nothing: the feed does
    assert not at.get("progress")  # while it plays, the live panel draws the progress bar
    answer = poll(at)
    first = run.iteration
    assert first > 0 and answer["status"] == "running"
    assert answer["progress"]["text"].startswith(f"running: iteration {first:,} of 100,000")
    poll(at)
    assert run_of(at).iteration > first
    click(at, "Pause")
    paused_at = run_of(at).iteration
    assert run_of(at).status == "paused"
    assert any("paused: iteration" in p.proto.text.replace("\\", "") for p in at.get("progress"))
    assert feed(at, "train_live").poll(str(run.run_id), 0) is None  # nothing is served while paused
    at.run()
    assert run_of(at).iteration == paused_at  # nothing moves while paused
    click(at, "Step")
    assert run_of(at).iteration == paused_at + 1 and run_of(at).status == "paused"
    click(at, "Resume")
    assert run_of(at).status == "running"
    poll(at)
    assert run_of(at).iteration > paused_at + 1
    click(at, "Reset")
    assert run_of(at).status == "ready" and run_of(at).iteration == 0
    no_exception(at)


@pytest.mark.slow
def test_a_short_run_finishes_with_a_success_message():
    at = page(iterations="300")
    click(at, "Train")
    for _ in range(2 * training.TARGET_UPDATES):
        answer = poll(at)
        if answer["status"] != "running":
            break
    assert answer["status"] == "done" and answer["progress"]["text"].startswith("done: iteration 300 of 300")
    at.run()  # the panel reruns the page when the feed says the run stopped
    assert run_of(at).status == "done" and run_of(at).iteration == 300
    done = next(s.value for s in at.success if s.value.startswith("Done in"))
    assert "s of computing" in done and "test accuracy" in done
    # the bar above the message gives the finished run's agreement on 100,000 colours, as the message does
    agreement = re.search(r"agreement with the formula ([\d.]+%) on 100,000", done).group(1)
    assert at.get("progress")[0].proto.text.replace("\\", "").endswith(f"agreement with the formula {agreement}")
    no_exception(at)


def test_computing_times_read_as_a_person_would():
    from fontnet.parsing import duration_text

    assert [duration_text(s) for s in (12.345, 0.27, 0.1, 0.0994, 0.004, 0.0012, 0.0004, 0.0)] == [
        "12.35 s", "0.27 s", "0.10 s", "99 ms", "4 ms", "1 ms", "under 1 ms", "under 1 ms"]


def test_divergence_stops_with_a_message_and_reset_recovers():
    at = page(activation="linear", loss="cross_entropy", lr="2", iterations="20000")
    click(at, "Train")
    for _ in range(2 * training.TARGET_UPDATES):
        if poll(at)["status"] != "running":
            break
    at.run()
    assert run_of(at).status == "diverged"
    [stopped] = [shown(e) for e in at.error if "Training stopped" in e.value]
    assert "A smaller learning rate avoids it." in stopped and stopped.endswith("Reset starts again from the settings.")
    no_exception(at)
    at.select_slider(key="train.lr").set_value(0.001)
    at.run()
    click(at, "Reset")
    assert run_of(at).status == "ready" and run_of(at).settings.lr == 0.001
    click(at, "Train")
    assert run_of(at).status == "running"
    no_exception(at)


def test_link_sets_the_controls():
    at = page(mode="minibatch", batch="16", lr="0.2", iterations="5000", layers="2", hidden="5",
              activation="tanh", loss="cross_entropy", init="xavier", seed="9", test="0.25", data="random", n="400")
    no_exception(at)
    assert at.select_slider(key="train.lr").value == 0.2 and at.number_input(key="train.iterations").value == 5000
    assert at.slider(key="train.layers").value == 2 and at.slider(key="train.hidden").value == 5
    assert at.selectbox(key="train.activation").value == "tanh" and at.selectbox(key="train.loss").value == "cross_entropy"
    assert at.selectbox(key="train.mode").value == "minibatch" and at.number_input(key="train.batch").value == 16
    assert at.selectbox(key="train.init").value == "xavier" and at.number_input(key="train.seed").value == 9
    assert at.select_slider(key="train.test").value == 0.25 and at.selectbox(key="train.data").value == "random"
    s = run_of(at).settings
    assert (s.hidden_layer_sizes, s.batch_size, len(run_of(at).dataset)) == ((5, 5), 16, 400)
    assert not at.warning


def test_a_link_chooses_the_generated_colours():
    at = page(data="generated", seed="2")
    no_exception(at)
    assert at.selectbox(key="train.data").value == "generated" and not at.warning
    assert any(c.value.startswith("generated colours") for c in at.caption)
    assert np.array_equal(run_of(at).dataset.rgb, data.generated_dataset(seed=2).rgb)


def test_malformed_link_values_fall_back_with_a_visible_notice():
    at = page(lr="fast", hidden="99", activation="<img src=x onerror=alert(1)>", seed="4")
    no_exception(at)
    assert at.select_slider(key="train.lr").value == 0.05 and at.slider(key="train.hidden").value == 3
    assert at.selectbox(key="train.activation").value == "relu" and at.number_input(key="train.seed").value == 4
    notices = [w.value for w in at.warning if w.value.startswith("From the link")]
    assert len(notices) == 3
    shown = " ".join(notices)
    assert "lr=" in shown and "hidden=" in shown and "\\<img" in shown  # escaped, shown as text
    at.run()
    assert not [w for w in at.warning if w.value.startswith("From the link")]  # shown once


def test_an_off_scale_learning_rate_snaps_to_the_nearest():
    at = page(lr="0.07")
    assert at.select_slider(key="train.lr").value == 0.05
    assert any("nearest" in w.value for w in at.warning)


def csv_bytes(rows, header="red,green,blue,label") -> bytes:
    return (header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n").encode()


GOOD = csv_bytes([(0, 0, 0, 0), (255, 255, 255, 1), (10, 20, 30, 0), (240, 230, 220, 1), (128, 128, 128, 1),
                  (30, 30, 30, 0), (200, 200, 0, 1), (0, 0, 200, 0), (250, 250, 250, 1), (5, 5, 5, 0)])


def test_uploading_a_good_csv_uses_it_and_a_bad_one_keeps_it():
    at = page()
    at.file_uploader(key="data_file").upload("mine.csv", GOOD, "text/csv")
    at.run()
    no_exception(at)
    assert any("Loaded mine.csv (10 rows)" in shown(s) for s in at.success)
    assert at.selectbox(key="train.data").value == "upload"
    assert len(at.session_state["train_uploaded_data"]) == 10
    click(at, "Train")
    assert len(run_of(at).dataset) == 10
    for bad, why in [(b"", "empty"), (b"a,b\n1,2\n", "missing columns"),
                     (csv_bytes([(0, 0, 0, 0), (1, 2, 999, 1)]), "outside 0–255"),
                     (csv_bytes([(0, 0, 0, 0), (1, 2, 3, 7)]), "not 0 or 1"),
                     (csv_bytes([(0, 0, 0, 1), (1, 2, 3, 1)]), "both classes"),
                     (csv_bytes([(0, 0, "x", 1), (1, 2, 3, 0)]), "not a number")]:
        uploader = at.file_uploader(key="data_file")
        uploader.clear()
        at.run()
        at.file_uploader(key="data_file").upload("bad.csv", bad, "text/csv")
        at.run()
        no_exception(at)
        errors = [shown(e) for e in at.error]
        assert any("was not used" in e and why in e and "previous data is kept" in e for e in errors), (why, errors)
        assert len(at.session_state["train_uploaded_data"]) == 10


def model_json(**change) -> bytes:
    run = TrainingRun(TrainingSettings(iterations=400))
    run.start()
    run.advance()
    d = run.net.to_dict()
    d.update(change)
    return json.dumps(d).encode()


def test_uploading_a_model_loads_it_and_a_bad_one_keeps_the_current():
    at = page()
    assert not any("brings its weights only" in c.value for c in at.caption)
    at.file_uploader(key="model_file").upload("m.json", model_json(), "application/json")
    at.run()
    no_exception(at)
    run = run_of(at)
    assert run.loaded and run.status == "done" and "m.json" in run.name
    assert any("A model from a file brings its weights only" in c.value for c in at.caption)
    long = "a_model_with_a_very_long_name_kept_from_last_term_v2_final.json"
    at.file_uploader(key="model_file").clear()
    at.run()
    at.file_uploader(key="model_file").upload(long, model_json(), "application/json")
    at.run()
    assert any(f"Loaded the model {long[:37]}...: a 3-3-1" in shown(s) for s in at.success)
    assert run_of(at).name == f"uploaded {long[:37]}..."
    run = run_of(at)
    for bad, why in [(model_json(activation="swish"), "unknown activation"), (b"{", "JSON"),
                     (model_json(weights=[[[1.0]]]), "layer"), (b" " * 1_000_001, "MB")]:
        at.file_uploader(key="model_file").clear()
        at.run()
        at.file_uploader(key="model_file").upload("bad.json", bad, "application/json")
        at.run()
        no_exception(at)
        assert any("was not loaded" in shown(e) and why in shown(e) for e in at.error), why
        assert run_of(at) is run


def test_a_loaded_model_stuck_on_one_answer_is_told_what_can_change_it():
    """No setting on the page retrains a model from a file, so the stuck warning's remedy is Reset alone."""
    d = json.loads(model_json())
    d["weights"][-1] = [[0.0] * len(row) for row in d["weights"][-1]]
    d["biases"][-1] = [-5.0]   # P(dark) tiny for every colour
    at = page()
    at.file_uploader(key="model_file").upload("light.json", json.dumps(d).encode(), "application/json")
    at.run()
    no_exception(at)
    [stuck] = [shown(w) for w in at.warning if "stuck predicting one class" in shown(w)]
    assert stuck.endswith("this model came from a file: Reset trains a fresh one from the settings on the left.")
    assert "He/Xavier" not in stuck and "learning rate that is too large" in stuck
    click(at, "Reset")   # a fresh run from the settings: nothing stuck, nothing said
    assert not run_of(at).loaded and not any("stuck" in shown(w) for w in at.warning)


def test_library_comparison_sits_beside_fontnet():
    at = page(iterations="300")
    click(at, "Step")
    click(at, "Fit scikit-learn's MLPClassifier")
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["model"]) == ["fontnet", "scikit-learn MLPClassifier"]
    at2 = page(activation="leaky_relu")
    assert any("no leaky ReLU" in i.value for i in at2.info)


def test_the_library_beside_a_loaded_model_names_it_and_gives_it_no_time():
    at = page(iterations="300")
    at.file_uploader(key="model_file").upload("m.json", model_json(), "application/json")
    at.run()
    click(at, "Fit scikit-learn's MLPClassifier")
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["model"]) == ["fontnet (uploaded m.json)", "scikit-learn MLPClassifier"]
    assert table["time"][0] == "–" and re.fullmatch(r"\d+(\.\d\d s| ms)|under 1 ms", table["time"][1])
    assert any("trained elsewhere, so it has no time here" in c.value for c in at.caption)
    # the bar above says the same agreement as the table (both on 100,000 colours)
    bar = at.get("progress")[0].proto.text.replace("\\", "")
    assert f"agreement with the formula {table['agreement with the formula'][0]} on 100,000" in bar


def test_use_this_model_reaches_the_predict_page():
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.switch_page(PAGE).run()
    no_exception(at)
    at.query_params["iterations"] = "200"
    click(at, "Step")
    run = at.session_state[RUN]
    assert run.trained
    click(at, "Use this model")
    no_exception(at)
    model = at.session_state["fontnet_session_model"]
    assert isinstance(model, Network) and model is not run.net
    assert all(np.array_equal(a, b) for a, b in zip(model.weights_, run.net.weights_))
    assert at.title[0].value == "Predict"  # switch_page happened


def test_a_link_asking_for_days_of_computing_keeps_its_values_and_says_why_once():
    heavy = dict(mode="full", data="random", n="100000", hidden="16", layers="3", test="0.1", iterations="1000000")
    at = page(**heavy)
    no_exception(at)
    refusals = [shown(e) for e in at.error if "Cannot start a run" in shown(e)]
    assert len(refusals) == 1 and "would compute for about" in refusals[0]   # at once, on the page's first run
    assert at.number_input(key="train.iterations").value == 1_000_000 and at.selectbox(key="train.mode").value == "full"
    click(at, "Train")
    assert len([e for e in at.error if "Cannot start a run" in shown(e)]) == 1   # the press and the page: once
    assert RUN not in at.session_state
