"""Activations: Table 7-1 made interactive — the curves, softmax's probabilities and the vanishing gradient."""

import numpy as np
import streamlit as st

from app import first_paint, links
from app.live_chart import Chart, live_charts
from app.text import md_literal
from fontnet import activations as act
from fontnet.figures import activations as figs
from fontnet.settings import ACTIVATIONS as SCHEMA

K = links.keys(SCHEMA)
D = SCHEMA.defaults()
LAST_LOGITS = "activations_last_logits"   # the last logits typed that could be read: the chart keeps them


def limits(name: str) -> tuple[float, float]:
    """A number setting's range, from the page's table."""
    kind = SCHEMA[name].kind
    return kind.lo, kind.hi


def static_chart(key: str, title: str, spec: dict, points: dict) -> None:
    """A uPlot line chart that this page run draws whole (nothing is appended later); its legend reads the values
    under the pointer."""
    live_charts(key, [Chart("lines", spec, key, len(points["x"]), lambda start: points, title)])


def show_table_and_curves() -> float:
    """Table 7-1, then the curves of the functions picked, with their formulas; returns leaky ReLU's slope."""
    st.subheader("Table 7-1: common activation functions")
    st.table(
        [{"Name": a.label, "Typical layer": a.typical_layer, "Description": a.description, "Notes": a.notes}
         for a in act.ACTIVATIONS.values()],
        hide_index=True)

    st.subheader("The curves")
    left, right = st.columns([3, 2])   # the checkbox's label whole on a tablet
    with left:
        # wrap: every chosen function in view (in a column, Streamlit keeps them on one row that scrolls, and at
        # 1,024 px showed three of six)
        names = st.multiselect("Functions", list(act.ACTIVATIONS), key=K["fn"], wrap=True,
                               format_func=lambda n: act.ACTIVATIONS[n].label)
    with right:
        deriv = st.checkbox("Show derivatives (dashed)", key=K["deriv"])
    c1, c2, c3 = st.columns(3)
    xmin = c1.number_input("x from", *limits("xmin"), step=0.5, key=K["xmin"])
    xmax = c2.number_input("x to", *limits("xmax"), step=0.5, key=K["xmax"])
    slope = c3.number_input("Leaky ReLU negative slope", *limits("slope"), step=0.01, format="%.3f", key=K["slope"])
    if xmin >= xmax:
        st.warning(f"'x from' ({xmin:g}) must be below 'x to' ({xmax:g}); showing {D['xmin']:g} to {D['xmax']:g}.")
        xmin, xmax = D["xmin"], D["xmax"]

    if not names:
        st.info("Pick one or more functions to plot.")
    else:
        x = np.linspace(xmin, xmax, act.CURVE_POINTS)
        points = figs.curves_points(x, {n: act.curve(n, x, slope) for n in names}, deriv)
        static_chart("activations_curves", figs.curves_title(deriv), figs.curves_spec(names, xmin, xmax, deriv), points)
        if "softmax" in names:
            st.caption("Softmax turns a vector into a vector, so the chart draws its two-class case: the first output "
                       "of softmax([x, 0]), which is exactly the logistic curve. Its many-output case is below.")
        for n in names:
            f, df = act.formulas(n, slope)
            st.markdown(f"**{act.ACTIVATIONS[n].label}**")
            cf, cd = st.columns(2)
            cf.latex(f)
            cd.latex(df)
    return slope


links.page_settings(SCHEMA)

st.title("Activations")
st.write("Every node adds up its weighted inputs and passes the sum through an **activation function**. "
         "Table 7-1 lists the common ones; FontNet's network, this table and the charts below all read the same "
         "definitions.")
links.show_notices(SCHEMA)

# held back on a first visit, in its own container so it keeps its place (app/first_paint.py)
slope = first_paint.later(show_table_and_curves, reserve_px=1286)
if slope is None:   # a light run: the slope the link or the session holds
    slope = links.setting(SCHEMA, "slope")

st.subheader("Softmax: a vector in, probabilities out")
st.write("With several output nodes (Figure 7-8's multi-class case), softmax turns the raw scores (*logits*) into "
         "probabilities that add up to 1. Dividing the logits by a *temperature* first flattens (t > 1) or "
         "sharpens (t < 1) the result; the largest logit always keeps the largest probability.")
c1, c2 = st.columns([2, 1])
with c1:   # a first visit's light run draws the slider first (app/first_paint.py)
    logits_text = first_paint.later(
        st.text_input, f"Logits ({act.MIN_LOGITS} to {act.MAX_LOGITS} numbers, ten for the digits 0–9)", key=K["logits"])
temp = c2.slider("Temperature", *limits("temp"), step=0.1, key=K["temp"])
first_paint.stop_after_main_control()
try:
    logits = st.session_state[LAST_LOGITS] = act.parse_logits(logits_text)
except act.LogitsError as e:
    logits = st.session_state.get(LAST_LOGITS)
    st.error(md_literal(f"Logits: {e}." + (" The chart keeps the last logits that could be read: "
                                           f"{', '.join(f'{v:g}' for v in logits)}." if logits is not None else "")))
if logits is not None:
    p = act.softmax_with_temperature(logits, temp)
    st.markdown(f'<div id="activations-softmax">{figs.softmax_svg(p, temperature=temp)}</div>', unsafe_allow_html=True)

st.subheader("The vanishing gradient")
st.write("Backpropagation multiplies one derivative per layer. Here every layer's weighted sum is the same input "
         "x and every weight is 1, so after k layers the gradient has been multiplied by f'(x)^k.")
c1, c2 = st.columns(2)
depth = c1.slider("Layers", *limits("depth"), key=K["depth"])
at = c2.slider("Input x at every layer", *limits("at"), step=0.5, key=K["at"])
products = {n: act.gradient_through_layers(n, depth, at, slope) for n in ("logistic", "tanh", "relu", "leaky_relu")}
static_chart("activations_gradient", figs.GRADIENT_TITLE, figs.gradient_spec(products),
             figs.gradient_points(products))
st.write(act.gradient_reading(depth, at))

