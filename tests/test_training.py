"""The training session engine: settings from controls and URLs, the run's state machine, diagnoses, files."""

import json
import math
from dataclasses import asdict

import numpy as np
import pytest

from fontnet import data, params, playback, training
from fontnet.network import ModelFileError, Network
from fontnet.settings import TRAIN
from fontnet.training import SettingsError, TrainingRun, TrainingSettings


def from_params(params) -> tuple[TrainingSettings, list[str]]:
    """Settings from a link's parameters, read through the Train page's table as the page reads them."""
    values, notices = TRAIN.read(params)
    return TrainingSettings(**values), notices


def to_params(settings: TrainingSettings, only_changed: bool = True) -> dict[str, str]:
    return TRAIN.link(asdict(settings), only_changed)

SMALL = TrainingSettings(iterations=3000)


# ---- settings ---------------------------------------------------------------------------------------
def test_defaults_are_the_chapter():
    s = TrainingSettings()
    assert (s.lr, s.iterations, s.hidden_layer_sizes, s.activation, s.loss) == (0.05, 100_000, (3,), "relu", "squared")
    assert s.batch_size == 1 and s.init == "uniform" and math.isclose(s.test, 1 / 3) and s.data == "chapter"
    net = s.network()
    assert net.learning_rate == 0.05 and net.batch_size == 1 and net.init == "uniform" and net.optimizer == "sgd"


def test_url_params_set_every_control():
    s, notices = from_params({
        "mode": "minibatch", "batch": "64", "lr": "0.2", "iterations": "5000", "layers": "2", "hidden": "8",
        "activation": "tanh", "loss": "cross_entropy", "init": "xavier", "seed": "7", "test": "0.25",
        "data": "random", "n": "500"})
    assert notices == []
    assert s == TrainingSettings(lr=0.2, iterations=5000, layers=2, hidden=8, activation="tanh", loss="cross_entropy",
                                 mode="minibatch", batch=64, init="xavier", seed=7, test=0.25, data="random", n=500)
    assert s.batch_size == 64 and s.hidden_layer_sizes == (8, 8)
    assert TrainingSettings(mode="full").batch_size is None


def test_to_params_round_trips_and_leaves_defaults_out():
    s = TrainingSettings(lr=0.001, seed=3, test=1 / 3, activation="leaky_relu")
    params = to_params(s)
    assert params == {"lr": "0.001", "seed": "3", "activation": "leaky_relu"}
    assert from_params(params) == (s, [])
    assert to_params(TrainingSettings(), only_changed=False)["test"] == "1/3"


@pytest.mark.parametrize("key,value,why", [
    ("lr", "fast", "not a number"), ("lr", "9", "outside"), ("lr", "nan", "not a finite number"), ("iterations", "0", "outside"),
    ("iterations", "2.5", "whole number"), ("iterations", "1e99", "outside"), ("layers", "4", "outside"),
    ("hidden", "-1", "outside"), ("activation", "softmax", "not one of"), ("activation", "<script>", "not one of"),
    ("loss", "hinge", "not one of"), ("mode", "turbo", "not one of"), ("init", "zeros", "not one of"),
    ("seed", "abc", "not a whole number"), ("test", "2/0", "not a share"), ("test", "0.9", "outside"),
    ("data", "../etc/passwd", "not one of"), ("n", "5", "outside"), ("batch", "", "not a whole number"),
])
def test_malformed_url_values_fall_back_to_defaults_with_a_notice(key, value, why):
    s, notices = from_params({key: value, "seed": "5"} if key != "seed" else {key: value})
    assert getattr(s, key) == getattr(TrainingSettings(), key)
    assert len(notices) == 1 and notices[0].startswith(f"{key}=") and why in notices[0] and "default" in notices[0]
    if key != "seed":
        assert s.seed == 5  # the valid values in the same link are kept


def test_off_scale_values_snap_to_the_nearest_with_a_notice():
    s, notices = from_params({"lr": "0.07", "test": "30%"})
    assert s.lr == 0.05 and math.isclose(s.test, 1 / 3)
    assert len(notices) == 2 and "nearest" in notices[0]
    s, notices = from_params({"lr": "5e-2", "iterations": "100,000", "test": "1/3"})
    assert s.lr == 0.05 and s.iterations == 100_000 and notices == []  # 5e-2 is 0.05, on the scale


def test_repeated_and_long_values_are_handled():
    s, notices = from_params({"hidden": ["2", "5"], "activation": "x" * 500})
    assert s.hidden == 5
    assert len(notices) == 1 and len(notices[0]) < 200


@pytest.mark.parametrize("changes", [dict(lr=0.07), dict(iterations=0), dict(layers=0), dict(hidden=17),
                                     dict(activation="softmax"), dict(mode="x"), dict(seed=-1), dict(test=0.3),
                                     dict(iterations=1.5), dict(activation=3), dict(n=True)])
def test_settings_are_validated(changes):
    with pytest.raises(SettingsError):
        TrainingSettings(**changes)


# ---- the run's state machine -------------------------------------------------------------------------
def test_a_run_starts_ready_at_iteration_zero_with_a_checkpoint():
    run = TrainingRun(SMALL)
    assert run.status == "ready" and run.iteration == 0 and len(run.history) == 1 and not run.trained
    assert run.advance() is None and run.iteration == 0  # nothing happens until it is started
    assert len(run.X_train) + len(run.X_test) == data.CHAPTER_ROWS
    assert abs(len(run.X_test) / data.CHAPTER_ROWS - 1 / 3) < 0.01


def test_train_pause_resume_step_reset():
    run = TrainingRun(SMALL)
    run.start()
    assert run.status == "running"
    cp = run.advance(500)
    assert cp.iteration == 500 and run.iteration == 500 and len(run.history) == 2
    run.pause()
    assert run.status == "paused" and run.advance(500) is None and run.iteration == 500
    run.step()
    assert run.iteration == 501 and run.status == "paused"
    run.resume()
    assert run.status == "running"
    run.advance(1000)
    assert run.iteration == 1501
    run.step()  # a step while running pauses
    assert run.status == "paused" and run.iteration == 1502
    run.resume()
    while run.status == "running":
        run.advance()
    assert run.status == "done" and run.iteration == SMALL.iterations
    assert run.advance() is None and run.step() is None and run.iteration == SMALL.iterations
    assert run.final_agreement is not None and run.final_agreement > 0.9
    run.reset()
    assert run.status == "ready" and run.iteration == 0 and len(run.history) == 1


def test_step_from_ready_trains_one_iteration_and_pauses():
    run = TrainingRun(SMALL)
    run.step()
    assert (run.status, run.iteration) == ("paused", 1)


def test_advance_never_passes_the_iteration_count():
    run = TrainingRun(TrainingSettings(iterations=120))
    run.start()
    run.advance(100)
    run.advance(100)
    assert run.iteration == 120 and run.status == "done"


def test_chunked_training_gives_the_same_weights_as_one_fit():
    s = TrainingSettings(iterations=2500, seed=3)
    run = TrainingRun(s)
    run.start()
    for steps in (1, 7, 300, 1000):
        run.advance(steps)
    run.step()
    run.resume()
    while run.status == "running":
        run.advance()
    one = Network((3,), "relu", mode="chapter", max_iter=2500, random_state=3).fit(run.X_train, run.y_train)
    for a, b in zip((*run.net.weights_, *run.net.biases_), (*one.weights_, *one.biases_)):
        assert np.array_equal(a, b)


def test_reset_repeats_the_run_exactly():
    run = TrainingRun(SMALL)
    run.start()
    run.advance(800)
    w = params.flat_weights(run.net).copy()
    run.reset()
    run.start()
    run.advance(800)
    assert np.array_equal(params.flat_weights(run.net), w)


def test_the_chapter_run_plays_in_about_target_updates_chunks_and_lands_in_the_band():
    from fontnet.bench import ACCURACY_BAND

    run = TrainingRun(TrainingSettings())
    assert run.play_seconds == training.PLAY_SECONDS and run.target_updates == training.TARGET_UPDATES
    run.start()
    updates = 0
    while run.status == "running":
        run.advance()
        updates += 1
    assert updates <= training.TARGET_UPDATES + 10
    assert run.chunk_size() >= 1 and updates >= training.TARGET_UPDATES
    assert ACCURACY_BAND[0] <= run.latest.test_accuracy <= ACCURACY_BAND[1]


def test_each_checkpoint_holds_the_chunk_loss_and_the_weights():
    run = TrainingRun(SMALL)
    run.start()
    run.advance(100)
    run.advance(100)
    assert [cp.iteration for cp in run.history] == [0, 100, 200]
    assert math.isnan(run.history[0].train_loss) and run.history[1].train_loss > 0
    assert np.isclose(run.history[2].train_loss, run.net.loss_curve_[100:200].mean())
    names = run.names
    assert len(names) == 16 and names[:3] == ["W1[1,1]", "W1[1,2]", "W1[1,3]"] and "B2[1]" in names
    assert np.array_equal(run.history[-1].weights, params.flat_weights(run.net))
    assert not np.array_equal(run.history[0].weights, run.history[-1].weights)


def test_diverging_stops_with_a_message_and_reset_recovers():
    run = TrainingRun(TrainingSettings(activation="linear", loss="cross_entropy", lr=2.0, iterations=5000))
    run.start()
    for _ in range(100):
        if run.status != "running":
            break
        run.advance()
    assert run.status == "diverged"
    assert "diverged" in run.message and "smaller learning rate" in run.message
    assert all(np.all(np.isfinite(W)) for W in run.net.weights_)
    assert run.advance() is None and run.step() is None and not run.can_train
    assert len(run.history) >= 2 and run.latest.iteration == run.iteration  # still drawable
    run.reset()
    assert run.status == "ready" and run.iteration == 0
    run.start()
    assert run.advance(10) is not None


def test_stuck_on_one_class_is_diagnosed():
    net = TrainingRun(SMALL).net
    net.weights_[-1][:] = 0.0
    net.biases_[-1][:] = -5.0  # P(dark) is tiny for every colour
    X = data.chapter_dataset().X
    warnings = training.diagnose(net, X)
    assert any("light text for every" in w and "one class" in w for w in warnings)


def test_dead_relus_are_diagnosed():
    net = TrainingRun(SMALL).net
    net.weights_[0][:] = -1.0
    net.biases_[0][:] = -0.5  # every hidden ReLU is off for every colour
    warnings = training.diagnose(net, data.chapter_dataset().X)
    assert any("Every ReLU in hidden layer 1" in w for w in warnings)
    assert any("one class" in w for w in warnings)  # and so the output is constant


def test_a_healthy_network_has_no_warnings():
    run = TrainingRun(SMALL)
    run.start()
    while run.status == "running":
        run.advance()
    assert run.warnings() == []


def test_library_result_uses_the_same_split_and_refuses_leaky_relu():
    run = TrainingRun(TrainingSettings(iterations=200))
    run.start()
    run.advance()
    lib = run.library_result()
    assert lib.name == "scikit-learn MLPClassifier" and 0.5 < lib.test_accuracy <= 1 and lib.seconds > 0
    ours = run.result()
    assert ours.name == "fontnet" and ours.test_accuracy == run.net.score(run.X_test, run.y_test)
    with pytest.raises(ValueError, match="leaky_relu"):
        TrainingRun(TrainingSettings(activation="leaky_relu")).library_result()


# ---- what it has learned --------------------------------------------------------------------------
def test_decision_slice_and_the_formula_boundary():
    run = TrainingRun(TrainingSettings())
    run.start()
    while run.status == "running":
        run.advance()
    sl = training.decision_slice(run.net, "B", 128, size=40)
    assert (sl.x_channel, sl.y_channel) == ("R", "G") and sl.p_dark.shape == (40, 40)
    assert sl.p_dark[0, 0] < 0.5 < sl.p_dark[-1, -1]  # black corner wants light text, yellow-white dark text
    lum = 0.299 * sl.boundary_x + 0.587 * sl.boundary_y + 0.114 * 128
    assert np.allclose(lum, 127.5) and len(sl.boundary_x) > 10
    sl = training.decision_slice(run.net, "R", 300)
    assert sl.value == 255 and (sl.x_channel, sl.y_channel) == ("G", "B")
    with pytest.raises(ValueError):
        training.decision_slice(run.net, "Q", 1)


def test_colours_near_slice():
    rgb = np.array([[0, 0, 100], [0, 0, 130], [0, 0, 200]])
    near, labels = training.colours_near_slice(rgb, np.array([0, 1, 1]), "B", 120, tolerance=20)
    assert near.tolist() == [[0, 0, 100], [0, 0, 130]] and labels.tolist() == [0, 1]


# ---- files ---------------------------------------------------------------------------------------
def _trained() -> Network:
    run = TrainingRun(TrainingSettings(iterations=500))
    run.start()
    run.advance()
    return run.net


def test_model_round_trip_and_loaded_runs():
    net = _trained()
    back = training.load_model(json.dumps(net.to_dict()).encode())
    assert all(np.array_equal(a, b) for a, b in zip(net.weights_, back.weights_))
    run = TrainingRun.from_model(back, TrainingSettings())
    assert run.status == "done" and run.loaded and run.trained and not run.can_train
    assert run.step() is None and run.names == params.weight_names(back)
    assert run.latest.test_accuracy == back.score(run.X_test, run.y_test)


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["weights"][0].pop(), "shape"),
    (lambda d: d["weights"][0][0].__setitem__(0, float("nan")), "NaN or infinite"),
    (lambda d: d.__setitem__("activation", "swish"), "unknown activation"),
    (lambda d: d.__setitem__("classes", [0, 1, 2]), "shape"),
    (lambda d: d.__setitem__("format", "other"), "not a fontnet model"),
])
def test_bad_model_files_are_refused(mutate, message):
    d = _trained().to_dict()
    mutate(d)
    with pytest.raises(ModelFileError, match=message):
        training.load_model(json.dumps(d))


def test_model_files_need_three_inputs_two_classes_and_at_most_a_megabyte():
    d = _trained().to_dict()
    d["weights"][0] = [row + [0.5] for row in d["weights"][0]]  # 4 inputs
    with pytest.raises(ModelFileError, match="takes 4 inputs; a colour model takes 3"):
        training.load_model(json.dumps(d))
    d["weights"][0] = [row[:1] for row in d["weights"][0]]  # 1 input
    with pytest.raises(ModelFileError, match="takes 1 input; a colour model takes 3"):
        training.load_model(json.dumps(d))
    d = _trained().to_dict()
    d["classes"] = ["a", "b"]
    with pytest.raises(ModelFileError, match="classes"):
        training.load_model(json.dumps(d))
    with pytest.raises(ModelFileError, match="MB"):
        training.load_model(b" " * (training.MAX_MODEL_BYTES + 1))
    with pytest.raises(ModelFileError, match="JSON"):
        training.load_model(b"{not json")


def test_load_data_checks_size_then_content():
    good = "red,green,blue,label\n0,0,0,0\n255,255,255,1\n"
    ds = training.load_data(good.encode(), "mine.csv")
    assert len(ds) == 2 and "mine.csv" in ds.name
    with pytest.raises(data.DataError, match="MB"):
        training.load_data(b"x" * (data.MAX_BYTES + 1))
    for bad, message in [("", "empty"), ("a,b\n1,2\n", "missing columns"), ("red,green,blue,label\n0,0,x,1\n1,1,1,0\n",
                          "not a number"), ("red,green,blue,label\n0,0,300,1\n1,1,1,0\n", "outside 0–255"),
                         ("red,green,blue,label\n0,0,0,2\n1,1,1,0\n", "not 0 or 1"),
                         ("red,green,blue,label\n0,0,0,1\n1,1,1,1\n", "both classes")]:
        with pytest.raises(data.DataError, match=message):
            training.load_data(bad.encode())


def test_the_chapters_data_is_the_default_and_the_generated_set_an_option():
    chapter = TrainingSettings().dataset()
    assert np.array_equal(chapter.rgb, data.chapter_dataset().rgb) and chapter.name.startswith("the chapter's data")
    assert np.array_equal(TrainingSettings(seed=5).dataset().rgb, chapter.rgb)  # the seed only splits its rows
    assert training.DATASETS["chapter"].startswith("the chapter's data")
    generated = TrainingSettings(data="generated", seed=5).dataset()
    assert np.array_equal(generated.rgb, data.generated_dataset(seed=5).rgb) and generated.name.startswith("generated")
    run = TrainingRun(TrainingSettings(iterations=10))
    assert (len(run.X_train), len(run.X_test)) == (896, 449)  # the chapter's 1/3 held out
    assert from_params({"data": ["generated"]}) == (TrainingSettings(data="generated"), [])


def test_uploaded_and_random_data_sets():
    s = TrainingSettings(data="random", n=200, seed=4)
    assert len(s.dataset()) == 200
    own = data.Dataset(np.array([[0, 0, 0], [255, 255, 255]] * 10), np.array([0, 1] * 10), "own")
    assert TrainingSettings(data="upload").dataset(own) is own
    assert len(TrainingSettings(data="upload").dataset(None)) == data.CHAPTER_ROWS
    run = TrainingRun(TrainingSettings(data="upload", iterations=50), own)
    assert run.dataset is own and len(run.X_train) + len(run.X_test) == 20


def test_one_class_in_training_rows_is_refused():
    one = data.Dataset(np.array([[0, 0, 0]] * 9 + [[255, 255, 255]]), np.array([0] * 9 + [1]), "skewed")
    with pytest.raises((SettingsError, data.DataError)):
        for seed in range(20):  # some split puts the single dark colour in the test rows
            TrainingRun(TrainingSettings(data="upload", seed=seed), one)


@pytest.mark.parametrize("iterations, seconds", [(100, 2.0), (3000, 2.0), (50_000, 5.0), (100_000, 10.0),
                                                 (1_000_000, 10.0)])
def test_short_runs_play_for_less_time_at_the_same_update_rate(iterations, seconds):
    run = TrainingRun(TrainingSettings(iterations=iterations))
    assert run.play_seconds == seconds
    assert run.target_updates == round(training.TARGET_UPDATES * seconds / training.PLAY_SECONDS)
    assert run.chunk_size() == min(-(-iterations // run.target_updates), training.FIRST_CHUNK)  # pace unknown
    run._sec_per_iter = 1e-9  # once a chunk has measured the pace
    assert run.chunk_size() == -(-iterations // run.target_updates)


def test_slow_updates_get_bigger_chunks_so_a_run_keeps_to_its_play_time(monkeypatch):
    monkeypatch.setattr(TrainingRun, "CHUNK_BUDGET_S", 1e9)  # however long this machine takes per iteration
    clock = [100.0]
    monkeypatch.setattr(playback.time, "monotonic", lambda: clock[0])
    run = TrainingRun(TrainingSettings())
    run.start()
    run._sec_per_iter = 1e-9  # the pace is known (until it is, the first chunk is FIRST_CHUNK at most)
    per_update = 100_000 // training.TARGET_UPDATES
    assert run.chunk_size() == per_update  # on schedule: the run in TARGET_UPDATES chunks
    clock[0] += training.PLAY_SECONDS      # the first update came late (a slow page): that costs no play time,
    run.advance()                          # the play clock starts with it
    assert run.iteration == per_update
    clock[0] += training.PLAY_SECONDS / 2  # the browser asked for the next update late
    assert run.chunk_size() == 50_000 - per_update
    run.advance()
    assert run.iteration == 50_000
    run.pause()
    clock[0] += 60  # paused time does not count
    run.resume()
    assert run.played_seconds == training.PLAY_SECONDS / 2 and run.chunk_size() == per_update
    clock[0] += training.PLAY_SECONDS
    run.advance()
    assert run.status == "done" and run.iteration == 100_000


def test_a_chunk_is_kept_within_the_training_budget(monkeypatch):
    ticks = iter(range(0, 10_000))
    monkeypatch.setattr(playback.time, "perf_counter", lambda: next(ticks) * 0.5)  # every chunk seems to take 0.5 s
    run = TrainingRun(TrainingSettings())
    run.start()
    first = run.chunk_size()
    run.advance()
    assert run.iteration == first
    per_iteration = 0.5 / first
    assert run.chunk_size() == int(training.CHUNK_BUDGET_S / per_iteration) < first


@pytest.mark.slow
def test_the_train_pages_runs_use_the_compiled_loop():
    """Importing the live-run module loads it (a chapter run in plain Python would make every update slower)."""
    import subprocess
    import sys

    code = ("import sys, fontnet.network as n; print(n.compiled_loop_in_use()); import fontnet.training; "
            "print(n.compiled_loop_in_use(), 'fontnet._kernel' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_pause_waits_for_a_chunk_in_hand_so_the_page_it_draws_is_the_run_as_it_is():
    """A press can rerun the page while the previous run is still training its chunk (two script threads at
    once): Pause takes effect after that chunk, and nothing trains after it."""
    import threading

    run = TrainingRun(TrainingSettings(iterations=10_000))
    run.start()
    in_chunk, release = threading.Event(), threading.Event()
    fit = run.net.partial_fit

    def slow_fit(*args, **kwargs):
        in_chunk.set()
        release.wait(10)
        return fit(*args, **kwargs)

    run.net.partial_fit = slow_fit
    live = threading.Thread(target=run.advance, args=(50,))
    live.start()
    assert in_chunk.wait(10)
    seen = []
    press = threading.Thread(target=lambda: (run.pause(), seen.append((run.status, run.iteration,
                                                                        run.latest.iteration))))
    press.start()
    release.set()
    live.join(10)
    press.join(10)
    assert seen == [("paused", 50, 50)]  # what the paused page shows is where the run stopped
    assert run.advance() is None and run.iteration == 50


# ---- what a run may cost, and how long one chunk may take ------------------------------------------------
HEAVY = dict(mode="full", data="random", n=100_000, hidden=16, layers=3, test=0.1)


def test_a_link_cannot_ask_for_days_of_computing():
    heavy = TrainingSettings(**HEAVY, iterations=1_000_000)   # the settings are each valid...
    assert training.estimated_cost(heavy) > 100 * training.MAX_RUN_SECONDS
    with pytest.raises(SettingsError, match=r"would compute for about \d+ days .*90,000 rows per update"):
        TrainingRun(heavy)                                    # ...the run they ask for is not
    assert training.estimated_cost(TrainingSettings()) < 1    # the chapter's run: well under a second
    TrainingSettings().check_cost()


def test_the_cost_counts_the_rows_an_upload_really_has():
    settings = TrainingSettings(mode="full", iterations=1_000_000, data="upload")
    with pytest.raises(SettingsError):
        settings.check_cost()                                 # unknown: as many rows as an upload may hold
    settings.check_cost(train_rows=20)
    small = data.random_dataset(30)
    assert TrainingRun(settings, small).remaining == 1_000_000


def test_a_loaded_model_is_not_refused_for_what_the_controls_would_cost(tmp_path):
    net = TrainingRun(SMALL).net
    run = TrainingRun.from_model(net, TrainingSettings(**HEAVY, iterations=1_000_000))
    assert run.loaded and run.status == "done"


def test_a_heavy_networks_first_chunk_is_one_iteration_and_later_chunks_keep_to_the_budget(monkeypatch):
    """A full batch of 90,000 rows through 3 layers of 16 takes about half a second an iteration here: the first
    chunk (pace unknown) must not be FIRST_CHUNK of them, and a measured slow pace keeps chunks at one."""
    monkeypatch.setattr(training.settings, "MAX_RUN_SECONDS", math.inf)
    run = TrainingRun(TrainingSettings(**HEAVY, iterations=1_000_000))
    run.start()
    assert run.chunk_size() == 1
    ticks = iter(range(10_000))
    monkeypatch.setattr(playback.time, "perf_counter", lambda: next(ticks) * 0.4)   # every chunk seems 0.4 s
    run.advance()
    assert run.iteration == 1 and run._sec_per_iter == pytest.approx(0.4)   # one slow iteration sets the pace
    assert run.chunk_size() == 1


def test_the_chunk_estimate_before_any_pace_follows_the_work_per_iteration():
    light = TrainingRun(TrainingSettings(iterations=1_000_000))
    minibatch = TrainingRun(TrainingSettings(mode="minibatch", batch=1024, hidden=16, layers=3, iterations=10_000))
    assert light.chunk_size() == training.FIRST_CHUNK
    per_iteration = 0.5e-6 + 1024 * minibatch.net_weights * 12e-9
    assert minibatch.chunk_size() == int(training.CHUNK_BUDGET_S / per_iteration) < training.FIRST_CHUNK


def test_warm_up_loads_every_version_of_the_compiled_loop_the_page_uses():
    from fontnet import _kernel

    training.warm_up()
    layouts = {(len(sig[0]), str(sig[4])) for sig in _kernel.train_steps.signatures}   # (weight arrays, rows)
    for layers in range(1, training.MAX_LAYERS + 1):
        for rows in ("array(int64, 2d, C)", "readonly array(int64, 2d, C)", "readonly array(int64, 2d, A)"):
            assert (layers + 1, rows) in layouts, (layers, rows)


def test_a_run_of_one_iteration_is_described_in_the_singular():
    assert ", lr 0.05, 1 iteration, uniform init" in TrainingSettings(iterations=1).describe()
    assert ", lr 0.05, 2 iterations, uniform init" in TrainingSettings(iterations=2).describe()
