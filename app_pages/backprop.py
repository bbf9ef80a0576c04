"""Backprop: one step of learning for one colour, every derivative with the chapter's names and real numbers."""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import first_paint, links, presses, state
from app.cost_surface import show_step_surface
from app.page_kit import Flash
from app.presses import whole_callback
from app.your_turn import show as show_your_turn
from fontnet import backprop, colors, presets
from fontnet.activations import ACTIVATIONS
from fontnet.figures.backprop import (
    cost_summary,
    cost_svg,
    gradient_rows,
    graph_svg,
    markdown_table,
    matrix_text,
    num,
    terms_table,
)
from fontnet.network import Network
from fontnet.parsing import counted
from fontnet.printed_update import cached_comparison
from fontnet.settings import BACKPROP as SCHEMA

STEPPED = "backprop_network"  # the picked network as the steps here left it: {"picked": key, "net", "steps", "costs"}
FLASH = Flash("backprop")
K = links.keys(SCHEMA)
ss = st.session_state


def setting(name: str) -> object:
    return links.setting(SCHEMA, name)


@whole_callback
def set_bg(hex_colour: str) -> None:
    links.set_setting(SCHEMA, "bg", hex_colour)


def picked_network() -> tuple[tuple, Network, str | None]:
    """The network the controls pick: (a key naming it, the network, a note when the pick could not be used)."""
    pick = setting("model")
    if pick == "fresh":
        seed = int(setting("seed"))
        return ("fresh", seed), backprop.fresh_network(seed), None
    note = None
    if pick == "session":
        if state.using_session_model():
            model = state.active_model()
            try:
                backprop.check_chapter_shape(model)
                return ("session", id(model)), model, None
            except backprop.BackpropError as e:
                note = f"Your model cannot be shown here: {e}. Showing the default model."
        else:
            note = ("This session has no model of its own yet (train one, or apply a step below and press "
                    "\"Use this model\"). Showing the default model.")
    return ("default",), state.shared_default_model(), note


def working() -> tuple[dict, str | None]:
    """The page's network: the picked one, or what the steps applied here made of it."""
    key, net, note = picked_network()
    work = ss.get(STEPPED)
    if work is None or work["picked"] != key:
        work = ss[STEPPED] = {"picked": key, "net": net, "steps": 0, "costs": []}
    return work, note


def settings() -> tuple[colors.RGB, str, str, str, float]:
    rgb = colors.parse_colour(setting("bg"))
    return rgb, setting("label"), setting("act"), setting("loss"), float(setting("lr"))


def network_words(key: tuple) -> str:
    return {"fresh": f"fresh weights, seed {key[-1]}", "default": "the default model",
            "session": "this session's model"}[key[0]]


@whole_callback
def on_apply() -> None:
    work, _ = working()
    rgb, label, act, loss, lr = settings()
    X, Y, _ = backprop.sample(rgb, label)
    s = backprop.step(backprop.configured(work["net"], act, loss), X, Y, lr)
    if s.after is None:
        FLASH("error", s.problem)
        return
    work.update(net=s.after, steps=work["steps"] + 1)
    FLASH("success", f"Step applied: the cost on this colour went from {num(s.cost_before, 6)} to "
                     f"{num(s.cost_after, 6)}.")


@whole_callback
def on_apply_n() -> None:
    work, _ = working()
    _, _, act, loss, lr = settings()
    n = int(setting("steps"))
    res = backprop.random_steps(backprop.configured(work["net"], act, loss), n, lr, seed=work["steps"])
    work.update(net=res.after, steps=work["steps"] + len(res.costs), costs=[*work["costs"], *res.costs.tolist()])
    if res.problem:
        FLASH("error", res.problem)
    else:
        FLASH("success", f"{counted(len(res.costs), 'step')} applied on random training rows.")


@whole_callback
def on_use() -> None:
    work, _ = working()
    name = network_words(work["picked"])
    n = work["steps"]
    state.use_model(backprop.configured(work["net"]), f"Backprop: {name} after {counted(n, 'step')}")
    FLASH("success", "The Predict page now uses this network, for this session only.")


@whole_callback
def on_reset() -> None:
    ss.pop(STEPPED, None)


def steps_chart(work: dict) -> None:
    """The cost of every step applied here, with a running mean of 20 (orange), and the same in words."""
    costs = np.array(work["costs"])
    with st.container(key="costs"):
        st.markdown(f"<div>{cost_svg(costs)}</div>", unsafe_allow_html=True)
        st.caption(cost_summary(costs))


def show_sympy(b: backprop.Backprop) -> None:
    """The factors derived by SymPy, and its derivatives of the whole network evaluated here."""
    with st.spinner("SymPy is deriving the expressions (a few seconds the first time)…"):
        from fontnet import symbolic  # SymPy loads only here, when asked for

        d = symbolic.derive(b.network.activation, b.loss)
        sym = symbolic.gradients_at(b)
    with st.container(border=True, key="sympy_box"):
        for line in d.lines:
            st.latex(line)
        gap = max(float(np.max(np.abs(sym[k] - b.gradients[k]))) for k in backprop.PARAMS)
        st.markdown(f"SymPy also differentiates the whole network's cost with respect to each of the 16 weights "
                    f"and biases. Evaluated at this colour and these weights, its derivatives differ from the "
                    f"chain rule's by at most **{num(gap, 2)}**.")
        if st.toggle("Show SymPy's dC/dw₁₁ in full", key="sympy_full"):
            st.latex(d.example)


def show_worked(b: backprop.Backprop, chk: backprop.Check, s: backprop.Step) -> bool:
    """The forward pass, the backward pass term by term, the computation graph and the finite-difference check;
    returns whether "As printed in the chapter" is on."""
    st.subheader("Forward pass")
    st.markdown(terms_table(b.forward))
    st.metric("Cost C", num(b.cost, 6))

    st.subheader("Backward pass, term by term")
    st.markdown("The chapter's factors: how each quantity changes with the one before it.")
    st.markdown(terms_table(b.factors))
    st.markdown("Multiplied along the chain, they give the slope of the cost for every weight and bias "
                "(dC/dZ2 and dC/dZ1 are the shared parts, written out).")
    st.markdown(terms_table(b.products))
    with st.expander("The computation graph", expanded=True):
        st.caption("Each node shows its value (data) and the slope of the cost with respect to it (grad), as "
                   "micrograd's draw_dot does. Each Z node lists the weights on the edges coming into it, and its bias, "
                   "with their gradients: W1 and B1 in each Z1 node, W2 and B2 in Z2. Orange edges are positive "
                   "weights, blue negative, wider the larger; hover over an edge for its numbers.")
        with st.container(key="graph"):
            # legible on a narrow screen: it scrolls sideways in its own box there (app/access.css, access.js)
            st.markdown(f'<div class="fontnet-scroll-x" data-scroll-label="The computation graph, scrolls sideways">'
                        f'{graph_svg(b)}</div>', unsafe_allow_html=True)

    if st.toggle("Derive it with SymPy", key=K["sympy"],
                 help="SymPy, the chapter's tool for derivatives, differentiates the same expressions symbolically."):
        show_sympy(b)

    st.subheader("Checked, not claimed")
    st.markdown("Beside every gradient entry: a central finite difference, (C(w + h) − C(w − h)) / 2h, computed "
                "by nudging that one weight, and the relative error between the two.")
    if b.kinks:
        nodes = ", ".join(str(i + 1) for i in b.kinks)
        st.warning(f"Hidden node {nodes}: its ReLU input is within 1e-6 of 0, at the kink where the slope is not "
                   "defined. There the finite difference averages the two sides and cannot match.")
    printed_on = st.toggle("As printed in the chapter", key=K["printed"],
                           help="The listing's dC_dW1 line, and what it does.")
    with st.container(key="fd_table"):
        st.markdown(markdown_table(gradient_rows(b, chk, s, printed=printed_on)))
    if chk.compared:
        st.caption(f"Worst relative error over the {chk.compared} entries compared: {num(chk.worst, 2)}."
                   + ("" if chk.compared == 16 else " The others are below 1e-12 on both sides: no digits are left "
                                                    "to compare in double precision."))
    else:
        st.caption("Every gradient here is below 1e-12 on both sides (the output is saturated: the cost on this "
                   "colour is as good as 0), so no digits are left to compare in double precision.")
    return printed_on


def show_step_settings() -> None:
    """The step's label, network, seed, activation, loss and learning rate."""
    c1, c2, c3 = st.columns([1.6, 1.8, 1.3])  # the largest seed whole in its box from 1,024 px
    for name, label, row in (("label", "Label Y", c1), ("model", "Network", c2)):
        row.radio(label, SCHEMA[name].kind.names, format_func=SCHEMA[name].kind.label, key=K[name], horizontal=True)
    seed = SCHEMA["seed"].kind
    c3.number_input("Seed", seed.lo, seed.hi, key=K["seed"], disabled=setting("model") != "fresh",
                    help="Fresh weights: uniform in [0, 1), as the chapter.")
    c1, c2, c3 = st.columns(3)
    c1.selectbox("Hidden activation", SCHEMA["act"].kind.names, format_func=SCHEMA["act"].kind.label, key=K["act"])
    # the loss by its name only, whole in its box on a 1024-pixel screen; its formula is in the line below
    c2.selectbox("Loss", SCHEMA["loss"].kind.names, format_func=backprop.LOSS_SHORT.get, key=K["loss"])
    lr = SCHEMA["lr"].kind
    c3.number_input("Learning rate L", lr.lo, lr.hi, format="%g", key=K["lr"],
                    help="The chapter uses 0.05. A very large one makes the step blow up.")


def show_costs(s: backprop.Step) -> None:
    m1, m2 = st.columns(2)
    m1.metric("Cost before", num(s.cost_before, 6))
    m2.metric("Cost after one step", num(s.cost_after, 6), num(s.cost_after - s.cost_before, 3), delta_color="inverse")


st.title("Backprop")
st.markdown("One step of learning for one colour. The cost is C = (A2 − Y)² as in the chapter (or cross-entropy); "
            "the chain rule gives its slope "
            "with respect to every weight and bias, and the step moves each one a little downhill: "
            "W ← W − L · dC/dW. Every number below is this network's, for this colour.")

links.page_settings(SCHEMA)

pick, choose = st.columns([1, 4], vertical_alignment="bottom")
with pick:   # a first visit's light run draws the buttons first; the picker's code follows (app/first_paint.py)
    first_paint.later(st.color_picker, "Background colour", key=K["bg"], reserve_px=68)
with choose, st.container(horizontal=True):
    for name, rgb in presets.PRESETS.items():
        st.button(name, key=f"preset-{name}", on_click=set_bg, args=(colors.to_hex(rgb),))
first_paint.later(show_step_settings, reserve_px=173)   # a first visit's light run draws the main control first
links.show_notices(SCHEMA)
FLASH.show()

work, note = working()
if note:
    st.info(note)
rgb, label, act, loss, lr = settings()
try:
    b = backprop.explain(work["net"], rgb, label, activation=act, loss=loss)
except backprop.BackpropError as e:  # a session model of another shape is caught in picked_network(); this is a last guard
    st.error(f"Cannot explain this network: {e}")
    presses.stop()
chk = backprop.check(b)
s = backprop.step(b.network, b.X, b.Y, lr)
hex_bg = colors.to_hex(rgb)
where = (f" after {work['steps']} applied step{'s' if work['steps'] != 1 else ''}" if work["steps"] else "")
st.markdown(f"**Sample:** `{hex_bg}` (R {rgb[0]}, G {rgb[1]}, B {rgb[2]}), label Y = {b.label} "
            f"({'dark' if b.label else 'light'} text{', from the formula' if label == 'formula' else ', set by hand'}). "
            f"**Network:** {network_words(work['picked'])}{where}; {ACTIVATIONS[act].label} hidden nodes, "
            f"{backprop.LOSS_NAMES[loss]}.")
# the toggle is held back on a first visit, unless the link turns it on
if first_paint.later(show_your_turn, SCHEMA, b, lr, network_words(work["picked"]) + where,
                     in_link=not work["steps"] and work["picked"][0] != "session",
                     reserve_px=24, hold_back=not setting("turn")):
    presses.stop()  # Your turn: the worked numbers below stay hidden

if not any(np.any(g) for g in b.gradients.values()):
    if b.cost == 0:
        st.info("The output is saturated: in double precision A2 equals Y, so the cost and every slope below are "
                "exactly 0. Pick another colour, the other label, or fresh weights to see the arithmetic at work.")
    else:
        st.info(f"The output is saturated: dA2/dZ2 = A2(1 − A2) is 0 in double precision, so no slope reaches "
                f"any weight although the cost is {num(b.cost, 6)}. That is squared error's weak spot with a "
                "logistic output; with cross-entropy, dC/dZ2 = A2 − Y and the slope survives.")

# held back on a first visit, in its own container so it keeps its place (app/first_paint.py)
printed_on = bool(first_paint.later(show_worked, b, chk, s, reserve_px=2860))

st.subheader("The step")
if s.after is None:
    st.error(s.problem)
else:
    first_paint.later(show_costs, s, reserve_px=103)
    new = backprop.params(s.after)
    st.markdown(" · ".join(f"{k} ← `{matrix_text(new[k])}`" for k in backprop.PARAMS))
# one row that wraps on a narrow screen rather than cutting a button's words short
with st.container(horizontal=True, vertical_alignment="bottom"):
    # a step that blows up has nothing to apply: the button waits for a smaller learning rate (said above)
    st.button("Apply this step", key="apply", on_click=on_apply, type="primary", disabled=s.after is None,
              help="This step blows up at this learning rate: try a smaller one." if s.after is None else None)
    with st.container(width=130):
        first_paint.later(st.number_input, "N", SCHEMA["steps"].kind.lo, SCHEMA["steps"].kind.hi, key=K["steps"],
                          reserve_px=68)
    st.button("Apply N steps", key="apply_n", on_click=on_apply_n, help="Each on one random training row.")
    st.button("Use this model", key="use", on_click=on_use, help="The Predict page uses it, for this session only.")
    st.button("Start over", key="reset", on_click=on_reset, disabled=work["steps"] == 0)
first_paint.stop_after_main_control()
if work["costs"]:
    steps_chart(work)
show_step_surface(b.network, b.X, b.Y, s.after, lr, *backprop.training_rows())

if printed_on:
    st.subheader("As printed in the chapter")
    st.markdown("The chapter's backward pass for one sample, with the shapes each line multiplies:")
    # each line's shapes above it, and long lines wrapped: beside it, the shapes ran past a laptop's page
    st.code("\n".join(f"# {shape}\n{line}" for line, shape in backprop.PRINTED_LINES), language="python",
            wrap_lines=True)
    one = b.term("printed dC_dW1").value
    st.markdown(f"`dC_dA1 @ dA1_dZ1` is a (1,3) @ (3,1) product: **one number**, "
                f"{num(float(b.term('printed dC_dB1').value[0, 0]), 6)}, the sum of the three nodes' dC/dZ1. "
                f"Times X it gives one row, `{matrix_text(one)}`, and subtracting it from the (3,3) w_hidden "
                "moves **every hidden node by the same row**. The table's \"as printed\" column shows it beside "
                "each node's own slope and the finite difference.")
    st.markdown(f"Against the finite differences for W1 and B1, the worst relative error is "
                f"**{num(backprop.worst_error(chk, printed=b), 2)} for the printed update** and "
                f"**{num(backprop.worst_error(chk), 2)} for the chain rule**.")
    with st.spinner("Training 100,000 iterations both ways for each seed (measured once, then kept)…"):
        cmp = cached_comparison()
    rows = [{"seed": str(r["seed"]),
             "accuracy (printed)": f"{r['printed_accuracy']:.4f}", "accuracy (per node)": f"{r['per_node_accuracy']:.4f}",
             "agreement (printed)": f"{r['printed_agreement']:.4f}",
             "agreement (per node)": f"{r['per_node_agreement']:.4f}",
             "row spread at start": f"{r['spread_start']:.4f}", "row spread (printed)": f"{r['printed_spread']:.4f}",
             "row spread (per node)": f"{r['per_node_spread']:.4f}"} for r in cmp["per_seed"]]
    st.markdown(f"**Measured:** {cmp['iterations']:,} iterations of the chapter's loop from the same start and the "
                f"same rows, once with the printed update and once with each node's own gradient "
                f"({cmp['test_rows']} held-out rows; agreement on 100,000 random colours; row spread = mean "
                "distance between two rows of W1).")
    with st.container(key="comparison"):
        st.markdown(markdown_table(rows))
    m = cmp["median"]
    st.markdown(f"Medians: test accuracy {m['printed_accuracy']:.4f} printed vs {m['per_node_accuracy']:.4f} per "
                f"node; agreement with the formula {m['printed_agreement']:.4f} vs {m['per_node_agreement']:.4f}; "
                f"W1's row spread {m['printed_spread']:.3f} printed (it started at {m['spread_start']:.3f}) vs "
                f"{m['per_node_spread']:.3f} per node. With the printed update every row gets the same change, "
                "so the rows' differences are exactly those the random start gave them.")
