"""The Train page's live panel: its charts, the progress bar's words, and what its feed answers while a run plays.

Kept out of the page script so the benchmarks time exactly what a live update does (`python -m bench train`).
"""

from __future__ import annotations

from functools import lru_cache

from app import live_run
from app.live_chart import Chart
from app.live_feed import Source
from fontnet import training
from fontnet.figures import live
from fontnet.figures.maps import LIVE_NODE_SIZE, MAX_LIVE_NODES, nodes_points, nodes_spec
from fontnet.node_maps import hidden_slice
from fontnet.training import TrainingRun


def accuracy_text(run: TrainingRun) -> str:
    """The latest test accuracy as a percentage, or a dash before there is one."""
    acc = run.latest.test_accuracy
    return "–" if acc != acc else f"{acc:.1%}"


def progress_label(run: TrainingRun) -> str:
    """The progress bar's words: status, iteration N of M, train loss, test accuracy, agreement (numbers only)."""
    cp = run.latest
    loss_text = "–" if cp.train_loss != cp.train_loss else f"{cp.train_loss:.4f}"
    # while it plays, the live estimate (5,000 colours); once finished, the run's score on 100,000, which the
    # message under the bar gives too
    agreement = f"{cp.agreement:.1%}" if run.final_agreement is None else f"{run.final_agreement:.2%}"
    return (f"{run.status}: iteration {run.iteration:,} of {run.settings.iterations:,} · train loss {loss_text} · "
            f"test accuracy {accuracy_text(run)} · agreement with the formula {agreement}")


MAP_EVERY = 4   # while a run plays, the decision map follows every few updates (the loss and weights every one)


@lru_cache(maxsize=256)
def _specs(iterations: int, names: tuple[str, ...], fixed: str) -> tuple[dict, dict, list[dict]]:
    """The charts' specs (the same for every update of a run: built once, sent when a chart is first drawn)."""
    _, xi, yi = training.slice_axes(fixed)
    return (live.loss_spec(iterations), live.map_spec(training.CHANNELS[xi], training.CHANNELS[yi], training.MAP_SIZE),
            live.weights_specs(iterations, names))


def train_charts(run: TrainingRun, fixed: str, value: int) -> list[Chart]:
    """The loss chart, the decision map over the slice `fixed` = `value` and the weights over time."""

    def map_points(start: int) -> dict:
        if start and run.status == "running" and len(run.history) % MAP_EVERY:
            return {}   # not due: the map keeps what it shows
        sl = training.decision_slice(run.net, fixed, value)
        if start:
            return live.map_points(sl)
        return live.map_points(sl, *training.colours_near_slice(run.dataset.rgb, run.dataset.labels, fixed, value))

    weights: dict[int, list[dict]] = {}   # every layer's points from `start` on, built once for all its charts

    def weights_points(start: int, i: int) -> dict:
        if start not in weights:
            weights[start] = live.weights_points(run.history, run.names, start)
        return weights[start][i]

    n = len(run.history)
    loss_spec, map_spec, weights_specs = _specs(run.settings.iterations, tuple(run.names), fixed)
    charts = [
        Chart("loss", loss_spec, run.run_id, n, lambda start: live.history_points(run.history, live.LOSS_COLUMNS, start),
              "Loss, test accuracy and agreement with the formula"),
        Chart("map", map_spec, f"{run.run_id}:{fixed}:{value}", n, map_points,
              f"What it has learned: P(dark text) where {fixed} = {value}"),
    ]
    def node_points(start: int) -> dict:
        if start and run.status == "running" and len(run.history) % MAP_EVERY:
            return {}   # due with the decision map
        hs = hidden_slice(run.net, fixed, value, LIVE_NODE_SIZE, nodes=MAX_LIVE_NODES)
        return nodes_points(hs, training.decision_slice(run.net, fixed, value, size=2))

    charts.append(Chart("nodes", nodes_spec(run.net.weights_[0].shape[0]), f"{run.run_id}:{fixed}:{value}", n,
                        node_points, "Each hidden node's A over the same slice (first hidden layer)"))
    for i, (layer, spec) in enumerate(zip(live.layers_of(run.names), weights_specs)):
        charts.append(Chart(f"w{layer}", spec, run.run_id, n, lambda start, i=i: weights_points(start, i),
                            f"Weights over time, layer {layer}: W{layer} and B{layer} (biases dotted)"))
    return charts


def feed_source(run: TrainingRun, fixed: str, value: int) -> Source:
    """What the live panel's feed answers while `run` plays: train the next chunk, send what is new, and when a
    new warning shows up (checked every few updates) have the browser rerun the page once, which shows it."""
    warned = len(run.warnings())

    def redraw() -> bool:
        return len(run.history) % MAP_EVERY == 0 and len(run.warnings()) != warned

    return live_run.feed_source(run, lambda: train_charts(run, fixed, value), progress_label, redraw)
