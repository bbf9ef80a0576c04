"""The Backprop page's computation graph: every node and edge carries the Backprop object's own numbers, in its
data attributes and in text a reader sees, and the SVG names itself for screen readers and scales down."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from fontnet import backprop as bp
from fontnet import colors
from fontnet.figures.backprop import COST_FILL, INPUT_FILL, graph_summary, graph_svg, num
from fontnet.figures.network import NEGATIVE, NODE_FILL, POSITIVE, TEXT

SVG = "{http://www.w3.org/2000/svg}"


def signed_network(seed: int, activation: str, loss: str):
    """A 3-3-1 network with weights of both signs, so edges of both colours are drawn."""
    rng = np.random.default_rng(seed)
    return bp.network_from(rng.uniform(-1, 1, (3, 3)), rng.uniform(-1, 1, (3, 1)), rng.uniform(-1, 1, (1, 3)),
                           rng.uniform(-1, 1, (1, 1)), activation, loss)


CASES = {
    "fresh relu, squared": lambda: bp.explain(bp.fresh_network(3), (255, 192, 203), "dark"),
    "signed tanh, cross-entropy": lambda: bp.explain(signed_network(1, "tanh", "cross_entropy"), (10, 200, 30), 0),
    "signed leaky ReLU, squared": lambda: bp.explain(signed_network(7, "leaky_relu", "squared"), (90, 20, 240), 1),
}


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed: every text escaped
    assert root.tag == SVG + "svg"
    return root


def shown(g: ET.Element) -> str:
    """The text a reader sees in a group: its <text> elements, in order (not its hover <title>)."""
    return " ".join("".join(t.itertext()) for t in g.iter(SVG + "text"))


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(SVG + "g") if cls in (g.get("class") or "").split()]


def nodes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-node"): g for g in groups(root, "node")}


def expected_nodes(b: bp.Backprop) -> dict[str, tuple[float, float | None]]:
    """(data, grad) of every node, from the Backprop object's terms."""
    v = lambda name: b.term(name).value  # noqa: E731
    out = {f"x{j + 1}": (v("X")[j, 0], None) for j in range(3)}
    for i in range(3):
        out[f"Z1[{i + 1}]"] = (v("Z1")[i, 0], v("dC/dZ1")[i, 0])
        out[f"A1[{i + 1}]"] = (v("A1")[i, 0], v("dC/dA1")[0, i])
    out["Z2"] = (v("Z2")[0, 0], v("dC/dZ2")[0, 0])
    out["A2"] = (v("A2")[0, 0], v("dC/dA2")[0, 0])
    out["C"] = (b.cost, 1.0)
    return out


@pytest.mark.parametrize("case", CASES)
def test_every_node_shows_its_data_and_grad(case):
    b = CASES[case]()
    found = nodes(parse(graph_svg(b)))
    expected = expected_nodes(b)
    assert set(found) == set(expected)
    for name, (data, grad) in expected.items():
        g = found[name]
        assert float(g.get("data-data")) == float(data), name
        assert f"data {num(data)}" in shown(g), name
        if grad is None:
            assert g.get("data-grad") is None
        else:
            assert float(g.get("data-grad")) == float(grad), name
            assert f"grad {num(grad)}" in shown(g), name
    assert f"A1[1] = {b.network.activation}" in shown(found["A1[1]"])
    assert "P(dark)" in shown(found["A2"]) and f"C (Y = {b.label})" in shown(found["C"])
    assert ("= (A2 − Y)²" if b.loss == "squared" else "= cross-entropy") in shown(found["C"])


@pytest.mark.parametrize("case", CASES)
def test_every_weight_and_bias_shows_its_value_and_gradient(case):
    b = CASES[case]()
    root = parse(graph_svg(b))
    found = nodes(root)
    W, G = b.weights, b.gradients
    edges = {(g.get("data-param"), int(g.get("data-row")), int(g.get("data-col"))): g
             for g in groups(root, "edge") if g.get("data-param")}
    assert len(edges) == 12
    biggest = max(np.abs(W["W1"]).max(), np.abs(W["W2"]).max())
    for (param, i, j), g in edges.items():
        w, grad = W[param][i, j], G[param][i, j]
        assert float(g.get("data-weight")) == w and float(g.get("data-grad")) == grad
        title = g.find(SVG + "title").text
        assert f"{param}[" in title and num(w) in title and f"grad {num(grad)}" in title
        line = g.find(SVG + "line")
        assert line.get("stroke") == (POSITIVE if w >= 0 else NEGATIVE)
        assert float(line.get("stroke-width")) == pytest.approx(max(0.75, abs(w) / biggest * 8), abs=0.006)
        # no label on the edge: its value and gradient are a row of the table in the box it ends at, as the
        # chapter's matrices hold them (W1[i, j] in Z1[i]'s box, W2[j] in Z2's), and the edge ends at that row
        assert shown(g) == ""
        name, box = (f"W2[{j + 1}]", found["Z2"]) if param == "W2" else (f"W1[{i + 1},{j + 1}]", found[f"Z1[{i + 1}]"])
        assert f"{name} {num(w)} {num(grad)}" in shown(box)
        [row] = [t for t in box.iter(SVG + "text") if t.text == name]
        rect = box.find(SVG + "rect")
        assert float(line.get("x2")) == float(rect.get("x")) and abs(float(line.get("y2")) - float(row.get("y"))) < 8
    for i in range(3):
        z = found[f"Z1[{i + 1}]"]
        assert float(z.get("data-bias")) == W["B1"][i, 0] and float(z.get("data-bias-grad")) == G["B1"][i, 0]
        assert f"B1[{i + 1}] {num(W['B1'][i, 0])} {num(G['B1'][i, 0])}" in shown(z)
    z2 = found["Z2"]
    assert float(z2.get("data-bias")) == W["B2"][0, 0] and float(z2.get("data-bias-grad")) == G["B2"][0, 0]
    assert f"B2 {num(W['B2'][0, 0])} {num(G['B2'][0, 0])}" in shown(z2)
    if case != "fresh relu, squared":
        assert {line.get("stroke") for g in edges.values() for line in g.iter(SVG + "line")} >= {POSITIVE, NEGATIVE}


@pytest.mark.parametrize("case", CASES)
def test_the_derivative_edges_show_their_factors(case):
    b = CASES[case]()
    act = b.network.activation
    derivs = {g.get("data-source"): g for g in groups(parse(graph_svg(b)), "edge") if g.get("data-source")}
    expected = {f"z1-{i}": (f"{act}′", b.term("dA1/dZ1").value[i, 0]) for i in range(3)}
    expected["z2"] = ("logistic′", b.term("dA2/dZ2").value[0, 0])
    expected["a2"] = ("dC/dA2", b.term("dC/dA2").value[0, 0])
    assert set(derivs) == set(expected)
    for source, (name, value) in expected.items():
        g = derivs[source]
        assert float(g.get("data-derivative")) == value
        assert shown(g) == f"{name} = {num(value)}"
        assert num(value) in g.find(SVG + "title").text


def test_a_node_at_its_kink_says_so():
    W1 = [[0, 0, 0], [0.2, 0.4, 0.6], [0.5, 0.5, 0.5]]
    net = bp.network_from(W1, [[0], [0.1], [0.2]], [[0.3, 0.6, 0.9]], [[0.1]])  # Z1[1] = 0 for every colour
    b = bp.explain(net, (255, 192, 203), "dark")
    assert b.kinks == (0,)
    found = nodes(parse(graph_svg(b)))
    assert shown(found["Z1[1]"]).startswith("Z1[1] (kink)") and found["Z1[1]"].get("data-kink") == "1"
    assert found["Z1[1]"].find(SVG + "rect").get("stroke-dasharray")
    assert "(kink)" not in shown(found["Z1[2]"]) and found["Z1[2]"].get("data-kink") == "0"


def test_the_svg_names_itself_and_scales_down_only():
    b = CASES["fresh relu, squared"]()
    svg = graph_svg(b)
    assert "\n" not in svg  # one line: Markdown passes it through as HTML
    root = parse(svg)
    assert root.get("role") == "img" and root.get("class") == "backprop-graph"
    title = root.find(SVG + "title")
    desc = root.find(SVG + "desc")
    assert root.get("aria-labelledby") == title.get("id") and root.get("aria-describedby") == desc.get("id")
    assert f"cost C = {num(b.cost)}" in title.text and f"P(dark) = {num(b.term('A2').value[0, 0])}" in title.text
    assert desc.text == graph_summary(b) and f"C = {num(b.cost)}" in desc.text and "Y = 1" in desc.text
    _, _, width, _ = (float(v) for v in root.get("viewBox").split())
    style = root.get("style")
    assert root.get("width") == "100%" and "height: auto" in style
    assert re.search(r"max-width: (\d+)px", style).group(1) == f"{width:g}"


@pytest.mark.parametrize("case", CASES)
def test_the_boxes_fit_the_graph_apart_and_the_output_column_runs_down(case):
    """Every box lies inside the graph and apart from every other; A2 sits below Z2 and the cost C below A2, centred
    in Z2's column and joined by vertical edges whose labels sit to their right, inside the graph. So the chain fits
    720 units, a 1,024-pixel laptop's page at 10 px text or more (it was 892 units with A2 and C in a fifth column,
    and 1,052 with C in a sixth)."""
    b = CASES[case]()
    root = parse(graph_svg(b))
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    assert width <= 720
    boxes = {name: tuple(float(g.find(SVG + "rect").get(k)) for k in ("x", "y", "width", "height"))
             for name, g in nodes(root).items()}
    for name, (x, y, w, h) in boxes.items():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, name
    names = sorted(boxes)
    for i, p in enumerate(names):
        for q in names[i + 1:]:
            (x0, y0, w0, h0), (x1, y1, w1, h1) = boxes[p], boxes[q]
            assert x0 + w0 <= x1 or x1 + w1 <= x0 or y0 + h0 <= y1 or y1 + h1 <= y0, (p, q)
    assert min(x for name, (x, *_) in boxes.items() if name in ("Z2", "A2", "C")) > max(
        x + w for name, (x, _, w, _) in boxes.items() if name.startswith("A1"))   # the output column is the last
    centre = boxes["Z2"][0] + boxes["Z2"][2] / 2
    edges = {g.get("data-source"): g for g in groups(root, "edge") if g.get("data-source") in ("z2", "a2")}
    for (upper, lower), source in zip((("Z2", "A2"), ("A2", "C")), ("z2", "a2")):
        (ux, uy, uw, uh), (lx, ly, lw, _) = boxes[upper], boxes[lower]
        assert ux + uw / 2 == lx + lw / 2 == centre and ly > uy + uh, (upper, lower)
        line = edges[source].find(SVG + "line")
        x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
        assert x1 == x2 == centre and (y1, y2) == (uy + uh, ly)
        for text in edges[source].iter(SVG + "text"):   # its labels to its right, between the two boxes
            assert centre < float(text.get("x")) < width - 60 and uy + uh < float(text.get("y")) < ly


def test_its_text_has_at_least_4_5_to_1_contrast_on_every_fill():
    svg = graph_svg(CASES["fresh relu, squared"]())
    text = colors.parse_colour(TEXT)
    fills = set(re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', svg)) | {"#ffffff"}  # boxes, and the labels' halo
    assert fills == {NODE_FILL, INPUT_FILL, COST_FILL}
    for fill in fills:
        assert colors.contrast_ratio(text, colors.parse_colour(fill)) >= 4.5, fill
