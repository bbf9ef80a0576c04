"""Each hidden node's own map on the Train page: the live panel's "nodes" chart, whole on a page run and sent with
the decision map while a run plays (fontnet/figures/maps.py nodes_spec/nodes_points, app/train_live.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from app.live_chart import feed_key
from fontnet import training
from fontnet.figures.maps import LIVE_NODE_SIZE, MAX_LIVE_NODES, nodes_points, nodes_spec
from fontnet.node_maps import hidden_slice
from tests.page_helpers import no_exception

ROOT = Path(__file__).resolve().parents[1]


def charts(answer: dict) -> dict[str, dict]:
    return {c["name"]: c for c in answer["charts"]}


def page_panel(at: AppTest) -> dict:
    el = next(e for e in at.get("bidi_component") if e.proto.id.endswith("train_live"))
    return json.loads(el.proto.json)


def test_nodes_points_are_each_nodes_activation_in_its_own_range_with_its_zero_line():
    net = training.TrainingSettings(seed=2).network().initialize(np.zeros((2, 3)), [0, 1])
    hs = hidden_slice(net, "R", 200, LIVE_NODE_SIZE)
    out = nodes_points(hs, training.decision_slice(net, "R", 200, size=2))
    assert len(out["grids"]) == 3 and all(len(g) == LIVE_NODE_SIZE ** 2 for g in out["grids"])
    for g, a, top in zip(out["grids"], hs.A, out["tops"]):
        assert top == float(f"{a.max():.4g}")
        assert max(g) == (255 if a.max() > 0 else 0) and g[int(np.argmax(a))] == max(g)
    assert len(out["boundary"]) == 1 and len(out["boundary"][0]) == 4
    assert nodes_spec(40)["count"] == MAX_LIVE_NODES and nodes_spec(3)["kind"] == "maps"


def test_the_train_page_sends_the_node_maps_whole_and_with_the_decision_map_while_playing():
    at = AppTest.from_file(str(ROOT / "app_pages/train.py"), default_timeout=60)
    at.query_params.update(iterations="20000", hidden="4")
    at.run()
    no_exception(at)
    sent = page_panel(at)
    nodes = charts(sent)["nodes"]
    assert nodes["full"] and nodes["spec"]["kind"] == "maps" and len(nodes["grids"]) == 4
    assert sent["layout"]["areas"] == ["loss loss", "map w1", "map w2", "nodes nodes"]
    assert sent["layout"]["narrow"]["areas"] == ["loss", "map", "w1", "w2", "nodes"]   # a narrow panel: one under another
    run = at.session_state["train_run"]
    want = nodes_points(hidden_slice(run.net, "B", 128, LIVE_NODE_SIZE), training.decision_slice(run.net, "B", 128, 2))
    assert nodes["grids"] == want["grids"] and nodes["contours"] == want["contours"]

    next(b for b in at.button if b.label == "Train").click()
    at.run()
    feed = at.session_state[feed_key("train_live")]
    run = at.session_state["train_run"]
    with_map = 0
    for _ in range(12):
        answer = feed.poll(str(run.run_id), len(run.history))
        c = charts(answer)
        assert ("grid" in c["map"]) == ("grids" in c["nodes"])  # sent together, at the decision map's pace
        if "grids" in c["nodes"]:
            with_map += 1
            assert c["nodes"]["grids"] == nodes_points(hidden_slice(run.net, "B", 128, LIVE_NODE_SIZE),
                                                       training.decision_slice(run.net, "B", 128, 2))["grids"]
        if answer["status"] != "running":
            break
    assert 1 <= with_map < 12  # every few updates, not every one
