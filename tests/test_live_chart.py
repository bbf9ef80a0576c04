"""Live charts: what a chart is sent (only what is new on a live update, everything on a page run)."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app.live_chart import feed_key
from fontnet import training
from fontnet.figures import live
from fontnet.figures.training import contour_segments
from fontnet.training import TrainingRun, TrainingSettings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def played() -> TrainingRun:
    run = TrainingRun(TrainingSettings(iterations=3000))
    run.start()
    while run.status == "running":
        run.advance(300)
    return run


def test_history_points_hold_the_checkpoints_from_start_on(played):
    full = live.history_points(played.history, live.LOSS_COLUMNS)
    assert full["x"] == [cp.iteration for cp in played.history]
    assert len(full["ys"]) == 4 and all(len(y) == len(played.history) for y in full["ys"])
    new = live.history_points(played.history, live.LOSS_COLUMNS, start=7)
    assert new["x"] == full["x"][7:] and new["ys"] == [y[7:] for y in full["ys"]]
    assert full["ys"][0][0] is None  # iteration 0 has no training loss yet: a gap, not NaN
    assert json.dumps(new)  # plain JSON: numbers and None only


def test_weights_points_split_by_layer_and_match_the_checkpoints(played):
    names = played.names
    parts = live.weights_points(played.history, names, start=3)
    specs = live.weights_specs(3000, names)
    assert len(parts) == len(specs) == 2
    assert [len(p["ys"]) for p in parts] == [len(s["series"]) for s in specs] == [12, 4]
    w = np.array([cp.weights for cp in played.history[3:]])
    np.testing.assert_allclose(np.array(parts[0]["ys"][0], dtype=float), w[:, 0], rtol=1e-5)
    np.testing.assert_allclose(np.array(parts[1]["ys"][-1], dtype=float), w[:, -1], rtol=1e-5)


def test_contour_follows_a_known_boundary():
    axis = np.linspace(0, 255, 52)
    gx, _ = np.meshgrid(axis, axis)
    segs = np.array(contour_segments(axis, gx / 255))
    assert len(segs) == 51  # one segment per row of cells
    np.testing.assert_allclose(segs[:, [0, 2]], 127.5, atol=0.1)
    assert contour_segments(axis, np.zeros((52, 52))) == []


def test_map_points_are_bytes_per_cell_and_data_only_when_given():
    run = TrainingRun(TrainingSettings(iterations=10))
    sl = training.decision_slice(run.net, "B", 128)
    out = live.map_points(sl)
    assert len(out["grid"]) == training.MAP_SIZE ** 2 and 0 <= min(out["grid"]) <= max(out["grid"]) <= 255
    assert "points" not in out and len(out["boundary"]) == 2
    pts, labels = training.colours_near_slice(run.dataset.rgb, run.dataset.labels, "B", 128)
    with_points = live.map_points(sl, pts, labels)
    assert 0 < len(with_points["points"]) <= live.MAP_POINTS
    assert all(len(p) == 6 and p[5] in (0, 1) for p in with_points["points"])
    assert "p" not in out and "readout" not in live.map_spec("R", "G", training.MAP_SIZE)
    exact = live.map_points(sl, exact=True)   # for a map with a readout: P(dark) per cell, three decimals
    np.testing.assert_array_equal(exact["p"], np.round(sl.p_dark, 3).ravel())
    assert exact["grid"] == out["grid"] and live.map_spec("R", "G", 52, readout="Point")["readout"] == "Point"


def payload(at: AppTest, chart: str) -> dict:
    """What the Train page's live panel sent one of its charts on the last page run."""
    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith("train_live"))
    return next(c for c in json.loads(el.proto.json)["charts"] if c["name"] == chart)


def panel(at: AppTest) -> dict:
    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith("train_live"))
    return json.loads(el.proto.json)


def test_a_page_run_sends_the_whole_history_and_the_feed_only_what_is_new():
    at = AppTest.from_file(str(ROOT / "app_pages/train.py"), default_timeout=60)
    at.query_params.update(iterations="20000")
    at.run()
    first = payload(at, "loss")
    assert first["full"] and first["start"] == 0 and first["x"] == [0]
    assert "feed" not in panel(at) and "progress" not in panel(at)  # not playing: no feed, Streamlit's bar
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    sent = panel(at)
    assert payload(at, "loss")["full"] and sent["feed"]["url"].startswith("api/live/")   # a page run: all of it
    assert sent["progress"]["text"].startswith("running: iteration 0 of 20,000")
    feed = at.session_state[feed_key("train_live")]
    run = at.session_state["train_run"]

    # what the browser does: ask for what it lacks, say what it holds, append the answer
    held: list[int] = list(payload(at, "loss")["x"])
    for _ in range(12):
        answer = feed.poll(str(run.run_id), len(held))
        loss = next(c for c in answer["charts"] if c["name"] == "loss")
        assert not loss["full"] and loss["start"] == len(held) and "spec" not in loss
        held += loss["x"]
        assert held == [cp.iteration for cp in run.history]
        weights = next(c for c in answer["charts"] if c["name"] == "w1")
        assert weights["x"] == loss["x"] and len(weights["ys"]) == 12   # W1 (3x3) and B1 (3)
        assert answer["progress"]["text"].startswith(f"{answer['status']}: iteration {run.iteration:,} of 20,000")
        if answer["status"] != "running":
            break
    assert len(held) > 5

    # a browser holding another run, or more points than there are: everything, with the specs
    for wrong_run, have in [("999999", len(held)), (str(run.run_id), len(held) + 5)]:
        answer = feed.poll(wrong_run, have)
        for c in answer["charts"]:
            assert c["full"] and c["start"] == 0 and c["spec"]["kind"] in ("lines", "map", "maps")
        assert next(c for c in answer["charts"] if c["name"] == "loss")["x"] == [cp.iteration for cp in run.history]


def test_pause_and_reset_stop_the_feed_and_send_everything():
    at = AppTest.from_file(str(ROOT / "app_pages/train.py"), default_timeout=60)
    at.query_params.update(iterations="20000")
    at.run()
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    feed = at.session_state[feed_key("train_live")]
    run = at.session_state["train_run"]
    for _ in range(3):
        feed.poll(str(run.run_id), len(run.history))
    next(b for b in at.button if b.label == "Pause").click()
    at.run()
    assert feed.poll(str(run.run_id), 0) is None and "feed" not in panel(at)
    assert payload(at, "loss")["x"] == [cp.iteration for cp in run.history] and len(run.history) == 4
    next(b for b in at.button if b.label == "Reset").click()
    at.run()
    p = payload(at, "loss")
    assert p["full"] and p["start"] == 0 and p["x"] == [0] and p["run"] != run.run_id  # Reset: a new run


def test_the_live_map_is_sent_the_colours_of_the_maps_legend_and_the_browser_repeats_none_of_them():
    from fontnet.figures.training import DOT_EDGES, MAP_LEGEND

    spec = live.map_spec("R", "G", training.MAP_SIZE)
    legend = {name: colour for name, colour, _ in MAP_LEGEND}
    assert spec["boundary_colour"] == legend["the formula's boundary"]
    assert spec["line"] == legend["network: P(dark) = 0.5"]
    assert spec["dot_edges"] == list(DOT_EDGES) and len(set(DOT_EDGES)) == 2
    js = (ROOT / "static" / "live_chart.js").read_text()
    for colour in (spec["line"], spec["boundary_colour"], spec["dot_edges"][1]):
        assert colour not in js
