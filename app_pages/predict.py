"""Predict: pick a background colour, see the network's choice of text shade and the arithmetic behind it."""

import html

import streamlit as st

from app import first_paint, links, state
from app.instant import NEXT_RANDOM, instant_preview
from app.presses import whole_callback
from app.text import md_literal
from app.vision import show_colour_vision
from fontnet import colors, presets
from fontnet.figures.network import forward_latex, network_svg, probability_bar_html
from fontnet.figures.vision import specimen_attrs
from fontnet.model import THRESHOLD, decide
from fontnet.settings import PREDICT as SCHEMA

DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog"
K = links.keys(SCHEMA)


def wcag_words(ratio: float) -> str:
    verdict = colors.wcag_verdict(ratio)
    return "fails AA" if verdict == "fail" else f"passes {verdict}"


@whole_callback
def set_bg(hex_colour: str) -> None:
    """Callback for presets and the random button: the picker (and with it the URL) follows."""
    links.set_setting(SCHEMA, "bg", hex_colour)


@whole_callback
def on_random() -> None:
    """The colour announced to the browser script; a fresh one if a quick second press got here first."""
    set_bg(st.session_state.pop(NEXT_RANDOM, None) or presets.random_colour())


def preview(bg_hex: str, fg: colors.RGB, text: str, element_id: str, what: str) -> str:
    """The sample text on the background in one shade, a specimen named `what`; `text` is escaped here and in
    specimen_attrs, nowhere else."""
    about = specimen_attrs(fg, colors.parse_colour(bg_hex), f"{what}: \"{text}\"")
    return (f'<div id="{element_id}"{about} style="background-color: {bg_hex}; color: {colors.to_hex(fg)}; '
            f'font-size: 2.2rem; line-height: 1.25; font-weight: 600; padding: 1.4rem 1.6rem; '
            f'border-radius: 0.6rem; min-height: 7rem; overflow-wrap: anywhere; '
            f'border: 1px solid rgba(0,0,0,0.12)">{html.escape(text)}</div>')


st.title("Predict")
st.markdown("Pick a background colour. The chapter's small neural network decides whether text on it "
            "should be **dark** or **light**, and below you can open up exactly how it got there.")

model = state.active_model()
if state.using_session_model():
    with st.container(border=True):
        # stripped: Markdown's ** does not close after a space (a cut-short name can end in one)
        name = state.session_model_name().strip() or "your model"
        st.info(f"You are using your own model, **{md_literal(name)}**, "
                "for this session only. Everyone else sees the chapter's default model.")
        st.button("Back to the default model", on_click=whole_callback(state.use_default_model))

links.page_settings(SCHEMA)

pick, choose = st.columns([1, 4], vertical_alignment="bottom")
with pick:   # a first visit's light run draws the buttons first; the picker's code follows (app/first_paint.py)
    bg = first_paint.later(st.color_picker, "Background colour", key=K["bg"],
                           help="The page's link keeps this colour (`?bg=ffc0cb`), so you can share it.")
if NEXT_RANDOM not in st.session_state:
    st.session_state[NEXT_RANDOM] = presets.random_colour()
targets = {f"preset-{name}": colors.to_hex(rgb) for name, rgb in presets.PRESETS.items()}
targets["random"] = st.session_state[NEXT_RANDOM]
with choose:
    with st.container(horizontal=True):
        for name in presets.PRESETS:
            st.button(name, key=f"preset-{name}", on_click=set_bg, args=(targets[f"preset-{name}"],))
        st.button("Random colour", key="random", on_click=on_random)
first_paint.stop_after_main_control()

rgb = colors.parse_colour(bg)  # the picker only ever returns a valid hex colour
links.show_notices(SCHEMA)

text = st.text_input("Sample text", DEFAULT_TEXT, key="text", max_chars=200) or "Aa"
d = decide(model, rgb)
bg_hex = colors.to_hex(d.rgb)
other = "light" if d.dark else "dark"

left, right = st.columns([3, 2])
with left:
    st.markdown(f"**The network's choice: {d.shade} text** on `{bg_hex}` (R {d.rgb[0]}, G {d.rgb[1]}, B {d.rgb[2]})")
    st.markdown(preview(bg_hex, d.text_rgb, text, "font-preview", f"the network's choice, {d.shade} text"),
                unsafe_allow_html=True)
with right:
    st.markdown(f"The alternative: {other} text")
    st.markdown(preview(bg_hex, d.other_rgb, text, "font-preview-other", f"the alternative, {other} text"),
                unsafe_allow_html=True)
instant_preview(model, targets)

st.subheader("How sure is it?")
m1, m2 = st.columns([1, 3], vertical_alignment="center")
with m1:
    st.metric("P(dark text)", f"{d.p_dark:.4f}")
    sign = "≥" if d.dark else "<"
    st.markdown(f"{d.p_dark:.4f} {sign} {THRESHOLD:g}, so **{d.shade} text**.")
with m2:
    # markup the server renders from numbers, not a chart: the browser paints it with the preview, no
    # charting library to load first, and little to redraw on a colour change
    with st.container(key="probability"):
        st.markdown(probability_bar_html(d.p_dark, THRESHOLD), unsafe_allow_html=True)
st.caption("The output is 1 for dark text and 0 for light text. (The chapter's prose calls 1 \"light\", "
           "but its data and code mean dark; this app follows the data.)")

st.subheader("The mystery math, opened")
st.markdown("Each input is divided by 255. Every hidden node takes a weighted sum of what comes in plus "
            "its bias (Z), then applies its activation (A); the output node does the same with the logistic "
            "function, which gives P(dark text). Edges are as wide as their weight is large: "
            "orange for positive, blue for negative. Hover over a node or an edge for its numbers.")
with st.container(key="network"):
    # in a <div>, Markdown passes the (one-line) SVG through as a block of HTML, untouched
    # below its least width (a phone) it scrolls in its own box, a named region the keyboard can scroll (app/access.js)
    st.markdown(f'<div class="fontnet-scroll-x" data-scroll-label="The network diagram, scrolls sideways">'
                f'{network_svg(model, d.forward)}</div>', unsafe_allow_html=True)
# A toggle rather than an expander: the formulas are only typeset when asked for, which keeps every
# colour change cheap for the browser (and `?math=true` shares the page with them open).
if st.toggle("Show the same numbers as matrix arithmetic", key=K["math"]):
    with st.container(border=True, key="math_box"):
        st.markdown("Check one node by hand: multiply a row of W by the column below it, add the bias, "
                    "then apply the activation.")
        for line in forward_latex(model, d.forward):
            st.latex(line)

st.subheader("Second opinions")
f_col, w_col = st.columns(2)
with f_col:
    st.markdown("**The chapter's formula**  \n(0.299 R + 0.587 G + 0.114 B) / 255 > 0.5 means dark text")
    st.metric("Formula luminance", f"{d.formula_luminance:.3f}")
    verdict = "agrees" if d.agrees_with_formula else "disagrees"
    st.markdown(f"Formula says **{'dark' if d.formula_dark else 'light'} text**: the network {verdict}.")
with w_col:
    st.markdown("**WCAG 2 contrast**  \nAA needs 4.5:1 for normal text, AAA needs 7:1")
    c1, c2 = st.columns(2)
    for col, name, ratio in ((c1, "Dark text", d.contrast_dark), (c2, "Light text", d.contrast_light)):
        col.metric(name, f"{ratio:.2f}:1", wcag_words(ratio), delta_color="off", delta_arrow="off")
    st.markdown(f"WCAG favours **{'dark' if d.wcag_dark else 'light'} text** (the higher contrast).")
if d.agrees_with_wcag:
    st.success(f"The network and WCAG agree: {d.shade} text.")
else:
    st.warning(f"The network and WCAG disagree here: the network picks {d.shade} text, but {other} text has "
               f"the higher contrast ({max(d.contrast_dark, d.contrast_light):.2f}:1 against "
               f"{min(d.contrast_dark, d.contrast_light):.2f}:1). They disagree on about 12% of colours: "
               "the network learned the chapter's formula, which weighs red, green and blue differently "
               "from WCAG's luminance.")

st.subheader("For colour-blind readers")
st.markdown("The same background and both shades as readers without one kind of cone see them (simulated with "
            "Machado et al.'s 2009 model), with WCAG's contrast ratio worked out again for each.")
show_colour_vision(d.rgb, d.shade)
