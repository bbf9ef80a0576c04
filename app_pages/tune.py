"""Tune: set the chapter's 16 weights and biases by hand and watch the decision map, each node and the scores."""

from __future__ import annotations

import streamlit as st

from app import first_paint, links, presses, state
from app.page_kit import Flash, use_model_then_open_predict
from app.presses import whole_callback
from fontnet import training, tuning
from fontnet.figures.maps import decision_map_svg, node_map_svg
from fontnet.figures.training import MAP_LEGEND, legend_html
from fontnet.node_maps import hidden_slice
from fontnet.settings import TUNE as SCHEMA

DONE = "tune_done"  # the challenges met so far in this session
FLASH = Flash("tune")
K = links.keys(SCHEMA)
MAIN_BOX = "w1_11"   # W1[1,1], the page's main control
BOX_PX = 73   # a weight box: its label and a value such as -12.3456 whole; four across a 1280-pixel screen
ss = st.session_state


def setting(name: str) -> object:
    return links.setting(SCHEMA, name)


def values() -> dict[str, float]:
    return {k: float(setting(k)) for k in tuning.KEYS}


def nodes_on() -> tuple[bool, ...]:
    return tuple(bool(setting(k)) for k in tuning.NODE_KEYS)


def set_values(new: dict[str, float]) -> None:
    for k, v in new.items():
        links.set_setting(SCHEMA, k, v)
    for k in tuning.NODE_KEYS:
        links.set_setting(SCHEMA, k, True)


# ---- callbacks ------------------------------------------------------------------------------------------------
@whole_callback
def on_default() -> None:
    set_values(tuning.values_of(state.shared_default_model()))
    FLASH("info", "These are the default model's weights, as 100,000 steps of training left them. Its cost on the "
                  "chapter's data is the bar of the last challenge.")


@whole_callback
def on_start_over() -> None:
    set_values(tuning.START)


@whole_callback
def on_value(key: str) -> None:
    """A value typed or stepped: kept to 6 decimals (0.1 + 0.2 is written 0.3 in the link) and within ±LIMIT."""
    v = ss.get(K[key])
    if v is None:
        ss[K[key]] = SCHEMA[key].default
        return
    ss[K[key]] = min(max(round(float(v), 6), -tuning.LIMIT), tuning.LIMIT)
    if abs(float(v)) > tuning.LIMIT:
        FLASH("warning", f"{tuning.LABELS[key]} is kept within ±{tuning.LIMIT:,.0f}.")


@st.cache_resource(show_spinner=False)
def default_bar() -> float:
    """The default model's cost on the chapter's data (the same for everyone: computed once per server)."""
    return tuning.default_cost(state.shared_default_model())


# ---- render functions -------------------------------------------------------------------------------------------
def value_format(value: float) -> str:
    """Four decimals while the number fits its box as -12.3456 or -99.9999 do (8 characters), two beyond: -150.00
    and -1000.00, not -150.0000 cut short. The box keeps its value's every digit either way."""
    return "%.4f" if len(f"{value:.4f}") <= 8 else "%.2f"


def value_input(key: str, width: int | str = "stretch") -> None:
    # no min or max: on its first paint the browser shows the minimum before the value (here 0, not -1000); the
    # format follows the value (the widget is known by its key, so another format keeps its state)
    st.number_input(tuning.LABELS[key], step=0.1, format=value_format(float(ss.get(K[key]) or 0.0)), key=K[key],
                    on_change=on_value, args=(key,), width=width)


def boxes_row():
    """A node's four boxes side by side, each wide enough for its number (-12.3456): where the column is narrower
    than four (a 1024-pixel screen, a tablet), they wrap to two rows instead of cutting the numbers short."""
    return st.container(horizontal=True, gap="xxsmall")


def show_node(i: int) -> None:
    """Hidden node i's row: on or off, its three weights and its bias."""
    with st.container(border=True, key=f"tune_node{i}"):
        first_paint.later(   # a first visit's light run draws the boxes first (app/first_paint.py)
            st.toggle, f"**Hidden node {i}**: A1[{i}] = ReLU(W1[{i},1]·R + W1[{i},2]·G + W1[{i},3]·B + B1[{i}])",
            key=K[f"on{i}"], help="On or off: a node that is off passes 0 on, as if its W2 were 0.", reserve_px=42)
        with boxes_row():
            for key in (f"w1_{i}1", f"w1_{i}2", f"w1_{i}3", f"b1_{i}"):
                with st.container(width=BOX_PX):   # a first visit's light run draws the first box only, the
                    if key == MAIN_BOX:              # page's main control; the others keep their places
                        value_input(key)
                    else:
                        first_paint.later(value_input, key)


def show_output() -> None:
    with st.container(border=True, key="tune_output"):
        st.markdown("**Output**: P(dark) = logistic(W2[1,1]·A1[1] + W2[1,2]·A1[2] + W2[1,3]·A1[3] + B2)")
        with boxes_row():
            for key in ("w2_1", "w2_2", "w2_3", "b2"):
                value_input(key, width=BOX_PX)


def show_inputs() -> None:
    """A row per hidden node, and one for the output node. A first visit's light run draws the first box, the
    page's main control; the other fifteen come in the next run, in their places."""
    show_node(1)
    for i in (2, 3):
        first_paint.later(show_node, i)
    first_paint.later(show_output)


def show_scores(s: tuning.Scores, bar: float) -> None:
    with st.container(key="tune_scores"):
        with st.container(horizontal=True, gap="medium"):   # each as wide as it needs: wraps, never cut short
            st.metric("Agreement", f"{s.agreement:.1%}", width="content",
                      help="With the formula, on Teach's 20,000 fixed random colours.")
            st.metric("Cost", f"{s.cost:.4f}", width="content",
                      help="Squared error (A2 − Y)², averaged over the chapter's 1,345 rows.")
            st.metric("Accuracy", f"{s.accuracy:.1%}", width="content", help="On the chapter's 1,345 rows.")
        st.markdown(f"The network agrees with the formula on **{s.agreement:.1%}** of the random colours; the default "
                    f"model's cost on the chapter's data is {bar:.4f}. It says dark for {s.dark_share:.0%} of the "
                    f"chapter's colours, with {s.nodes_on} of 3 hidden nodes on.")


def show_maps(net, on: tuple[bool, ...], fixed: str, value: int) -> None:
    sl = training.decision_slice(net, fixed, value)
    hs = hidden_slice(net, fixed, value)
    with st.container(key="tune_map"):
        st.markdown(f"**P(dark text) where {fixed} = {value}**")
        st.markdown(decision_map_svg(sl, side=320), unsafe_allow_html=True)
        st.markdown(legend_html(MAP_LEGEND[:2]), unsafe_allow_html=True)
    st.markdown("**Each hidden node's A over the same slice**")
    for i, col in enumerate(st.columns(3)):
        col.markdown(node_map_svg(hs, i, sl, on[i]), unsafe_allow_html=True)
        top = f"{float(hs.A[i].max()):.3g}"
        col.caption(f"Node {i + 1}: A up to {top}" if on[i] else
                    f"Node {i + 1}, off: passes 0 on (A would reach {top})")
    st.caption("Orange where a node is active (darker is larger), pale grey where its ReLU gives 0; grey dashes: "
               "where its weighted sum Z crosses 0; black: the formula's line.")
    c1, c2 = st.columns([1, 2])
    c1.radio("Fixed channel", SCHEMA["slice"].kind.names, format_func=SCHEMA["slice"].kind.label, key=K["slice"],
             horizontal=True)
    c2.slider("at", 0, 255, key=K["at"])


def show_challenges(s: tuning.Scores, bar: float) -> None:
    met = tuning.challenges_met(s, bar)
    done = ss.setdefault(DONE, set())
    done.update(k for k, ok in met.items() if ok)
    st.subheader("Challenges")
    for c in tuning.CHALLENGES:
        now, before = met[c.key], c.key in done
        mark = (":material/check_circle: **done**" if now else
                ":material/check_circle: done earlier (not with these values)" if before else "not yet")
        lesson = f"  \n*{c.lesson.format(share=tuning.chapter_dark_share(), agreement=s.agreement)}*" if before else ""
        with st.container(border=True, key=f"tune_challenge_{c.key}"):
            st.markdown(f"{'★' * c.stars}{'☆' * (4 - c.stars)} **{c.title}**: {mark}  \n{c.goal}{lesson}")


# ---- the page ---------------------------------------------------------------------------------------------------
st.title("Tune")
st.markdown("The chapter's network has 16 numbers: 9 weights and 3 biases into the hidden nodes, 3 weights and a "
            "bias into the output (R, G and B enter divided by 255). Set them yourself and watch what the network "
            "decides. It starts with each hidden node passing one channel on and the output saying dark where "
            "their mean is above one half. Every value is in the link, so a tuned network can be shared.")

links.page_settings(SCHEMA)
links.show_notices(SCHEMA)
FLASH.show()
left, right = st.columns([5, 6], gap="large")
with left:
    show_inputs()
    with st.container(horizontal=True, key="tune_buttons"):
        st.button("Load the default model", on_click=on_default, help="The weights the chapter's training found.")
        st.button("Start over", on_click=on_start_over, help="Back to where this page starts.")
        use = presses.button("Use this model", key="tune_use", type="primary",
                             help="The Predict page uses it, for this session only.")
first_paint.stop_after_main_control()

on = nodes_on()
net = tuning.network(values(), on)
scores = tuning.score(net, sum(on))
bar = default_bar()
if use:
    use_model_then_open_predict(net, f"Tuned by hand ({scores.agreement:.1%} agreement)",
                                "The Predict page now uses this network: open it", press="tune_use")
with right:
    show_scores(scores, bar)
    show_maps(net, on, str(setting("slice")).upper(), int(setting("at")))
show_challenges(scores, bar)
