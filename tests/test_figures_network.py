"""The pure network figures and LaTeX: they show the model's own numbers, for any layer sizes."""

import numpy as np
import plotly.graph_objects as go
import pytest

from fontnet import data
from fontnet.figures.network import forward_latex, layer_sizes, network_diagram, probability_figure
from fontnet.model import decide, default_model
from fontnet.network import Network


@pytest.fixture(scope="module")
def model():
    return default_model()


def deep_model(hidden=(8, 4), activation="relu") -> Network:
    X = data.scale(data.uniform_colours(200, seed=3))
    y = (X @ np.array([0.299, 0.587, 0.114]) > 0.5).astype(int)
    return Network(hidden, activation, mode="fast", max_iter=20, random_state=0).fit(X, y)


def traces(fig: go.Figure, meta: str) -> list:
    return [t for t in fig.data if t.meta == meta]


def edge_count(fig: go.Figure) -> int:
    """Line segments drawn (each is start, end, None) — one per weight."""
    return sum(len(t.x) // 3 for t in traces(fig, "edges"))


@pytest.mark.parametrize("hidden", [(3,), (8, 4), (8, 8), (1,), (5, 2, 3)])
def test_one_edge_and_one_hover_point_per_weight(hidden):
    net = deep_model(hidden)
    sizes = layer_sizes(net)
    expected = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    fwd = net.forward(data.scale((10, 200, 30)).reshape(-1, 1))
    for fig in (network_diagram(net), network_diagram(net, fwd)):
        assert edge_count(fig) == expected
        [hover] = traces(fig, "weights")
        assert len(hover.x) == len(hover.hovertext) == expected
        nodes = traces(fig, "nodes")
        assert [len(t.x) for t in nodes] == sizes


def test_hover_text_holds_every_weight(model):
    fig = network_diagram(model)
    [hover] = traces(fig, "weights")
    texts = "\n".join(hover.hovertext)
    for l, W in enumerate(model.weights_, start=1):
        for (j, i), w in np.ndenumerate(W):
            assert f"W{l}[{j + 1},{i + 1}] = {w:+.4f}<br>" in texts
    assert f"W1[1,1] = {model.weights_[0][0, 0]:+.4f}<br>R → h1.1" in hover.hovertext
    assert f"W2[1,3] = {model.weights_[1][0, 2]:+.4f}<br>h1.3 → out" in hover.hovertext


def test_edge_colour_and_width_follow_the_weights(model):
    fig = network_diagram(model)
    edges = traces(fig, "edges")
    weights = np.concatenate([W.ravel() for W in model.weights_])
    positive = sum(len(t.x) // 3 for t in edges if t.name == "positive weight")
    assert positive == int((weights >= 0).sum())
    assert {t.line.color for t in edges} <= {"#d9480f", "#1c7ed6"}
    # each weight's segment: width grows with |w|, colour is its sign
    sizes = layer_sizes(model)
    drawn = []
    for l, W in enumerate(model.weights_):
        for (j, i), w in np.ndenumerate(W):
            y0, y1 = (sizes[l] - 1) / 2 - i, (sizes[l + 1] - 1) / 2 - j
            [t] = [t for t in edges for k in range(0, len(t.x), 3)
                   if (t.x[k], t.y[k], t.x[k + 1], t.y[k + 1]) == (l, y0, l + 1, y1)]
            assert t.name == ("positive weight" if w >= 0 else "negative weight")
            drawn.append((abs(w), t.line.width))
    drawn.sort()
    widths = [width for _, width in drawn]
    assert widths == sorted(widths) and widths[0] < widths[-1]


@pytest.mark.parametrize("rgb", [(255, 192, 203), (0, 0, 128), (255, 0, 0)])
def test_node_values_equal_the_forward_pass(model, rgb):
    d = decide(model, rgb)
    fig = network_diagram(model, d.forward)
    inputs, *rest = traces(fig, "nodes")
    np.testing.assert_allclose([c[0] for c in inputs.customdata], data.scale(rgb))
    assert len(rest) == len(d.forward.Z)
    for trace, Z, A in zip(rest, d.forward.Z, d.forward.A):
        np.testing.assert_allclose([c[0] for c in trace.customdata], Z.ravel())
        np.testing.assert_allclose([c[1] for c in trace.customdata], A.ravel())
    assert rest[-1].customdata[0][1] == pytest.approx(d.p_dark)
    assert f"P={d.p_dark:.3f}" in rest[-1].text[0]


def test_deep_model_node_values_and_labels():
    net = deep_model((8, 4), "tanh")
    fwd = net.forward(data.scale((200, 100, 50)).reshape(-1, 1))
    fig = network_diagram(net, fwd)
    nodes = traces(fig, "nodes")
    assert [t.name for t in nodes] == ["input", "hidden 1", "hidden 2", "output"]
    np.testing.assert_allclose([c[1] for c in nodes[2].customdata], fwd.A[1].ravel())
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "hidden 2" in texts and "tanh" in texts


def test_weights_only_diagram_has_no_values(model):
    fig = network_diagram(model)
    for t in traces(fig, "nodes"):
        assert t.customdata is None
    assert [t.text for t in traces(fig, "nodes")][0] == ("R", "G", "B")


def test_probability_figure_marks_value_and_threshold():
    fig = probability_figure(0.8)
    [bar] = fig.data
    assert bar.x == (0.8,)
    [line] = fig.layout.shapes
    assert line.x0 == line.x1 == 0.5
    assert "threshold 0.5" in [a.text for a in fig.layout.annotations]
    assert probability_figure(0.2).data[0].marker.color != bar.marker.color  # light and dark differ


def test_forward_latex_has_the_numbers(model):
    d = decide(model, (255, 192, 203))
    lines = forward_latex(model, d.forward)
    text = "\n".join(lines)
    assert lines[1].startswith("Z_{1} = W_{1} X + B_{1}")
    assert r"\operatorname{ReLU}(Z_{1})" in text
    assert "Z_{2} = W_{2} A_{1} + B_{2}" in text
    assert r"\operatorname{logistic}(Z_{2})" in text
    for arr in (model.weights_[0], model.biases_[0], d.forward.X, d.forward.Z[0], d.forward.A[0],
                model.weights_[1], d.forward.Z[1], d.forward.A[1]):
        for v in np.ravel(arr):
            assert f"{v:.3f}" in text
    # rows of W1 are separated by \\, entries by &
    W1 = model.weights_[0]
    assert " & ".join(f"{v:.3f}" for v in W1[0]) in lines[1]


def test_forward_latex_for_two_hidden_layers():
    net = deep_model((8, 4), "leaky_relu")
    fwd = net.forward(data.scale((1, 2, 3)).reshape(-1, 1))
    lines = forward_latex(net, fwd)
    assert len(lines) == 1 + 2 * 3
    assert "Z_{3} = W_{3} A_{2} + B_{3}" in "\n".join(lines)
    assert r"\operatorname{LeakyReLU}(Z_{2})" in "\n".join(lines)
