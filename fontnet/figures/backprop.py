"""What the Backprop page draws: tables of named matrices, the computation graph and a cost chart (both SVG).

Pure functions of the engine's results (fontnet.backprop); only numbers and the engine's own names reach them.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..backprop import PARAMS, Backprop, Check, Step, Term
from .fit import below, fitted
from .network import FONT_FAMILY, NODE_FILL, NODE_LINE, TEXT, _title, edge_width
from .network import NEGATIVE as EDGE_NEGATIVE
from .network import POSITIVE as EDGE_POSITIVE

POSITIVE, NEGATIVE = "#e8710a", "#1a73e8"  # as the network diagram: orange positive, blue negative
DOTS, GRID = "#9aa0a6", "#ebe9e3"
MEAN_OF = 20   # the cost chart's running mean: this many steps


def num(v: float, digits: int = 4) -> str:
    """A number for a table: 4 significant digits, scientific when small or large."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    return f"{v:.{digits}g}"


def matrix_text(M: np.ndarray, digits: int = 4) -> str:
    """A small matrix on one line, rows separated by semicolons: [0.1 0.2; 0.3 0.4]."""
    rows = np.atleast_2d(M)
    return "[" + "; ".join(" ".join(num(float(v), digits) for v in row) for row in rows) + "]"


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape)


def terms_table(terms: tuple[Term, ...]) -> str:
    """A Markdown table: name, how it is computed, shape, numbers."""
    lines = ["| term | computed as | shape | value |", "|---|---|---|---|"]
    lines += [f"| **{t.name}** | {t.formula} | {shape_text(t.shape)} | `{matrix_text(t.value)}` |" for t in terms]
    return "\n".join(lines)


def entry_name(param: str, idx: tuple[int, ...]) -> str:
    """W1[2,3] or B1[2], 1-based as the chapter counts nodes."""
    return f"{param}[{idx[0] + 1},{idx[1] + 1}]" if param[0] == "W" else f"{param}[{idx[0] + 1}]"


def gradient_rows(bp: Backprop, chk: Check, st: Step, printed: bool = False) -> list[dict[str, str]]:
    """One row per weight and bias: value, dC/d·, finite-difference estimate, relative error, the listing's
    update (with `printed`), and the value after the step."""
    after = None if st.after is None else dict(zip(PARAMS, (st.after.weights_[0], st.after.biases_[0],
                                                             st.after.weights_[1], st.after.biases_[1])))
    printed_update = {"W1": bp.term("printed W1 update").value, "B1": bp.term("printed B1 update").value}
    rows = []
    for param in PARAMS:
        for idx in np.ndindex(bp.weights[param].shape):
            err = chk.error[param][idx]
            node = idx[0] if param in ("W1", "B1") else None
            note = "ReLU at its kink" if node is not None and node in chk.kinks else (
                "both below 1e-12" if np.isnan(err) else "")
            row = {"parameter": entry_name(param, idx), "value": num(bp.weights[param][idx]),
                   "dC/d (chain rule)": num(chk.analytic[param][idx], 6),
                   "finite difference": num(chk.numeric[param][idx], 6),
                   "relative error": num(err, 2) + (f" ({note})" if note else "")}
            if printed:
                row["as printed"] = num(printed_update[param][idx], 6) if param in printed_update else "same"
            row["after the step"] = num(after[param][idx]) if after else "—"
            rows.append(row)
    return rows


def markdown_table(rows: list[dict[str, str]]) -> str:
    head = list(rows[0])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r[h] for h in head) + " |" for r in rows]
    return "\n".join(out)


# The graph's own units (the SVG scales down to its container, never up): four columns left to right, three rows;
# the output column stacks Z2, A2 below it and the cost C below that, and Z2 lists its weights W2 as each Z1 box
# lists W1, so the edges into it need no labels: the whole chain fits a 1,024-pixel laptop's page at 10.1 px text.
GRAPH_FONT, LINE, PAD = 12, 15, 8  # text size, line pitch, padding inside a box
GRAPH_TOP, ROW = 40, 156  # the column headings above the rows; one row per input / hidden node
# (left edge, width) of each column's boxes: x, Z1, A1, Z2 (and A2 and C, narrower, centred below Z2); the gaps
# hold the edges, and the one from Z1 to A1 the activation's slope
COLUMNS = {"x": (6, 80), "z1": (128, 184), "a1": (378, 112), "z2": (532, 184)}
COLUMNS["a2"] = (COLUMNS["z2"][0] + 42, 100)
GRAPH_WIDTH = 720
GRAPH_HEIGHT = GRAPH_TOP + 3 * ROW + 4
TABLE_X = (PAD, 62, 120)  # the name, value and grad columns of a box's weight table, from the box's left edge
INPUT_FILL, COST_FILL = "#f1f3f4", "#fde7c8"


def _colour(w: float) -> str:
    return EDGE_POSITIVE if w >= 0 else EDGE_NEGATIVE


def _text(x: float, y: float, s: str, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="600"' if bold else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{weight}>{escape(s)}</text>'


def _row_y(k: int) -> float:
    """The centre line of row k (0, 1, 2 from the top)."""
    return GRAPH_TOP + ROW * (k + 0.5)


def _attrs(**data: float | int | str) -> str:
    """data-* attributes; floats as repr, so a test reads back exactly the number drawn from."""
    return "".join(f' data-{k.replace("_", "-")}="{escape(v if isinstance(v, str) else repr(v))}"'
                   for k, v in data.items())


class _Box:
    """A node: a rounded box in one column, centred on a row, with lines of text and an optional weight table."""

    def __init__(self, col: str, y: float, lines: list[str], table: list[tuple[str, float, float]] = ()):
        self.left, self.width = COLUMNS[col]
        self.lines, self.table = lines, list(table)
        n = len(lines) + (len(self.table) + 1 if self.table else 0)
        self.height = n * LINE + 2 * PAD
        self.top = y - self.height / 2
        self.right, self.y = self.left + self.width, y

    def line_y(self, k: int) -> float:
        """Baseline of text line k (the table's header is line len(lines), its rows follow)."""
        return self.top + PAD + (k + 1) * LINE - 3.5

    def row_mid(self, r: int) -> float:
        """Middle of the table's row r, where the edge carrying that weight ends."""
        return self.line_y(len(self.lines) + 1 + r) - 4

    def svg(self, fill: str, cls: str, hover: str, data: str, dashed: bool = False) -> str:
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out = [f'<g class="node {cls}"{data}>{_title(hover)}'
               f'<rect x="{self.left}" y="{self.top:.1f}" width="{self.width}" height="{self.height}" rx="6" '
               f'fill="{fill}" stroke="{NODE_LINE}" stroke-width="1.5"{dash}/>']
        out += [_text(self.left + PAD, self.line_y(k), s, bold=k == 0) for k, s in enumerate(self.lines)]
        if self.table:
            k = len(self.lines)
            out += [_text(self.left + TABLE_X[1], self.line_y(k), "value"),
                    _text(self.left + TABLE_X[2], self.line_y(k), "grad")]
            for r, (name, value, grad) in enumerate(self.table, start=k + 1):
                out += [_text(self.left + x, self.line_y(r), s) for x, s in zip(TABLE_X, (name, num(value), num(grad)))]
        return "".join(out) + "</g>"


def _edge(x0: float, y0: float, x1: float, y1: float, hover: str, data: str, colour: str = NODE_LINE,
          width: float = 1.5, labels: str = "") -> str:
    ends = f'x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}"'
    # a wide transparent copy of the line, so a thin edge is as easy to hover as a thick one
    return (f'<g class="edge"{data}>{_title(hover)}<line {ends} stroke="{colour}" stroke-width="{width:.2f}" '
            f'stroke-opacity="0.8"/><line {ends} stroke="transparent" stroke-width="10"/>{labels}</g>')


def _over_under(x: float, y: float, above: str, below: str) -> str:
    """A label for a horizontal edge: its name above the line, its number below, with a white halo."""
    return (f'<g text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f'{_text(x, y - 6, above, "middle")}{_text(x, y + 15, below, "middle")}</g>')


def _beside(x: float, top: float, bottom: float, name: str, value: str) -> str:
    """A label for a vertical edge from `top` down to `bottom`: its name and number to its right, with a white halo."""
    mid = (top + bottom) / 2
    return (f'<g stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f'{_text(x + 8, mid - 2, name)}{_text(x + 8, mid + LINE - 2, value)}</g>')


def graph_summary(bp: Backprop) -> str:
    """The graph in words, for screen readers: what it shows, the output and the cost."""
    A2 = float(bp.term("A2").value[0, 0])
    return (f"Left to right: the inputs x1, x2, x3 (R, G and B divided by 255) feed three {bp.network.activation} "
            f"hidden nodes (Z1 then A1), which feed the output Z2; below Z2 comes A2 = logistic(Z2) = P(dark) = "
            f"{num(A2)}, and below A2 the cost C = {num(bp.cost)} for the label Y = {bp.label}. Each node shows its "
            "value (data) and the slope of the cost with respect to it (grad); each Z node lists the weights and bias "
            "that make it (W1 and B1 in each Z1 node, W2 and B2 in Z2) with their gradients, and the edges from Z to "
            "A the activation's derivative. Orange edges are positive weights, blue negative; width grows with the "
            "weight's size.")


def _graph_edges(bp: Backprop, xs: list[_Box], z1: list[_Box], a1: list[_Box], z2: _Box, a2: _Box, c: _Box) -> list[str]:
    """The graph's edges between its boxes: W1 and W2 (coloured and as wide as the weight, with value and gradient),
    the activations' slopes and dC/dA2, each with its numbers in its hover text and data attributes."""
    v = lambda name: bp.term(name).value  # noqa: E731
    f = lambda x: float(x)  # noqa: E731
    dA2, dA1_dZ1, dA2_dZ2 = v("dC/dA2")[0, 0], v("dA1/dZ1")[:, 0], v("dA2/dZ2")[0, 0]
    W1, W2, G, act = bp.weights["W1"], bp.weights["W2"], bp.gradients, bp.network.activation
    biggest = max(float(np.abs(W1).max()), float(np.abs(W2).max())) or 1.0
    edges = []
    for i in range(3):
        for j in range(3):
            w, g = f(W1[i, j]), f(G["W1"][i, j])
            edges.append(_edge(xs[j].right, xs[j].y, z1[i].left, z1[i].row_mid(1 + j),
                               f"W1[{i + 1},{j + 1}] = {num(w)}, grad {num(g)}\nx{j + 1} → Z1[{i + 1}]",
                               _attrs(param="W1", row=i, col=j, weight=w, grad=g),
                               _colour(w), edge_width(w, biggest)))
        d = f(dA1_dZ1[i])
        edges.append(_edge(z1[i].right, z1[i].y, a1[i].left, a1[i].y,
                           f"{act}′(Z1[{i + 1}]) = dA1[{i + 1}]/dZ1[{i + 1}] = {num(d)}",
                           _attrs(derivative=d, source=f"z1-{i}"),
                           labels=_over_under((z1[i].right + a1[i].left) / 2, z1[i].y, f"{act}′", f"= {num(d)}")))
        w, g = f(W2[0, i]), f(G["W2"][0, i])
        edges.append(_edge(a1[i].right, a1[i].y, z2.left, z2.row_mid(1 + i),
                           f"W2[{i + 1}] = {num(w)}, grad {num(g)}\nA1[{i + 1}] → Z2",
                           _attrs(param="W2", row=0, col=i, weight=w, grad=g),
                           _colour(w), edge_width(w, biggest)))
    # A2 sits below Z2 and C below A2: each edge runs down between them, its name and number to its right
    x = a2.left + a2.width / 2
    d = f(dA2_dZ2)
    edges.append(_edge(x, z2.top + z2.height, x, a2.top, f"logistic′(Z2) = dA2/dZ2 = {num(d)}",
                       _attrs(derivative=d, source="z2"),
                       labels=_beside(x, z2.top + z2.height, a2.top, "logistic′", f"= {num(d)}")))
    edges.append(_edge(x, a2.top + a2.height, x, c.top, f"dC/dA2 = {num(dA2)}", _attrs(derivative=f(dA2), source="a2"),
                       labels=_beside(x, a2.top + a2.height, c.top, "dC/dA2", f"= {num(dA2)}")))
    return edges


def graph_svg(bp: Backprop) -> str:
    """The computation graph as micrograd's draw_dot shows it, drawn by the server as one SVG: each node with its
    value (data) and dC/d(node) (grad), each weight with its value and gradient; inputs on the left, the output Z2
    on the right with A2 below it and the cost C below that. Each node's and edge's numbers are also in its <title>
    (hover text) and data attributes."""
    v = lambda name: bp.term(name).value  # noqa: E731
    X, Z1, A1, Z2, A2 = v("X")[:, 0], v("Z1")[:, 0], v("A1")[:, 0], v("Z2")[0, 0], v("A2")[0, 0]
    dZ1, dA1, dZ2, dA2 = v("dC/dZ1")[:, 0], v("dC/dA1")[0], v("dC/dZ2")[0, 0], v("dC/dA2")[0, 0]
    W1, B1, W2, B2 = (bp.weights[k] for k in ("W1", "B1", "W2", "B2"))
    G = bp.gradients
    act = bp.network.activation
    f = lambda x: float(x)  # noqa: E731

    xs = [_Box("x", _row_y(j), [f"x{j + 1} ({ch}/255)", f"data {num(X[j])}"]) for j, ch in enumerate("RGB")]
    z1 = [_Box("z1", _row_y(i), [f"Z1[{i + 1}]" + (" (kink)" if i in bp.kinks else ""), f"data {num(Z1[i])}",
                                 f"grad {num(dZ1[i])}"],
               [(f"B1[{i + 1}]", B1[i, 0], G["B1"][i, 0])]
               + [(f"W1[{i + 1},{j + 1}]", W1[i, j], G["W1"][i, j]) for j in range(3)]) for i in range(3)]
    a1 = [_Box("a1", _row_y(i), [f"A1[{i + 1}] = {act}", f"data {num(A1[i])}", f"grad {num(dA1[i])}"])
          for i in range(3)]
    z2 = _Box("z2", _row_y(0), ["Z2", f"data {num(Z2)}", f"grad {num(dZ2)}"],
              [("B2", B2[0, 0], G["B2"][0, 0])] + [(f"W2[{i + 1}]", W2[0, i], G["W2"][0, i]) for i in range(3)])
    a2 = _Box("a2", _row_y(1), ["A2 = logistic", "= P(dark)", f"data {num(A2)}", f"grad {num(dA2)}"])
    cost = "(A2 − Y)²" if bp.loss == "squared" else "cross-entropy"
    c = _Box("a2", _row_y(2), [f"C (Y = {bp.label})", f"= {cost}", f"data {num(bp.cost)}", "grad 1"])

    edges = _graph_edges(bp, xs, z1, a1, z2, a2, c)

    heads = {"x": "X = RGB / 255", "z1": "Z1 = W1·X + B1", "a1": f"A1 = {act}(Z1)", "z2": "Z2 = W2·A1 + B2"}
    out = [_text(COLUMNS[col][0] + COLUMNS[col][1] / 2, 18, head, "middle", bold=True) for col, head in heads.items()]
    out += ['<g class="edges" stroke-linecap="round">', *edges, "</g>"]
    for j, b in enumerate(xs):
        out.append(b.svg(INPUT_FILL, "x", f"x{j + 1} = {'RGB'[j]} / 255 = {num(X[j], 6)}",
                         _attrs(node=f"x{j + 1}", data=f(X[j]))))
    for i in range(3):
        out.append(z1[i].svg(NODE_FILL, "z1", f"Z1[{i + 1}]: data {num(Z1[i], 6)}, grad {num(dZ1[i], 6)}",
                             _attrs(node=f"Z1[{i + 1}]", data=f(Z1[i]), grad=f(dZ1[i]), bias=f(B1[i, 0]),
                                    bias_grad=f(G["B1"][i, 0]), kink=int(i in bp.kinks)), dashed=i in bp.kinks))
        out.append(a1[i].svg(NODE_FILL, "a1", f"A1[{i + 1}] = {act}(Z1[{i + 1}]): data {num(A1[i], 6)}, "
                                              f"grad {num(dA1[i], 6)}",
                             _attrs(node=f"A1[{i + 1}]", data=f(A1[i]), grad=f(dA1[i]))))
    out.append(z2.svg(NODE_FILL, "z2", f"Z2: data {num(Z2, 6)}, grad {num(dZ2, 6)}",
                      _attrs(node="Z2", data=f(Z2), grad=f(dZ2), bias=f(B2[0, 0]), bias_grad=f(G["B2"][0, 0]))))
    out.append(a2.svg(NODE_FILL, "a2", f"A2 = P(dark): data {num(A2, 6)}, grad {num(dA2, 6)}",
                      _attrs(node="A2", data=f(A2), grad=f(dA2))))
    out.append(c.svg(COST_FILL, "c", f"C = {cost} with Y = {bp.label}: data {num(bp.cost, 6)}, grad 1",
                     _attrs(node="C", data=f(bp.cost), grad=1.0, label=bp.label)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="backprop-graph" viewBox="0 0 {GRAPH_WIDTH} '
            f'{GRAPH_HEIGHT}" width="100%" role="img" aria-labelledby="backprop-graph-title" '
            f'aria-describedby="backprop-graph-desc" font-size="{GRAPH_FONT}" fill="{TEXT}" '
            f'style="display: block; width: 100%; max-width: {GRAPH_WIDTH}px; height: auto; '
            f'font-family: {FONT_FAMILY}"><title id="backprop-graph-title">The computation graph for this colour: '
            f'P(dark) = {num(A2)}, cost C = {num(bp.cost)}</title>'
            f'<desc id="backprop-graph-desc">{escape(graph_summary(bp))}</desc>{"".join(out)}</svg>')


def running_mean(costs: np.ndarray, k: int = MEAN_OF) -> np.ndarray:
    """The mean of each step's cost and the up to k - 1 before it (fewer at the start)."""
    costs = np.asarray(costs, dtype=float)
    k = max(1, min(k, len(costs)))
    return np.convolve(costs, np.ones(k))[:len(costs)] / np.minimum(np.arange(1, len(costs) + 1), k)


def ticks(hi: float, n: int = 5, whole: bool = False) -> np.ndarray:
    """Round tick values from 0 to at least `hi`, about n of them (1, 2 or 5 times a power of ten apart)."""
    span = hi if hi > 0 else 1.0
    step = 10.0 ** np.floor(np.log10(span / n))
    step *= next(m for m in (1, 2, 5, 10) if span / (step * m) <= n)
    if whole:
        step = max(step, 1.0)
    return np.arange(0, np.ceil(span / step - 1e-9) * step + step / 2, step)


def cost_summary(costs: np.ndarray) -> str:
    """The cost chart in words: the first and the last step's cost and the running mean at the end."""
    costs = np.asarray(costs, dtype=float)
    n, k = len(costs), min(MEAN_OF, len(costs))
    return (f"{n} step{'s' if n != 1 else ''}: the cost on the row went from {num(costs[0])} (step 1) to "
            f"{num(costs[-1])} (step {n}); the mean of the last {k} step{'s' if k != 1 else ''} is "
            f"{num(running_mean(costs)[-1])}.")


COST_TEXT = 11   # the cost chart's smallest text (its ticks and legend), in the drawing's units
# the cost chart's layouts: its width, the plot's left edge, at most this many x ticks, the suffix of its ids
COSTS_WIDE, COSTS_NARROW = (700, 56, 8, "w"), (344, 50, 5, "n")   # the narrow: 10-px text from a 313-px box


def cost_svg(costs: np.ndarray) -> str:
    """Each applied step's cost on its training row (grey dots) and its running mean over 20 steps (orange), as
    an SVG the server draws: no charting library for the browser to load; drawn for a wide box and for a narrow
    one (fit.fitted). The numbers are in the element's data attributes (data-costs, data-means; 6 significant
    digits) and, in words, in its description."""
    costs = np.asarray(costs, dtype=float)
    mean = running_mean(costs)
    wide, narrow = (_cost_drawing(costs, mean, *layout) for layout in (COSTS_WIDE, COSTS_NARROW))
    return fitted(wide, narrow, below(COSTS_WIDE[0], COST_TEXT))


def _cost_drawing(costs: np.ndarray, mean: np.ndarray, W: int, left: int, most_ticks: int, ids: str) -> str:
    n = len(costs)
    H, right, top, bottom = 220, 14, 26, 38
    xt, yt = ticks(n, most_ticks, whole=True), ticks(float(costs.max()))
    x = lambda i: left + (W - left - right) * i / xt[-1]  # noqa: E731  step i (1-based)
    y = lambda c: top + (H - top - bottom) * (1 - c / yt[-1])  # noqa: E731
    out = []
    for t in yt:
        out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="{COST_TEXT}" '
                   f'fill="{TEXT}">{t:g}</text>')
    for t in xt:
        out.append(f'<text x="{x(t):.1f}" y="{H - bottom + 16}" text-anchor="middle" font-size="{COST_TEXT}" '
                   f'fill="{TEXT}">{t:g}</text>')
    out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{TEXT}"/>')
    out.append(f'<text x="{left + (W - left - right) / 2:.1f}" y="{H - 4}" text-anchor="middle" font-size="12" '
               f'fill="{TEXT}">step</text><text transform="translate(14 {top + (H - top - bottom) / 2:.1f}) '
               f'rotate(-90)" text-anchor="middle" font-size="12" fill="{TEXT}">cost on the row</text>')
    dots = "".join(f"M{x(i + 1):.1f} {y(c):.1f}h0" for i, c in enumerate(costs))
    out.append(f'<path class="costs" d="{dots}" stroke="{DOTS}" stroke-width="3.5" stroke-linecap="round"/>')
    line = " ".join(f"{x(i + 1):.1f},{y(m):.1f}" for i, m in enumerate(mean))
    out.append(f'<polyline class="mean" points="{line}" fill="none" stroke="{POSITIVE}" stroke-width="2"/>')
    out.append(f'<g font-size="{COST_TEXT}" fill="{TEXT}"><path d="M{left + 8} 12h0" stroke="{DOTS}" '
               f'stroke-width="3.5" stroke-linecap="round"/><text x="{left + 16}" y="16">cost on the row</text>'
               f'<line x1="{left + 120}" x2="{left + 140}" y1="12" y2="12" stroke="{POSITIVE}" stroke-width="2"/>'
               f'<text x="{left + 146}" y="16">running mean of {MEAN_OF} steps</text></g>')
    values = lambda v: " ".join(f"{float(c):.6g}" for c in v)  # noqa: E731
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="backprop-costs" viewBox="0 0 {W} {H}" width="100%" '
            f'role="img" aria-labelledby="backprop-costs-title-{ids}" aria-describedby="backprop-costs-desc-{ids}" '
            f'data-steps="{n}" data-costs="{values(costs)}" data-means="{values(mean)}" '
            f'style="display: block; width: 100%; max-width: {W * 1.4:.0f}px; height: auto; '
            f'font-family: {FONT_FAMILY}">'
            f'<title id="backprop-costs-title-{ids}">The cost of each step applied here, and its running mean</title>'
            f'<desc id="backprop-costs-desc-{ids}">{escape(cost_summary(costs))}</desc>{"".join(out)}</svg>')
