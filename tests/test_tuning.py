"""The Tune page's engine (fontnet/tuning.py), each hidden node's map (fontnet/node_maps.py) and the server-drawn
maps (fontnet/figures/maps.py)."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from fontnet import backprop as bp
from fontnet import data, teach, training, tuning
from fontnet.figures.maps import colour_grid, decision_map_svg, node_map_svg
from fontnet.model import default_model
from fontnet.node_maps import hidden_slice
from fontnet.settings import TUNE

FORMULA = np.array([0.299, 0.587, 0.114])


def values(W1=np.eye(3), B1=(0, 0, 0), W2=(1, 1, 1), B2=-1.5) -> dict[str, float]:
    """The 16 values by link key, from matrices written the chapter's way."""
    m = {"W1": np.array(W1, float), "B1": np.array(B1, float).reshape(3, 1), "W2": np.array(W2, float).reshape(1, 3),
         "B2": np.array([[B2]], float)}
    return {key: float(m[name][idx]) for _, key, name, idx in tuning.PARAMS}


# ---- the 16 values -------------------------------------------------------------------------------------------------
def test_the_values_are_named_as_the_chapter_counts_them_and_the_link_keys_are_short():
    labels = [p[0] for p in tuning.PARAMS]
    assert labels[:4] == ["W1[1,1]", "W1[1,2]", "W1[1,3]", "W1[2,1]"] and labels[9:] == \
        ["B1[1]", "B1[2]", "B1[3]", "W2[1,1]", "W2[1,2]", "W2[1,3]", "B2"]
    assert len(set(tuning.KEYS)) == 16 and TUNE.names[:16] == tuning.KEYS
    assert tuning.START == values()
    assert TUNE.defaults() | {k: v for k, v in tuning.START.items()} == TUNE.defaults()


def test_a_network_round_trips_through_its_values_and_a_node_switched_off_passes_nothing_on():
    net = default_model()
    v = tuning.values_of(net)
    again = tuning.network(v)
    for a, b in zip((*net.weights_, *net.biases_), (*again.weights_, *again.biases_)):
        assert np.array_equal(a, b)
    off = tuning.network(v, (True, False, True))
    assert off.weights_[1][0, 1] == 0 and off.weights_[1][0, 0] == net.weights_[1][0, 0]
    X = data.scale(teach.yardstick()[0][:200]).T
    by_hand = net.forward(X)
    A1 = by_hand.A[0].copy()
    A1[1] = 0
    assert np.allclose(off.forward(X).output, 1 / (1 + np.exp(-(net.weights_[1] @ A1 + net.biases_[1]))))
    assert v == TUNE.read(TUNE.link(TUNE.defaults() | v))[0] | {k: v[k] for k in v if TUNE.format(k, v[k]) ==
                                                                TUNE.format(k, tuning.START[k])}


def test_values_of_refuses_another_shape():
    with pytest.raises(bp.BackpropError):
        tuning.values_of(training.TrainingSettings(hidden=4).network().initialize(np.zeros((2, 3)), [0, 1]))


# ---- scores ----------------------------------------------------------------------------------------------------
def test_scores_are_agreement_on_the_yardstick_and_cost_and_accuracy_on_the_chapters_data():
    net = default_model()
    s = tuning.score(net)
    ds = data.chapter_dataset()
    assert s.agreement == teach.agreement(net).formula
    assert s.cost == pytest.approx(net.loss_on(ds.X, ds.labels), rel=1e-12)
    assert s.accuracy == net.score(ds.X, ds.labels)
    assert s.dark_share == pytest.approx(np.mean(net.predict(ds.X)))
    assert tuning.default_cost(net) == s.cost


def test_the_start_is_a_fair_first_guess_that_meets_no_challenge():
    s = tuning.score(tuning.network(tuning.START))
    assert 0.75 < s.agreement < 0.9
    assert not any(tuning.challenges_met(s, tuning.default_cost(default_model())).values())


# ---- the challenges, each on a network made to meet it and one that just misses ----------------------------------
def met(v, on=(True, True, True)) -> dict[str, bool]:
    return tuning.challenges_met(tuning.score(tuning.network(v, on), sum(on)), tuning.default_cost(default_model()))


def test_always_dark_is_met_by_a_network_that_says_dark_everywhere_and_is_right_on_62_percent():
    v = values(B2=5.0)
    assert met(v)["dark"] and not met(values(B2=-0.01))["dark"]  # black: Z2 = -0.01, light
    s = tuning.score(tuning.network(v))
    assert s.accuracy == tuning.chapter_dark_share() and round(s.accuracy, 2) == 0.62


def test_one_node_needs_the_other_two_off_and_90_percent():
    one = values(W1=[FORMULA, [1, 0, 0], [0, 1, 0]], W2=(10, 1, 1), B2=-5)
    assert met(one, (True, False, False))["one"]
    assert not met(one)["one"]  # all three on: not one node
    assert not met(values(W1=[[1, 1, 1], [0, 0, 0], [0, 0, 0]], W2=(1, 0, 0), B2=-0.3), (True, False, False))["one"]


def test_nearly_perfect_needs_all_three_nodes_and_98_percent():
    good = values(W2=FORMULA * 10, B2=-5)
    assert met(good)["all"] and not met(good, (True, True, False))["all"]
    assert not met(values())["all"]  # the start: 82%


def test_sharper_than_the_default_needs_a_lower_cost_on_the_chapters_data():
    assert met(values(W2=FORMULA * 200, B2=-100))["cost"]
    assert not met(values(W2=FORMULA * 10, B2=-5))["cost"]  # the right boundary, but not sure enough
    assert not met(tuning.values_of(default_model()))["cost"]  # the default model itself: equal, not lower


# ---- each hidden node's map -----------------------------------------------------------------------------------------
def test_a_hidden_slice_is_each_nodes_activation_over_the_decision_maps_grid():
    net = default_model()
    hs = hidden_slice(net, "G", 40, size=9)
    sl = training.decision_slice(net, "G", 40, size=9)
    assert hs.A.shape == (3, 9, 9) and np.array_equal(hs.axis, sl.axis) and (hs.x_channel, hs.y_channel) == ("R", "B")
    r, b = sl.axis[4], sl.axis[7]  # row 7 follows y (B), column 4 follows x (R)
    fwd = net.forward(data.scale(np.array([[r, 40, b]])).T)
    assert np.allclose(hs.A[:, 7, 4], fwd.A[0][:, 0]) and np.allclose(hs.Z[:, 7, 4], fwd.Z[0][:, 0])
    assert np.allclose(sl.p_dark[7, 4], fwd.output[0, 0])
    with pytest.raises(ValueError):
        hidden_slice(net, layer=2)


# ---- the maps ----------------------------------------------------------------------------------------------------
def image_of(svg: str) -> np.ndarray:
    uri = re.search(r'href="data:image/png;base64,([^"]+)"', svg).group(1)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri))).convert("RGB"))


def test_the_decision_map_is_an_image_of_p_dark_under_the_formulas_and_the_networks_lines():
    net = tuning.network(values(W2=FORMULA * 100, B2=-50))
    sl = training.decision_slice(net, "B", 128)
    svg = decision_map_svg(sl)
    img = image_of(svg)
    assert img.shape == (training.MAP_SIZE, training.MAP_SIZE, 3)
    assert tuple(img[-1, 0]) == (0x1d, 0x35, 0x57) and tuple(img[0, -1]) == (0xf6, 0xd3, 0x65)  # black: light text
    assert 'class="formula"' in svg and 'class="network"' in svg and "<script" not in svg
    assert float(re.search(r'data-dark-share="([\d.]+)"', svg).group(1)) == pytest.approx(np.mean(sl.p_dark >= 0.5))


def test_a_node_map_draws_its_activation_its_zero_line_and_fades_when_off():
    net = tuning.network(values(W1=[[1, -1, 0], [0, 1, 0], [0, 0, 1]]))
    sl = training.decision_slice(net, "B", 128)
    hs = hidden_slice(net, "B", 128)
    svg = node_map_svg(hs, 0, sl)
    img = image_of(svg)
    assert tuple(img[0, 0]) == (0xf1, 0xf3, 0xf5)  # R = 0, G = 255: A = ReLU(R - G) = 0, pale grey
    assert tuple(img[-1, -1]) == (0xd9, 0x48, 0x0f)  # R = 255, G = 0: its largest, orange
    assert 'class="node"' in svg and 'data-max="1"' in svg and 'data-on="true"' in svg
    off = node_map_svg(hs, 0, sl, on=False)
    assert 'opacity="0.35"' in off and 'data-on="false"' in off and "switched off" in off


def test_colour_grid_puts_y_255_on_the_top_row():
    g = colour_grid(np.array([[0.0, 0.0], [1.0, 1.0]]), [[0, "#000000"], [1, "#ffffff"]], 0, 1)
    assert g[0, 0].tolist() == [255, 255, 255] and g[1, 0].tolist() == [0, 0, 0]
