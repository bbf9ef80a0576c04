import copy
import json

import numpy as np
import pytest

from fontnet import _wide, digits, playback
from fontnet.activations import HIDDEN_ACTIVATIONS
from fontnet.digits import DigitsSettings, DrawingError
from fontnet.model import default_model as colour_model
from fontnet.network import ModelFileError, Network
from fontnet.settings import DIGITS


def _toy(n_classes=10, n=40, n_in=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, n_in))
    y = rng.integers(0, n_classes, n)
    y[:n_classes] = np.arange(n_classes)
    return X, y


def _params(net):
    return [*net.weights_, *net.biases_]


def _targets(net, y):
    return net._targets(y)[0].T


# ---- the wide training path -------------------------------------------------------------------------------
def test_digits_networks_train_on_the_wide_path_and_the_colour_network_does_not():
    assert _wide.fits(64, (32, 16), digits.BATCH) and _wide.fits(64, (4,), 1198) and _wide.fits(3, (17,), 16)
    assert not _wide.fits(3, (3,), 1000) and not _wide.fits(3, (16, 16, 16), 1000)
    assert not _wide.fits(64, (32, 16), 1)  # one sample per update: the compiled loop is quicker


def test_a_wide_network_trained_one_sample_at_a_time_uses_the_compiled_loop(monkeypatch):
    X, y = _toy(10)
    monkeypatch.setattr(_wide, "train_steps", lambda *a, **k: pytest.fail("the wide path was used"))
    net = Network((20,), "relu", loss="cross_entropy", batch_size=1, random_state=0, max_iter=5).fit(X, y)
    assert net.n_iter_ == 5


def test_the_digits_network_trains_on_the_wide_path(monkeypatch):
    calls = []
    real = _wide.train_steps
    monkeypatch.setattr(_wide, "train_steps", lambda *a, **k: calls.append(len(a[4])) or real(*a, **k))
    net = DigitsSettings(hidden=(24, 12), iterations=30).network().fit(*_toy(10))
    assert calls == [30] and net.n_iter_ == 30


@pytest.mark.parametrize("n_classes", [2, 10])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_wide_sgd_step_equals_the_readable_chain_rule(activation, loss, n_classes):
    """One full-batch step of the wide path is W - lr * dC/dW from `Network.gradients`, and its loss is C."""
    X, y = _toy(n_classes)
    net = Network((20, 17), activation, loss=loss, init="xavier", optimizer="sgd", batch_size=None,
                  learning_rate=0.3, random_state=2, max_iter=1).fit(X, y)
    before = [p.copy() for p in _params(net)]
    dWs, dBs, C = net.gradients(X.T, _targets(net, y))
    net.partial_fit(X, y, 1)
    for b, g, after in zip(before, [*dWs, *dBs], _params(net)):
        assert np.allclose(after, b - 0.3 * g, rtol=1e-12, atol=1e-14)
    assert net.loss_curve_[-1] == pytest.approx(C, rel=1e-12)


def test_wide_adam_minibatch_steps_equal_the_chain_rule_with_adams_update():
    """Five mini-batch Adam steps: the same rows the network draws, the chain rule's gradients, Adam's formula."""
    X, y = _toy(10, n=60)
    net = DigitsSettings(hidden=(24, 12), lr=0.01, seed=3).network()
    net.initialize(X, y)
    rng = copy.deepcopy(net._rng)
    params = [p.copy() for p in _params(net)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    Y = _targets(net, y)
    for t in range(1, 6):
        rows = (rng.random((1, digits.BATCH)) * len(X)).astype(np.int64)[0]
        ref = Network((24, 12), "relu", loss="cross_entropy")
        ref.weights_, ref.biases_ = params[:3], params[3:]
        dWs, dBs, C = ref.gradients(X[rows].T, Y[:, rows])
        for i, g in enumerate([*dWs, *dBs]):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            params[i] = params[i] - 0.01 * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
        net.partial_fit(X, y, 1)
        assert net.loss_curve_[-1] == pytest.approx(C, rel=1e-12)
        for a, b in zip(_params(net), params):
            assert np.allclose(a, b, rtol=1e-10, atol=1e-13)


def test_the_wide_path_and_the_compiled_loop_take_the_same_steps():
    from fontnet import _kernel

    X, y = _toy(10, n=50)
    a = DigitsSettings(hidden=(20, 8), activation="tanh", lr=0.01, seed=1).network()
    a.initialize(X, y)
    b = copy.deepcopy(a)
    rows = (np.random.default_rng(0).random((30, digits.BATCH)) * len(X)).astype(np.int64)
    Y = a._targets(y)[0]
    la, lb = np.empty(30), np.empty(30)
    assert _wide.train_steps(a.weights_, a.biases_, X, Y, rows, 0.01, "tanh", "cross_entropy", "adam",
                             a._moments, 0, la) == 30
    m = b._moments
    assert _kernel.train_steps(tuple(b.weights_), tuple(b.biases_), X, Y, rows, 0.01, _kernel.KERNEL_CODES["tanh"],
                               1, 1, tuple(m[:3]), tuple(m[3:6]), tuple(m[6:9]), tuple(m[9:]), 0, lb) == 30
    assert np.allclose(la, lb, rtol=1e-9)
    for p, q in zip(_params(a), _params(b)):
        assert np.allclose(p, q, rtol=1e-8, atol=1e-11)


def test_the_softmax_networks_gradients_match_finite_differences():
    X, y = _toy(10, n=25)
    net = Network((6, 5), "tanh", loss="cross_entropy", init="xavier", random_state=4, max_iter=1).fit(X, y)
    Y = _targets(net, y)
    dWs, dBs, _ = net.gradients(X.T, Y)
    h = 1e-6
    for P, G in zip(_params(net), [*dWs, *dBs]):
        for idx in list(np.ndindex(P.shape))[::3]:
            old = P[idx]
            P[idx] = old + h
            up = net.gradients(X.T, Y)[2]
            P[idx] = old - h
            down = net.gradients(X.T, Y)[2]
            P[idx] = old
            assert (up - down) / (2 * h) == pytest.approx(G[idx], rel=1e-5, abs=1e-8)


def test_a_diverging_wide_run_keeps_its_last_finite_weights():
    from fontnet.network import DivergenceError

    X, y = _toy(10)
    net = Network((20,), "linear", loss="cross_entropy", optimizer="sgd", batch_size=None, learning_rate=1e12,
                  init="xavier", random_state=0)
    net.initialize(X, y)
    start = [p.copy() for p in _params(net)]
    with pytest.raises(DivergenceError):
        net.partial_fit(X, y, 50)
    assert net.diverged_ and all(np.array_equal(a, b) for a, b in zip(start, _params(net)))


# ---- the data and the settings ----------------------------------------------------------------------------
def test_the_split_holds_out_a_third_stratified_and_seeded():
    X, y = digits.dataset()
    assert X.shape == (1797, 64) and X.min() == 0 and X.max() == 1
    X_train, X_test, y_train, y_test = digits.split(0)
    assert len(X_test) == 599 and len(X_train) == 1198
    assert np.all(np.abs(np.bincount(y_test) / len(y_test) - np.bincount(y) / len(y)) < 0.01)
    assert np.array_equal(digits.split(0)[1], X_test) and not np.array_equal(digits.split(1)[1], X_test)


def test_link_values_in_use_and_notices():
    values, notices = DIGITS.read({"hidden": ["64"], "activation": ["tanh"], "lr": ["0.01"], "iterations": ["300"],
                                   "seed": ["7"]})
    assert values == {"hidden": "64", "activation": "tanh", "lr": 0.01, "iterations": 300, "seed": 7}
    assert notices == []
    assert digits.settings_from(values) == DigitsSettings((64,), "tanh", 0.01, 300, 7)


@pytest.mark.parametrize("key,raw,word", [
    ("hidden", "3,16", "4 to 64"), ("hidden", "8,8,8", "layers"), ("hidden", "abc", "widths"),
    ("activation", "softmax", "one of"), ("lr", "x", "number"), ("lr", "9", "outside"),
    ("iterations", "0", "outside"), ("iterations", "1e309", "whole"), ("seed", "-1", "outside"),
])
def test_bad_link_values_fall_back_to_the_default_with_a_notice(key, raw, word):
    values, notices = DIGITS.read({key: [raw]})
    assert values[key] == DIGITS.format(key, getattr(digits.DEFAULT, key)) or values[key] == getattr(digits.DEFAULT, key)
    assert len(notices) == 1 and notices[0].startswith(f"{key}={raw!r}") and word in notices[0]
    assert "using the default" in notices[0]


def test_an_lr_off_the_scale_is_snapped_with_a_notice():
    values, notices = DIGITS.read({"lr": ["0.004"]})
    assert values["lr"] == 0.005 and "nearest value, 0.005" in notices[0]


def test_settings_refuse_what_the_controls_cannot_hold():
    with pytest.raises(digits.SettingsError, match="hidden"):
        digits.settings_from({"hidden": "2"})
    with pytest.raises(digits.SettingsError, match="iterations"):
        DigitsSettings(iterations=0)
    with pytest.raises(digits.SettingsError, match="lr"):
        DigitsSettings(lr=0.003)


# ---- a drawing reduced to 8x8 ---------------------------------------------------------------------------------
def _image(*strokes):
    return digits.reduce_drawing(digits.parse_strokes([list(s) for s in strokes]))


def test_an_empty_pad_is_an_empty_image():
    assert not _image().any() and _image().shape == (8, 8)
    assert not digits.reduce_drawing(digits.parse_strokes([[], []])).any()


def test_a_vertical_stroke_fills_the_two_middle_columns_top_to_bottom():
    img = _image([(140, 30), (140, 250)])
    assert (img[:, 3] > 0).all() and (img[:, 4] > 0).all()
    assert not img[:, [0, 1, 2, 5, 6, 7]].any()
    assert (img[1:-1, 3:5] >= 8).all()                    # a pen about 5 of the bitmap's 32 pixels wide


def test_a_horizontal_stroke_fills_the_two_middle_rows_across_the_frame():
    img = _image([(30, 140), (250, 140)])
    assert (img[3:5, 1:7] > 0).all() and not img[[0, 1, 2, 5, 6, 7]].any()
    assert not img[:, [0, 7]].any()                        # the frame is 24 pixels wide, as the dataset's digits


def test_the_reduction_ignores_where_and_how_large_the_digit_was_drawn():
    seven = [(50, 40), (220, 40), (120, 260)]
    small = [(x * 0.1 + 3, y * 0.1 + 200) for x, y in seven]
    assert np.array_equal(_image(seven), _image(small))


@pytest.mark.parametrize("seed", range(5))
def test_intensities_stay_in_0_16_and_count_ink_pixels(seed):
    rng = np.random.default_rng(seed)
    strokes = [rng.random((int(rng.integers(1, 40)), 2)) * 280 for _ in range(int(rng.integers(1, 6)))]
    bits = digits.bitmap(digits.parse_strokes([s.tolist() for s in strokes]))
    img = digits.reduce_drawing(digits.parse_strokes([s.tolist() for s in strokes]))
    assert img.dtype.kind == "i" and img.min() >= 0 and img.max() <= 16 and img.sum() == bits.sum()


def test_a_blot_over_the_whole_pad_is_still_an_image():
    rows = [[(0, y), (280, y)] for y in range(0, 281, 4)]
    img = _image(*rows)
    assert (img[1:7, 1:7] >= 15).all()                   # a square: 24 x 24 pixels, the frame's width
    assert not img[[0, 7]].any() and not img[:, [0, 7]].any()


def test_a_single_tap_is_a_dot_in_the_middle():
    img = _image([(17, 99)])
    assert img[3:5, 3:5].all() and img.sum() == img[3:5, 3:5].sum()


@pytest.mark.parametrize("raw,word", [
    ("abc", "list of strokes"), ([[1, 2, 3]], "(x, y)"), ([[[1, "a"]]], "(x, y)"),
    ([[[1, float("nan")]]], "finite"), ([[[0, 0]] * (digits.MAX_POINTS + 1)], "points"),
])
def test_drawings_that_are_not_points_are_refused(raw, word):
    with pytest.raises(DrawingError, match=word.replace("(", r"\(").replace(")", r"\)")):
        digits.parse_strokes(raw)


# ---- the default model, reading and evaluation ------------------------------------------------------------------
@pytest.fixture(scope="module")
def model():
    return digits.train_default_model()


def test_reading_gives_ten_probabilities_and_the_label(model):
    _, X_test, _, y_test = digits.split(0)
    r = digits.read(model, X_test[0].reshape(8, 8) * 16)
    assert r.proba.shape == (10,) and r.proba.sum() == pytest.approx(1) and (r.proba >= 0).all()
    assert r.digit == int(model.predict(X_test[:1])[0])
    assert r.label() == f"{r.digit} ({r.proba.max():.0%})"
    assert [a.shape for a in r.forward.A] == [(32, 1), (16, 1), (10, 1)]


def test_evaluation_counts_every_test_image_once(model):
    _, X_test, _, y_test = digits.split(0)
    e = digits.evaluate(model, X_test, y_test)
    assert e.confusion.shape == (10, 10) and e.confusion.sum() == len(y_test)
    assert np.trace(e.confusion) / len(y_test) == pytest.approx(e.accuracy)
    assert len(e.wrong) == len(y_test) - np.trace(e.confusion)
    assert e.accuracy > 0.95  # the default network has learned the digits (the benchmark measures how well)


def test_the_default_model_is_kept_on_disk_and_read_back(tmp_path, monkeypatch, model):
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    first = digits.default_model()
    path = digits.default_model_cache()
    assert path.exists() and path.name.startswith("digits-model-")
    assert all(np.array_equal(a, b) for a, b in zip(_params(first), _params(model)))
    path.write_text(json.dumps(colour_model(cache=False).to_dict()))  # a valid model, but not a digits one
    again = digits.default_model()
    assert all(np.array_equal(a, b) for a, b in zip(_params(again), _params(model)))
    assert digits.load_model(path.read_bytes()) is not None


# ---- model files ---------------------------------------------------------------------------------------------
def test_a_model_file_round_trips(model):
    back = digits.load_model(json.dumps(model.to_dict()))
    X = digits.split(0)[1]
    assert np.array_equal(back.predict_proba(X), model.predict_proba(X))
    assert back.hidden_layer_sizes == (32, 16) and back.classes_.tolist() == list(range(10))


def _edited(model, **changes):
    d = model.to_dict()
    d.update(changes)
    return json.dumps(d)


def test_bad_model_files_are_refused_with_the_reason(model):
    with pytest.raises(ModelFileError, match="colour model"):
        digits.load_model(json.dumps(colour_model(cache=False).to_dict()))
    W = model.to_dict()["weights"]
    with pytest.raises(ModelFileError, match="63 inputs"):
        digits.load_model(_edited(model, weights=[[row[:-1] for row in W[0]], *W[1:]]))
    with pytest.raises(ModelFileError, match="takes 1 input; a digits model takes 64"):
        digits.load_model(_edited(model, weights=[[row[:1] for row in W[0]], *W[1:]]))
    with pytest.raises(ModelFileError, match=r"layer 2 weights have shape \(16, 31\), expected \(16, 32\)"):
        digits.load_model(_edited(model, weights=[W[0], [row[:-1] for row in W[1]], W[2]]))
    bad = [[list(row) for row in W[0]], *W[1:]]
    bad[0][3][5] = float("nan")
    with pytest.raises(ModelFileError, match="NaN or infinite"):
        digits.load_model(_edited(model, weights=bad))
    with pytest.raises(ModelFileError, match="1 MB"):
        digits.load_model(b" " * (digits.MAX_MODEL_BYTES + 1))
    with pytest.raises(ModelFileError, match="classes"):
        d = model.to_dict()
        d["classes"] = [str(c) for c in "abcdefghij"]
        digits.load_model(json.dumps(d))
    with pytest.raises(ModelFileError, match="JSON"):
        digits.load_model(b"\x89PNG")


def test_a_model_with_other_inputs_is_refused(model):
    other = Network((8,), random_state=0, max_iter=5).fit(*_toy(10, n_in=20))
    with pytest.raises(ModelFileError, match="20 inputs"):
        digits.load_model(json.dumps(other.to_dict()))


# ---- a live run ------------------------------------------------------------------------------------------------
def test_a_run_trains_in_chunks_pauses_and_finishes():
    run = digits.DigitsRun(DigitsSettings(iterations=200))
    assert run.status == "ready" and len(run.history) == 1 and run.history[0].iteration == 0
    assert run.advance() is None                        # not running yet
    run.start()
    run.advance()
    first = run.iteration
    assert 200 / digits.LIVE_UPDATES <= first < 200 and len(run.history) == 2
    run.pause()
    assert run.advance() is None and run.iteration == first
    run.resume()
    while run.status == "running":
        run.advance()
    assert run.status == "done" and run.iteration == 200 and run.progress == 1
    first_point, last_point = run.history[0], run.history[-1]
    assert last_point.iteration == 200 and last_point.loss < first_point.loss
    assert last_point.test_accuracy > first_point.test_accuracy
    run.reset()
    assert run.status == "ready" and run.iteration == 0 and len(run.history) == 1


def test_a_run_that_gets_its_updates_late_takes_bigger_chunks_to_finish_in_its_play_time(monkeypatch):
    monkeypatch.setattr(digits.DigitsRun, "CHUNK_BUDGET_S", 1e9)  # however long this machine takes per iteration
    clock = [100.0]
    monkeypatch.setattr(playback.time, "monotonic", lambda: clock[0])
    run = digits.DigitsRun(DigitsSettings(hidden=(8,), iterations=400))
    run.start()
    assert run.chunk_size() == 10                      # 400 iterations in 40 updates
    clock[0] += digits.PLAY_SECONDS                     # a late first update costs no play time: the clock
    run.advance()                                       # starts with it
    assert run.iteration == 10
    clock[0] += digits.PLAY_SECONDS / 2                 # half the play time gone before the next update
    run.advance()
    assert run.iteration == 200
    run.pause()
    clock[0] += 60                                      # paused time does not count
    run.resume()
    assert run.chunk_size() == 10
    clock[0] += digits.PLAY_SECONDS
    run.advance()
    assert run.status == "done" and run.iteration == 400


def test_the_library_baseline_uses_the_same_split_and_layers():
    base = digits.sklearn_baseline(DigitsSettings(iterations=10))
    assert 0.9 < base.accuracy <= 1 and base.seconds > 0
    mlp = digits.sklearn_mlp(DigitsSettings(hidden=(20,), activation="tanh", seed=5))
    assert mlp.hidden_layer_sizes == (20,) and mlp.activation == "tanh" and mlp.random_state == 5
    with pytest.raises(ValueError, match="leaky"):
        digits.sklearn_mlp(DigitsSettings(activation="leaky_relu"))


def test_fitting_both_scores_a_fresh_network_and_the_library_on_the_test_images():
    settings = DigitsSettings(hidden=(16,), iterations=200, seed=3)
    ours, lib = digits.fit_both(settings)
    net, _ = digits.train(settings)                     # training is deterministic for a seed
    _, X_test, _, y_test = digits.split(3)
    assert ours.name == "fontnet" and ours.accuracy == net.score(X_test, y_test) and ours.seconds > 0
    assert lib.name == "scikit-learn MLPClassifier" and lib.accuracy == digits.sklearn_baseline(settings).accuracy

# ---- the command line ----------------------------------------------------------------------------------------
def test_the_digits_command_reports_both_networks():
    from fontnet.cli import run_captured

    code, out = run_captured(["digits", "--hidden", "16", "--iterations", "300", "--seed", "2", "--json"])
    res = json.loads(out)
    assert code == 0 and res["hidden"] == [16] and res["iterations"] == 300 and res["test_images"] == 599
    assert 0.8 < res["test_accuracy"] <= 1 and 0.8 < res["sklearn_accuracy"] <= 1
    assert res["seconds"] > 0 and res["sklearn_seconds"] > 0
    code, out = run_captured(["digits", "--activation", "leaky_relu", "--iterations", "50"])
    assert code == 0 and "no 'leaky_relu' activation" in out and "test accuracy" in out


@pytest.mark.parametrize("args,word", [
    (["--hidden", "3,16"], "4 to 64"), (["--hidden", "8,8,8"], "layers"), (["--lr", "0.003"], "nearest is 0.002"),
    (["--seed", "x"], "number"), (["--iterations", "0"], "outside"), (["--activation", "softmax"], "not one of"),
])
def test_bad_digits_arguments_exit_2_with_one_line(args, word, capsys):
    from fontnet.cli import main

    assert main(["digits", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("fontnet: error:") and word in err


def test_the_servers_start_up_work_readies_the_digits_model(tmp_path, monkeypatch):
    from app import server

    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    assert server.warm_up() > 0
    files = list(tmp_path.glob("digits-model-*.json"))
    assert len(files) == 1 and digits.load_model(files[0].read_bytes()).n_iter_ == digits.DEFAULT.iterations


def test_fabric_strokes_become_pad_points():
    from app.draw_pad import strokes_from_fabric

    drawn = {"objects": [{"type": "Path", "left": 170, "top": 100, "scaleX": 1, "scaleY": 1, "angle": 0,
                          "path": [["M", 140, 40], ["Q", 140, 40, 147.5, 55], ["L", 200, 160]]},
                         {"type": "Rect", "left": 1, "top": 1}, "junk"]}
    assert strokes_from_fabric(drawn) == [[[140.0, 40.0], [140.0, 40.0], [147.5, 55.0], [200.0, 160.0]]]
    moved = {"objects": [{**drawn["objects"][0], "left": 70, "top": 200, "scaleX": 2, "scaleY": 2}]}
    (pts,) = strokes_from_fabric(moved)
    assert pts[0] == [70 + 2 * (140 - 170), 200 + 2 * (40 - 100)] and pts[-1] == [70 + 2 * 30, 200 + 2 * 60]
    assert strokes_from_fabric(None) == [] and strokes_from_fabric({"objects": "x"}) == []
    assert strokes_from_fabric({"objects": [{"type": "Path", "path": [["M", "a", None]]}]}) == []


@pytest.mark.slow
def test_bench_reports_the_digits_keys():
    from fontnet.bench import run_digits

    res = run_digits(seeds=(0,))
    assert 0.9 < res["digits_test_accuracy"] <= 1 and res["digits_vs_sklearn_speedup"] > 0
    row = res["digits_per_seed"][0]
    assert row["accuracy_at_steps"] >= row["sklearn_accuracy"] - 0.005 or row["steps_to_sklearn"] >= 6000


def test_a_chunk_keeps_to_the_time_budget_once_the_pace_is_known(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(playback.time, "monotonic", lambda: clock[0])
    ticks = iter(range(10_000))
    monkeypatch.setattr(playback.time, "perf_counter", lambda: next(ticks) * 0.5)   # every chunk seems 0.5 s
    run = digits.DigitsRun(DigitsSettings(hidden=(8,), iterations=4000))
    run.start()
    run.advance()                              # the first chunk, at the estimated pace; the play clock starts
    first = run.iteration
    clock[0] += digits.PLAY_SECONDS            # far behind: the rest of the run is due
    assert run.chunk_size() == max(1, int(digits.CHUNK_BUDGET_S / (0.5 / first))) < first


def test_a_digits_network_of_one_iteration_is_described_in_the_singular():
    from fontnet.digits import DigitsSettings

    assert DigitsSettings(iterations=1).describe() == "64-32-16-10 relu, lr 0.005, 1 iteration, seed 0"
    assert DigitsSettings(iterations=1500).describe(seed=False) == "64-32-16-10 relu, lr 0.005, 1,500 iterations"
