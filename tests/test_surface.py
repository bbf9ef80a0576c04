"""The cost surface (fontnet/surface.py) and its map (fontnet/figures/surface.py)."""

import itertools
import re

import numpy as np
import pytest

from fontnet import surface
from fontnet.figures.fit import drawings
from fontnet.figures.surface import NARROW, WIDE, band_edges, nice_ticks, surface_svg
from fontnet.params import flat_weights, set_flat_weights, weight_names
from fontnet.training import TrainingRun, TrainingSettings


def finished(**settings) -> TrainingRun:
    run = TrainingRun(TrainingSettings(**{"iterations": 3000, "seed": 1, **settings}))
    run.start()
    while run.status == "running":
        run.advance()
    return run


def checkpoints(run: TrainingRun) -> np.ndarray:
    return np.array([cp.weights for cp in run.history])


@pytest.fixture(scope="module")
def chapter_run() -> TrainingRun:
    return finished()


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_the_surface_at_the_runs_own_point_is_the_runs_cost(loss):
    run = finished(loss=loss, iterations=2000, activation="tanh" if loss == "cross_entropy" else "relu")
    w = flat_weights(run.net)
    cost = run.net.loss_on(run.X_train, run.y_train)
    for pair in itertools.combinations(range(16), 2):
        at = surface.cost_grid(run.net, run.X_train, run.y_train, pair, w[[pair[0]]], w[[pair[1]]])
        assert at.shape == (1, 1)
        assert at[0, 0] == pytest.approx(cost, rel=1e-12, abs=1e-15), pair
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    assert s.point_cost == cost and s.rows == len(run.y_train) == 896 and s.held == 14 and s.loss == loss


def test_every_grid_value_is_the_cost_of_the_network_with_those_two_values(chapter_run):
    net = chapter_run.net
    s = surface.surface(net, chapter_run.X_train, chapter_run.y_train, checkpoints(chapter_run), pair=(4, 13), size=7)
    twin = net.__class__(net.hidden_layer_sizes, net.activation, loss=net.loss)
    twin.__dict__.update({k: v for k, v in net.__dict__.items() if k not in ("weights_", "biases_")})
    twin.weights_, twin.biases_ = [W.copy() for W in net.weights_], [B.copy() for B in net.biases_]
    w = flat_weights(net)
    for r, c in [(0, 0), (3, 5), (6, 6), (2, 1)]:
        w2 = w.copy()
        w2[4], w2[13] = s.a[c], s.b[r]
        set_flat_weights(twin, w2)
        assert s.cost[r, c] == pytest.approx(twin.loss_on(chapter_run.X_train, chapter_run.y_train), rel=1e-12)


def test_the_paths_last_point_is_the_current_weights_and_its_first_the_start(chapter_run):
    run = chapter_run
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    w = flat_weights(run.net)
    i, j = s.pair
    assert tuple(s.path[-1]) == s.point == (w[i], w[j])
    assert tuple(s.path[0]) == (run.history[0].weights[i], run.history[0].weights[j])
    assert len(s.path) == len(run.history)
    # the grid holds the whole path
    assert s.a[0] < s.path[:, 0].min() and s.path[:, 0].max() < s.a[-1]
    assert s.b[0] < s.path[:, 1].min() and s.path[:, 1].max() < s.b[-1]
    assert s.cost.shape == (surface.GRID, surface.GRID) and np.all(s.cost >= 0)


def test_the_default_pair_is_the_two_parameters_the_run_moved_most(chapter_run):
    run = chapter_run
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    moved = np.abs(run.history[-1].weights - run.history[0].weights)
    assert set(s.pair) == set(np.argsort(-moved)[:2].tolist())
    assert s.names == (weight_names(run.net)[s.pair[0]], weight_names(run.net)[s.pair[1]])
    # before it has moved: the two steepest now
    fresh = TrainingRun(TrainingSettings(seed=1))
    s0 = surface.surface(fresh.net, fresh.X_train, fresh.y_train, checkpoints(fresh))
    grad = surface.gradient(fresh.net, fresh.X_train, fresh.y_train)
    assert set(s0.pair) == set(np.argsort(-np.abs(grad))[:2].tolist())


def test_the_arrow_is_the_slope_of_the_surface_itself(chapter_run):
    run = chapter_run
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run), pair=(2, 14))
    h = 1e-6
    (a0, b0) = s.point

    def c(a, b):
        return surface.cost_grid(run.net, run.X_train, run.y_train, s.pair, np.array([a]), np.array([b]))[0, 0]

    numeric = ((c(a0 + h, b0) - c(a0 - h, b0)) / (2 * h), (c(a0, b0 + h) - c(a0, b0 - h)) / (2 * h))
    assert s.slope == pytest.approx(numeric, rel=1e-5, abs=1e-9)
    assert tuple(surface.descends(s)) == (-s.slope[0], -s.slope[1])


def test_a_too_large_learning_rate_overshoots_the_valley_and_a_small_one_walks_down_it():
    """Full-batch descent on cross-entropy: at 2 each of the first updates jumps across the valley and back (the
    moves turn back), at 0.05 they keep going the same way."""
    shares = {}
    for lr in (0.05, 2.0):
        run = TrainingRun(TrainingSettings(mode="full", loss="cross_entropy", lr=lr, seed=1, iterations=3000))
        fine = surface.replay(run.net, run.X_train, run.y_train)
        run.start()
        while run.status == "running":
            run.advance()
        s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run), fine=fine)
        assert len(s.fine) == surface.FIRST_UPDATES + 1
        shares[lr] = surface.reversals(s.fine)
    assert shares[0.05] < 0.1 < 0.5 < shares[2.0], shares


def test_replay_gives_the_runs_own_first_updates():
    run = TrainingRun(TrainingSettings(seed=4, iterations=1000))
    fine = surface.replay(run.net, run.X_train, run.y_train, 20)
    assert run.iteration == 0   # the run itself is untouched
    for k in range(1, 21):
        run.step()
        assert np.array_equal(flat_weights(run.net), fine[k])


def test_one_sample_and_the_step_the_backprop_page_draws():
    from fontnet import backprop as bp

    b = bp.explain(bp.fresh_network(0), (200, 30, 30), "formula")
    s = surface.surface(b.network, b.X.T, b.Y[0], np.empty((0, 16)), size=21)
    assert s.rows == 1 and s.point_cost == pytest.approx(b.cost, rel=1e-12)
    steepest = np.argsort(-np.abs(np.concatenate([np.r_[b.gradients[k].ravel()] for k in ("W1", "B1", "W2", "B2")])))
    assert set(s.pair) == set(steepest[:2].tolist())


def test_deeper_networks_are_refused_with_a_reason():
    run = TrainingRun(TrainingSettings(layers=2, seed=0))
    with pytest.raises(surface.SurfaceError, match="one hidden layer"):
        surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    with pytest.raises(surface.SurfaceError, match="two different"):
        surface.cost_grid(TrainingRun(TrainingSettings()).net, np.zeros((2, 3)), np.zeros(2), (3, 3),
                          np.zeros(1), np.zeros(1))


def test_the_map_draws_the_bands_the_path_the_point_and_the_arrow(chapter_run):
    run = chapter_run
    s = surface.surface(run.net, run.X_train, run.y_train, checkpoints(run))
    markup = surface_svg(s, label="a <slice>")
    assert "\n" not in markup
    drawn, where = drawings(markup), []
    for name, at in (("wide", WIDE), ("narrow", NARROW)):   # the same map for a laptop's column and a phone's
        svg = drawn[name]
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert 'aria-label="a &lt;slice&gt;"' in svg
        assert f'data-point="{s.point[0]!r},{s.point[1]!r}"' in svg
        assert f'data-path-points="{len(s.path)}"' in svg
        assert 'class="path"' in svg and 'class="start"' in svg and 'class="current"' in svg
        assert f'data-slope="{s.slope[0]!r},{s.slope[1]!r}"' in svg
        assert s.names[0] in svg and s.names[1] in svg
        assert svg.count('<image class="bands" href="data:image/png;base64,') == 1   # one picture, not 3,600 cells
        assert f'clip-path="url(#surface-plot-{at.ids})"' in svg and f'id="surface-plot-{at.ids}"' in svg
        cx, cy = (float(v) for v in re.search(r'class="current" cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
        assert at.left <= cx <= at.left + at.plot_w and at.top <= cy <= at.top + at.plot_h
        where.append(((cx - at.left) / at.plot_w, (cy - at.top) / at.plot_h))
    assert where[0] == pytest.approx(where[1], abs=0.002)   # the point at the same place on both
    edges = band_edges(s.cost)
    assert edges[0] == s.cost.min() and edges[-1] == s.cost.max() and np.all(np.diff(edges) > 0)


def test_nice_ticks():
    assert nice_ticks(0, 10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(-1.3, 1.3) == [-1, 0, 1] and nice_ticks(0.12, 0.31) == [0.15, 0.2, 0.25, 0.3]
    assert nice_ticks(2, 2) == [2]
