"""The exported scripts (fontnet/export.py) run in a subprocess and give the page's numbers: bit for bit where the
run trains one row per update, to rounding for batches; and the Train and Teach pages offer them."""

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from fontnet import data, export, teach
from fontnet.training import TrainingRun, TrainingSettings
from tests.page_helpers import click, no_exception, play

ROOT = Path(__file__).resolve().parents[1]


def run_script(source: str, tmp_path: Path) -> tuple[dict, str]:
    """Run a script with this Python in a fresh process, from an empty folder; (its last line as JSON, its output)."""
    path = tmp_path / "script.py"
    path.write_text(source, encoding="utf-8")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stdout


def finished(settings: TrainingSettings, dataset: data.Dataset | None = None, start=None) -> TrainingRun:
    run = TrainingRun(settings, dataset, start=start)
    run.start()
    while run.status == "running":
        run.advance()
    return run


def weights_of(result: dict, run: TrainingRun) -> list[tuple[np.ndarray, np.ndarray]]:
    """(the script's, the run's) for every weight and bias array."""
    pairs = []
    for l, (W, B) in enumerate(zip(run.net.weights_, run.net.biases_), start=1):
        pairs += [(np.array(result["weights"][f"W{l}"]), W), (np.array(result["weights"][f"B{l}"]), B[:, 0])]
    return pairs


@pytest.mark.parametrize("settings", [
    TrainingSettings(),                                                      # the chapter's run, the plain loop
    TrainingSettings(iterations=8000, seed=3, data="generated"),
    TrainingSettings(iterations=8000, seed=4, data="random", n=600, test=0.25),
    TrainingSettings(iterations=8000, seed=2, activation="tanh", loss="cross_entropy", layers=2, hidden=4,
                     init="xavier"),                                         # the compiled loop, one row per update
], ids=["chapter", "generated", "random", "tanh-two-layers"])
def test_a_per_sample_run_is_reproduced_bit_for_bit(settings, tmp_path):
    run = finished(settings)
    result, printed = run_script(export.train_script(run), tmp_path)
    assert result["test_accuracy"] == run.net.score(run.X_test, run.y_test)
    for mine, theirs in weights_of(result, run):
        assert np.array_equal(mine, theirs)
    assert f"test accuracy {result['test_accuracy']:.4f}" in printed


def test_the_script_of_a_one_update_run_says_so_in_the_singular(tmp_path):
    run = finished(TrainingSettings(iterations=1, seed=5))
    result, printed = run_script(export.train_script(run), tmp_path)
    assert f"test accuracy {result['test_accuracy']:.4f} (449 held-out colours), after 1 update\n" in printed


@pytest.mark.parametrize("settings", [
    TrainingSettings(iterations=3000, seed=1, mode="minibatch", batch=16),
    TrainingSettings(iterations=2000, seed=1, mode="full", lr=0.5, loss="cross_entropy"),
], ids=["minibatch", "full"])
def test_a_batch_run_is_reproduced_to_rounding(settings, tmp_path):
    run = finished(settings)
    result, _ = run_script(export.train_script(run), tmp_path)
    assert result["test_accuracy"] == run.net.score(run.X_test, run.y_test)
    for mine, theirs in weights_of(result, run):
        assert np.allclose(mine, theirs, rtol=0, atol=1e-9)


def test_a_paused_run_a_same_start_and_uploaded_data_are_written_in(tmp_path):
    rgb = np.random.default_rng(5).integers(0, 256, (300, 3))
    uploaded = data.Dataset(rgb, (rgb.sum(1) > 380).astype(int), "uploaded data (300 rows)")
    first = finished(TrainingSettings(iterations=500, seed=1)).history[0].weights
    run = TrainingRun(TrainingSettings(iterations=6000, seed=9, data="upload", lr=0.2), uploaded, start=first)
    run.start()
    run.advance(1234)
    run.pause()
    source = export.train_script(run)
    assert "ITERATIONS = 1234" in source and "the uploaded CSV, embedded" in source
    assert f"START = [{float(first[0])!r}," in source
    result, _ = run_script(source, tmp_path)
    assert result["test_accuracy"] == run.net.score(run.X_test, run.y_test)
    assert all(np.array_equal(a, b) for a, b in weights_of(result, run))


def test_a_run_that_stopped_or_was_uploaded_has_no_script():
    run = finished(TrainingSettings(activation="linear", loss="cross_entropy", lr=2.0, iterations=20000))
    assert run.status == "diverged" and "stopped" in export.exportable(run)
    with pytest.raises(ValueError):
        export.train_script(run)
    loaded = TrainingRun.from_model(finished(TrainingSettings(iterations=100)).net, TrainingSettings())
    assert "uploaded" in export.exportable(loaded)


def test_the_teach_script_trains_the_same_network_from_the_embedded_answers(tmp_path):
    rng = np.random.default_rng(1)
    answers = [teach.Answer(tuple(int(c) for c in rgb), int(rgb.sum() > 350)) for rgb in rng.integers(0, 256, (25, 3))]
    net = teach.train(answers)
    result, printed = run_script(export.teach_script(answers), tmp_path)
    for name, P in (("W1", net.weights_[0]), ("B1", net.biases_[0][:, 0]), ("W2", net.weights_[1]),
                    ("B2", net.biases_[1][:, 0])):
        assert np.array_equal(np.array(result["weights"][name]), P), name
    assert result["formula_agreement"] == teach.agreement(net).formula
    assert f"formula agrees on {teach.agreement(net).formula:.1%}" in printed


def test_the_train_page_offers_the_script_and_shows_its_test_accuracy_to_four_decimals(tmp_path):
    at = AppTest.from_file(str(ROOT / "app_pages" / "train.py"), default_timeout=120)
    at.query_params["iterations"] = "2000"
    at.run()
    assert at.get("download_button")[-1].proto.label == "Download as a Python script"
    click(at, "Train")
    play(at, "train_live", "train_run")
    no_exception(at)
    run = at.session_state["train_run"]
    [shown] = [m.value for m in at.markdown if 'id="train-script-accuracy"' in m.value]
    result, _ = run_script(export.train_script(run), tmp_path)
    assert f"Test accuracy <strong>{result['test_accuracy']:.4f}</strong>" in shown and "bit for bit" in shown
    assert float(re.search(r'data-accuracy="([^"]+)"', shown).group(1)) == result["test_accuracy"]
    teach_page = AppTest.from_file(str(ROOT / "app_pages" / "teach.py"), default_timeout=120).run()
    assert any(b.proto.label == "Download as a Python script" for b in teach_page.get("download_button"))
