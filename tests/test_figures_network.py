"""The pure network markup and LaTeX: they show the model's own numbers, for any layer sizes, and escape all text."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from fontnet import data
from fontnet.figures.network import (
    NEGATIVE,
    POSITIVE,
    edge_width,
    forward_latex,
    layer_sizes,
    network_svg,
    probability_bar_html,
)
from fontnet.model import decide, default_model
from fontnet.network import Network

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def model():
    return default_model()


def deep_model(hidden=(8, 4), activation="relu") -> Network:
    X = data.scale(data.uniform_colours(200, seed=3))
    y = (X @ np.array([0.299, 0.587, 0.114]) > 0.5).astype(int)
    return Network(hidden, activation, mode="fast", max_iter=20, random_state=0).fit(X, y)


def softmax_model() -> Network:
    """3-4-4-2: two hidden tanh layers, two softmax outputs, with weights of both signs."""
    net = Network((4, 4), "tanh", random_state=1)
    net._init_params(3, 2)
    rng = np.random.default_rng(5)
    net.weights_ = [W - rng.uniform(0, 1, W.shape) for W in net.weights_]
    net.classes_ = np.array([0, 1])
    return net


def parse(svg: str) -> ET.Element:
    """The SVG as XML: it must be well-formed (every text escaped) to parse at all."""
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(SVG + "g") if g.get("class") == cls]


def title(g: ET.Element) -> str:
    return g.find(SVG + "title").text


def forward_of(net: Network, rgb=(10, 200, 30)):
    return net.forward(data.scale(rgb).reshape(-1, 1))


@pytest.mark.parametrize("hidden", [(3,), (8, 4), (8, 8), (1,), (5, 2, 3)])
def test_one_edge_per_weight_and_one_node_per_unit(hidden):
    net = deep_model(hidden)
    sizes = layer_sizes(net)
    for svg in (network_svg(net), network_svg(net, forward_of(net))):
        root = parse(svg)
        edges, nodes = groups(root, "edge"), groups(root, "node")
        assert len(edges) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        assert [sum(n.get("data-layer") == str(l) for n in nodes) for l in range(len(sizes))] == sizes
        assert all(title(g) for g in edges + nodes)  # every element has its hover text


def test_three_three_one_counts(model):
    svg = network_svg(model, decide(model, (255, 192, 203)).forward)
    assert "\n" not in svg  # one line: Markdown passes it through as HTML (line breaks in titles are &#10;)
    root = parse(svg)
    assert (len(groups(root, "node")), len(groups(root, "edge"))) == (3 + 3 + 1, 3 * 3 + 3 * 1)


def test_softmax_net_3_4_4_2():
    net = softmax_model()
    fwd = forward_of(net, (200, 100, 50))
    assert layer_sizes(net) == [3, 4, 4, 2]
    root = parse(network_svg(net, fwd))
    nodes, edges = groups(root, "node"), groups(root, "edge")
    assert (len(nodes), len(edges)) == (3 + 4 + 4 + 2, 12 + 16 + 8)
    outputs = [n for n in nodes if n.get("data-layer") == "3"]
    assert [title(n).splitlines()[0] for n in outputs] == ["output (softmax), class 1", "output (softmax), class 2"]
    np.testing.assert_allclose([float(n.get("data-a")) for n in outputs], fwd.A[-1].ravel())
    assert sum(float(n.get("data-a")) for n in outputs) == pytest.approx(1.0)
    assert f"W3[2,4] = {net.weights_[2][1, 3]:+.4f}\nh2.4 → out2" in [title(e) for e in edges]
    texts = " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))
    assert "hidden 2" in texts and "tanh" in texts and "softmax" in texts


def test_titles_hold_every_weight_and_bias(model):
    root = parse(network_svg(model))
    titles = [title(e) for e in groups(root, "edge")]
    for l, W in enumerate(model.weights_, start=1):
        for (j, i), w in np.ndenumerate(W):
            assert any(t.startswith(f"W{l}[{j + 1},{i + 1}] = {w:+.4f}\n") for t in titles)
    assert f"W1[1,1] = {model.weights_[0][0, 0]:+.4f}\nR → h1.1" in titles
    assert f"W2[1,3] = {model.weights_[1][0, 2]:+.4f}\nh1.3 → out" in titles
    node_titles = "\n".join(title(n) for n in groups(root, "node"))
    for l, B in enumerate(model.biases_, start=1):
        for j, b in enumerate(B.ravel()):
            assert f"bias B{l}[{j + 1}] = {b:+.4f}" in node_titles


def edge_lines(root: ET.Element) -> list[tuple[float, str, float]]:
    """(weight, drawn colour, drawn width) of every edge: its first line is the visible one."""
    out = []
    for e in groups(root, "edge"):
        line = e.find(SVG + "line")
        out.append((float(e.get("data-weight")), line.get("stroke"), float(line.get("stroke-width"))))
    return out


@pytest.mark.parametrize("make", [default_model, softmax_model])
def test_edge_colour_follows_sign_and_width_follows_size(make):
    net = make()
    root = parse(network_svg(net))
    drawn = edge_lines(root)
    weights = sorted(float(w) for W in net.weights_ for w in W.ravel())
    assert sorted(w for w, _, _ in drawn) == pytest.approx(weights)
    for w, colour, _ in drawn:
        assert colour == (POSITIVE if w >= 0 else NEGATIVE)
    assert {c for _, c, _ in drawn} == {POSITIVE, NEGATIVE}  # both signs occur in these nets
    by_size = sorted(drawn, key=lambda d: abs(d[0]))
    widths = [width for _, _, width in by_size]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    biggest = max(abs(w) for w in weights)
    for w, _, width in drawn:  # proportional to |w| (above the thinnest drawable line)
        assert width == pytest.approx(edge_width(w, biggest), abs=0.01)
    assert edge_width(biggest, biggest) == 2 * edge_width(biggest / 2, biggest)


def test_edge_goes_between_its_nodes(model):
    root = parse(network_svg(model))
    centres = {(n.get("data-layer"), n.get("data-index")): (n.find(SVG + "circle").get("cx"), n.find(SVG + "circle").get("cy"))
               for n in groups(root, "node")}
    for e in groups(root, "edge"):
        l = int(e.get("data-layer"))
        line = e.find(SVG + "line")
        assert (line.get("x1"), line.get("y1")) == centres[(str(l - 1), e.get("data-from"))]
        assert (line.get("x2"), line.get("y2")) == centres[(str(l), e.get("data-to"))]


@pytest.mark.parametrize("rgb", [(255, 192, 203), (0, 0, 128), (255, 0, 0)])
def test_node_values_equal_the_forward_pass(model, rgb):
    d = decide(model, rgb)
    root = parse(network_svg(model, d.forward))
    nodes = groups(root, "node")
    inputs = [n for n in nodes if n.get("data-layer") == "0"]
    np.testing.assert_allclose([float(n.get("data-x")) for n in inputs], data.scale(rgb))
    for l, (Z, A) in enumerate(zip(d.forward.Z, d.forward.A), start=1):
        layer = [n for n in nodes if n.get("data-layer") == str(l)]
        np.testing.assert_allclose([float(n.get("data-z")) for n in layer], Z.ravel())
        np.testing.assert_allclose([float(n.get("data-a")) for n in layer], A.ravel())
        for n, z, a in zip(layer, Z.ravel(), A.ravel()):
            assert f"Z = {z:.4f}\nA = {a:.4f}" in title(n)
    [out] = [n for n in nodes if n.get("data-layer") == "2"]
    assert float(out.get("data-a")) == pytest.approx(d.p_dark)
    assert title(out).startswith("output: P(dark text)")
    assert f"P={d.p_dark:.3f}" in "".join(out.find(SVG + "text").itertext())
    assert f"R = {rgb[0] / 255:.3f}" in "".join(inputs[0].find(SVG + "text").itertext())
    assert f"= {rgb[0]} / 255" in title(inputs[0])


def test_weights_only_diagram_has_no_values(model):
    root = parse(network_svg(model))
    for n in groups(root, "node"):
        assert n.get("data-z") is None and n.get("data-x") is None
    labels = ["".join(n.find(SVG + "text").itertext()) for n in groups(root, "node")]
    assert labels == ["R", "G", "B", "h1.1", "h1.2", "h1.3", "out"]


def test_responsive_viewbox():
    for net in (default_model(), softmax_model(), deep_model((16,))):
        root = parse(network_svg(net))
        assert root.get("width") == "100%"
        _, _, w, h = map(float, root.get("viewBox").split())
        for c in root.iter(SVG + "circle"):  # every node inside the drawing
            assert 0 < float(c.get("cx")) < w and 0 < float(c.get("cy")) < h


def test_text_is_escaped_whatever_it_holds():
    """Only numbers and the app's own labels go in; a hostile activation name still comes out as text."""
    net = softmax_model()
    payload = '<script>alert(1)</script>"&\'<img src=x onerror=alert(2)>'
    fwd = forward_of(net)
    net.activation = payload
    svg = network_svg(net, fwd)
    assert "<script" not in svg and "<img" not in svg
    root = parse(svg)
    assert {el.tag for el in root.iter()} <= {SVG + t for t in ("svg", "g", "title", "desc", "line", "circle", "text", "tspan")}
    assert [t.text for t in root.iter(SVG + "tspan")].count(payload) == 2  # hidden 1 and hidden 2, as text


def bar(html: str) -> ET.Element:
    return ET.fromstring(html)  # well-formed markup, so it parses as XML


def style_of(el: ET.Element, prop: str) -> str:
    return re.search(rf"(?:^|;)\s*{prop}:\s*([^;]+)", el.get("style")).group(1).strip()


@pytest.mark.parametrize("p", [0.0, 0.0017, 0.25, 0.5, 0.8, 0.99999, 1.0])
def test_probability_bar_shows_value_and_threshold(p):
    root = bar(probability_bar_html(p, 0.5))
    fill = next(e for e in root.iter() if e.get("class") == "bar")
    assert style_of(fill, "width") == f"{p * 100:.2f}%"
    assert style_of(fill, "background") == (POSITIVE if p >= 0.5 else NEGATIVE)
    line = next(e for e in root.iter() if e.get("class") == "threshold")
    assert style_of(line, "left") == "50%" and "dashed" in style_of(line, "border-left")
    value = next(e for e in root.iter() if e.get("class") == "value")
    assert value.text == f"{p:.4f}"
    texts = ["".join(e.itertext()) for e in root.iter()]
    assert {"threshold 0.5", "← light text", "dark text →"} <= set(texts)
    assert float(root.get("data-p-dark")) == p
    assert root.get("aria-label").endswith("dark text" if p >= 0.5 else "light text")


def test_probability_bar_other_threshold():
    root = bar(probability_bar_html(0.6, 0.7))
    line = next(e for e in root.iter() if e.get("class") == "threshold")
    assert style_of(line, "left") == "70%"
    fill = next(e for e in root.iter() if e.get("class") == "bar")
    assert style_of(fill, "background") == NEGATIVE  # below this threshold: light text
    assert "threshold 0.7" in ["".join(e.itertext()) for e in root.iter()]


def _matrix_of(M) -> str:
    return r"\begin{bmatrix} " + r" \\ ".join(" & ".join(f"{v:.3f}" for v in row) for row in np.atleast_2d(M)) + r" \end{bmatrix}"


def test_forward_latex_has_the_numbers(model):
    d = decide(model, (255, 192, 203))
    lines = forward_latex(model, d.forward)
    text = "\n".join(lines)
    assert lines[1].startswith(r"\begin{aligned} Z_{1} &= W_{1} X + B_{1} \\ &= ")   # names, numbers, result
    assert lines[1].endswith(r" \\ &= " + _matrix_of(d.forward.Z[0]) + r" \end{aligned}")
    assert r"\operatorname{ReLU}(Z_{1})" in text
    assert "Z_{2} &= W_{2} A_{1} + B_{2}" in text
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
    assert "Z_{3} &= W_{3} A_{2} + B_{3}" in "\n".join(lines)
    assert r"\operatorname{LeakyReLU}(Z_{2})" in "\n".join(lines)


@pytest.mark.parametrize("rgb", [(255, 192, 203), (0, 0, 128)])
def test_the_diagram_names_the_decision_and_p_dark_for_screen_readers(model, rgb):
    d = decide(model, rgb)
    root = parse(network_svg(model, d.forward))
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert root.get("aria-labelledby") == title.get("id") and root.get("aria-describedby") == desc.get("id")
    assert title.text == f"The network's decision: {d.shade} text, P(dark text) = {d.p_dark:.4f}"
    assert f"R = {rgb[0]}, G = {rgb[1]}, B = {rgb[2]}" in desc.text and f"so {d.shade} text" in desc.text
    assert list(root)[:2] == [title, desc]  # the SVG's own title and description come first


def test_a_diagram_without_a_colour_names_its_layers(model):
    root = parse(network_svg(deep_model()))
    assert root.find(SVG + "title").text == "The network: 3 inputs, hidden layers of 8, 4 relu nodes, one logistic output"
    assert "P(dark text)" not in root.find(SVG + "desc").text
