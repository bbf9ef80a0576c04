"""What the Backprop page draws: tables of named matrices, the computation graph (Graphviz DOT) and a cost chart (SVG).

Pure functions of the engine's results (fontnet.backprop); only numbers and the engine's own names reach them.
"""

from __future__ import annotations

from html import escape

import numpy as np

from ..backprop import PARAMS, Backprop, Check, Step, Term
from .network import FONT_FAMILY, TEXT

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


def _colour(v: float) -> str:
    return POSITIVE if v >= 0 else NEGATIVE


def graph_dot(bp: Backprop) -> str:
    """The computation graph as micrograd's draw_dot shows it: each node with its value (data) and dC/d(node)
    (grad), each weight on its edge with its value and its gradient; inputs on the left, the cost on the right."""
    v = lambda name: bp.term(name).value  # noqa: E731
    X, Z1, A1, Z2, A2 = v("X")[:, 0], v("Z1")[:, 0], v("A1")[:, 0], v("Z2")[0, 0], v("A2")[0, 0]
    dZ1, dA1, dZ2 = v("dC/dZ1")[:, 0], v("dC/dA1")[0], v("dC/dZ2")[0, 0]
    dA2 = v("dC/dA2")[0, 0]
    W1, W2, B1, B2 = (bp.weights[k] for k in ("W1", "W2", "B1", "B2"))
    G = bp.gradients
    act = bp.network.activation

    def node(name: str, title: str, value: float, grad: float | None, fill: str = "#ffffff") -> str:
        g = "" if grad is None else f" | grad {num(grad)}"
        return f'  {name} [label="{title} | data {num(value)}{g}", fillcolor="{fill}"];'  # stacked: LR flips records

    lines = ["digraph backprop {", "  rankdir=LR; nodesep=0.15; ranksep=0.9;",
             '  node [shape=record, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for j, ch in enumerate("RGB"):
        lines.append(node(f"x{j}", f"x{j + 1} ({ch}/255)", X[j], None, "#f1f3f4"))
    for i in range(3):
        kink = " (kink)" if i in bp.kinks else ""
        lines.append(node(f"z{i}", f"Z1[{i + 1}] + B1 {num(B1[i, 0])} (grad {num(G['B1'][i, 0])}){kink}",
                          Z1[i], dZ1[i]))
        lines.append(node(f"a{i}", f"A1[{i + 1}] = {act}", A1[i], dA1[i]))
        lines.append(f'  z{i} -> a{i} [label="{act}′ = {num(v("dA1/dZ1")[i, 0])}"];')
        for j in range(3):
            w, g = W1[i, j], G["W1"][i, j]
            lines.append(f'  x{j} -> z{i} [label="W1[{i + 1},{j + 1}] {num(w)}\\ngrad {num(g)}", '
                         f'color="{_colour(w)}", penwidth={1 + min(abs(w), 4):.2f}];')
        w, g = W2[0, i], G["W2"][0, i]
        lines.append(f'  a{i} -> z2 [label="W2[{i + 1}] {num(w)}\\ngrad {num(g)}", color="{_colour(w)}", '
                     f'penwidth={1 + min(abs(w), 4):.2f}];')
    lines.append(node("z2", f"Z2 + B2 {num(B2[0, 0])} (grad {num(G['B2'][0, 0])})", Z2, dZ2))
    lines.append(node("a2", "A2 = logistic = P(dark)", A2, dA2))
    lines.append(f'  z2 -> a2 [label="logistic′ = {num(v("dA2/dZ2")[0, 0])}"];')
    lines.append(node("c", f"C (Y = {bp.label})", bp.cost, 1.0, "#fde7c8"))
    lines.append('  a2 -> c [label="dC/dA2"];')
    lines.append("}")
    return "\n".join(lines)


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


def cost_svg(costs: np.ndarray) -> str:
    """Each applied step's cost on its training row (grey dots) and its running mean over 20 steps (orange), as
    an SVG the server draws: no charting library for the browser to load. The numbers are in the element's
    data attributes (data-costs, data-means; 6 significant digits) and, in words, in its description."""
    costs = np.asarray(costs, dtype=float)
    mean = running_mean(costs)
    n = len(costs)
    W, H, left, right, top, bottom = 700, 220, 56, 14, 26, 38
    xt, yt = ticks(n, 8, whole=True), ticks(float(costs.max()))
    x = lambda i: left + (W - left - right) * i / xt[-1]  # noqa: E731  step i (1-based)
    y = lambda c: top + (H - top - bottom) * (1 - c / yt[-1])  # noqa: E731
    out = []
    for t in yt:
        out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>'
                   f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="11" fill="{TEXT}">{t:g}</text>')
    for t in xt:
        out.append(f'<text x="{x(t):.1f}" y="{H - bottom + 16}" text-anchor="middle" font-size="11" '
                   f'fill="{TEXT}">{t:g}</text>')
    out.append(f'<line x1="{left}" x2="{W - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="{TEXT}"/>')
    out.append(f'<text x="{left + (W - left - right) / 2:.1f}" y="{H - 4}" text-anchor="middle" font-size="12" '
               f'fill="{TEXT}">step</text><text transform="translate(14 {top + (H - top - bottom) / 2:.1f}) '
               f'rotate(-90)" text-anchor="middle" font-size="12" fill="{TEXT}">cost on the row</text>')
    dots = "".join(f"M{x(i + 1):.1f} {y(c):.1f}h0" for i, c in enumerate(costs))
    out.append(f'<path class="costs" d="{dots}" stroke="{DOTS}" stroke-width="3.5" stroke-linecap="round"/>')
    line = " ".join(f"{x(i + 1):.1f},{y(m):.1f}" for i, m in enumerate(mean))
    out.append(f'<polyline class="mean" points="{line}" fill="none" stroke="{POSITIVE}" stroke-width="2"/>')
    out.append(f'<g font-size="11" fill="{TEXT}"><path d="M{left + 8} 12h0" stroke="{DOTS}" stroke-width="3.5" '
               f'stroke-linecap="round"/><text x="{left + 16}" y="16">cost on the row</text>'
               f'<line x1="{left + 120}" x2="{left + 140}" y1="12" y2="12" stroke="{POSITIVE}" stroke-width="2"/>'
               f'<text x="{left + 146}" y="16">running mean of {MEAN_OF} steps</text></g>')
    values = lambda v: " ".join(f"{float(c):.6g}" for c in v)  # noqa: E731
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="backprop-costs" viewBox="0 0 {W} {H}" width="100%" '
            f'role="img" aria-labelledby="backprop-costs-title" aria-describedby="backprop-costs-desc" '
            f'data-steps="{n}" data-costs="{values(costs)}" data-means="{values(mean)}" '
            f'style="display: block; width: 100%; height: auto; font-family: {FONT_FAMILY}">'
            f'<title id="backprop-costs-title">The cost of each step applied here, and its running mean</title>'
            f'<desc id="backprop-costs-desc">{escape(cost_summary(costs))}</desc>{"".join(out)}</svg>')
