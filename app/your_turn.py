"""Your turn, a mode of the Backprop page: the learner types every quantity of the worked step and the page checks it.

The numbers and the checks are fontnet.practice's, the printed worksheet fontnet.figures.worksheet's; this module
draws the mode: the givens, one text box per quantity (labelled with its name, in the chapter's order), the marks
after "Check my answers", one answer revealed at a time (counted), and the worksheet and its answer key.
The page calls `show` once, after its controls; it returns whether the mode is on (then the page stops there, so
the worked numbers stay hidden).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from app import links
from app.presses import whole_callback
from app.text import md_literal
from fontnet import backprop as bp
from fontnet import colors, practice
from fontnet.activations import ACTIVATIONS
from fontnet.figures.worksheet import Problem, worksheet_html
from fontnet.practice import NAMES, SECTIONS
from fontnet.settings import Schema

STATE = "turn_state"  # {"problem": what the sheet is about, "checked": bool, "revealed": [names]}
PICK = "turn_reveal_pick"
ss = st.session_state
# the marks, as the boxes' borders and a line under each: colours with 4.5:1 contrast on white
MARKS = {"right": ("#1a7f37", "#e6f4ea", "Right"), "wrong": ("#cf222e", "#ffebe9", "Off"),
         "notice": ("#9a6700", "#fff8c5", "Not read")}


def box_key(name: str) -> str:
    """The text box of a quantity: turn_Z1, turn_dC_dA2, turn_W1_after (also its CSS class, st-key-<key>)."""
    return "turn_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def answers() -> dict[str, str]:
    """What the learner has typed, by quantity."""
    return {n: ss.get(box_key(n), "") for n in NAMES}


def _sheet_state(problem: tuple) -> dict:
    """The sheet's state for this problem: a new colour, label, network or setting starts a clean sheet. Boxes
    Streamlit dropped while the mode was off (or another page was open) get what was typed back."""
    state = ss.get(STATE)
    if state is None or state["problem"] != problem:
        state = ss[STATE] = {"problem": problem, "checked": False, "revealed": [], "typed": {}}
        for n in NAMES:
            ss[box_key(n)] = ""
    for n in NAMES:
        if box_key(n) not in ss:
            ss[box_key(n)] = state["typed"].get(n, "")
    return state


@whole_callback
def on_check() -> None:
    ss[STATE]["checked"] = True


@whole_callback
def on_reveal(revealed: dict[str, str]) -> None:
    name = ss.get(PICK)
    if name in revealed:
        ss[box_key(name)] = revealed[name]
        if name not in ss[STATE]["revealed"]:
            ss[STATE]["revealed"].append(name)


@whole_callback
def on_clear() -> None:
    for n in NAMES:
        ss[box_key(n)] = ""
    ss[STATE]["checked"] = False


def _problem(b: bp.Backprop, lr: float) -> tuple:
    weights = np.concatenate([v.ravel() for v in b.weights.values()])
    return (b.rgb, b.label, b.network.activation, b.loss, lr, weights.tobytes())


def _link(schema: Schema) -> str:
    """The Backprop page in Your-turn mode with the settings in use: what the worksheet prints."""
    values = {n: ss.get(links.key(schema, n), schema[n].default) for n in schema.names} | {"turn": True}
    query = urlencode(schema.link(values))
    base = st.context.url or f"/{schema.page}"
    return f"{base}?{query}"


def _givens_table(ref: practice.Reference) -> str:
    rows = [("X", "[R, G, B]ᵀ / 255"), ("Y", "the label"), ("W1", ""), ("B1", ""), ("W2", ""), ("B2", ""),
            ("L", "the learning rate")]
    lines = ["| given | | shape | value (row by row) |", "|---|---|---|---|"]
    lines += [f"| **{k}** | {words} | {practice.shape_words(ref.givens[k].shape)} | `{ref.given(k)}` |"
              for k, words in rows]
    return "\n".join(lines)


def _kind(e: practice.Entry) -> str | None:
    """How a checked box is marked: right, wrong, notice (not read), or not at all (empty)."""
    return None if e.status == "empty" else "right" if e.right else "wrong" if e.status == "wrong" else "notice"


def _marks_css(sheet: practice.Sheet) -> str:
    """Each checked box's border and fill in its mark's colours."""
    rules = []
    for name, e in sheet.entries.items():
        if kind := _kind(e):
            line, fill, _ = MARKS[kind]
            rules.append(f".st-key-{box_key(name)} [data-baseweb=input] {{ border-color: {line}; "
                         f"background-color: {fill}; }} .st-key-{box_key(name)} input {{ background-color: {fill}; }}")
    return "<style>" + "\n".join(rules) + "</style>"


def _mark(e: practice.Entry) -> str:
    """The line under a checked box: Right, Off (which entries) or Not read (why), as escaped HTML."""
    if not (kind := _kind(e)):
        return ""
    colour, _, word = MARKS[kind]
    text = word + (f": {e.message}" if e.message else "")
    return (f'<div class="turn-mark" data-status="{e.status}" style="color:{colour};font-size:0.85rem">'
            f"{html.escape(text)}</div>")


def show(schema: Schema, b: bp.Backprop, lr: float, network_words: str, in_link: bool = True) -> bool:
    """The "Your turn" toggle and, when it is on, the sheet for the worked step `b` at learning rate `lr`;
    `in_link`: whether the page's link reproduces this network (not after applied steps or for a session's own
    model). Returns whether the mode is on."""
    if not st.toggle("Your turn", key=links.key(schema, "turn"),
                     help="Do this step's arithmetic yourself: the page checks every entry."):
        if (state := ss.get(STATE)) is not None:  # the boxes' last values, before Streamlit drops them
            state["typed"] |= {n: ss[box_key(n)] for n in NAMES if box_key(n) in ss}
        return False
    ref = practice.reference(b, lr)
    state = _sheet_state(_problem(b, lr))
    st.subheader("Your turn")
    st.markdown("The same colour, label and network as the worked step, with its numbers hidden. Work out every "
                "quantity in the chapter's order and type all of its entries, row by row in the shape shown, "
                "separated by commas, spaces, semicolons or new lines. Fractions such as 1/3 and e notation "
                "such as 2.5e-3 are fine.")
    st.caption(f"{practice.TOLERANCE} {practice.DECIMAL_COMMA} Empty boxes are not checked.")
    st.markdown(_givens_table(ref))
    st.caption(f"{ACTIVATIONS[b.network.activation].label} hidden nodes, "
               f"{bp.LOSS_NAMES[b.loss]}; the sheet gives the weights with {practice.GIVEN_DIGITS} significant "
               "digits.")

    sheet = practice.check_sheet(ref, answers()) if state["checked"] else None
    for heading, names in SECTIONS:
        st.markdown(f"**{heading}**")
        for i, name in enumerate(names):
            if i % 3 == 0:  # a row of three at a time: the boxes are in the chapter's order for the keyboard too
                cols = st.columns(3)
            with cols[i % 3]:
                st.text_input(name, key=box_key(name), placeholder=practice.shape_words(ref.shape(name)),
                              help=f"{name} = {ref.formulas[name]}")
                mark = _mark(sheet.entries[name]) if sheet is not None else ""
                st.markdown(f'<div style="color:#57606a;font-size:0.85rem;margin-top:-0.6rem">'
                            f"= {html.escape(ref.formulas[name])}</div>{mark}", unsafe_allow_html=True)

    state["typed"] = answers()
    with st.container(horizontal=True, vertical_alignment="bottom", key="turn_buttons"):
        st.button("Check my answers", type="primary", on_click=on_check)
        st.button("Clear the sheet", on_click=on_clear)
        st.selectbox("Answer to reveal", NAMES, key=PICK)
        st.button("Reveal", on_click=on_reveal, args=({n: ref.answer(n) for n in NAMES},),
                  help="Fill the chosen box with the page's answer. Reveals are counted.")
    revealed = state["revealed"]
    if revealed:
        st.caption(f"Answers revealed: {len(revealed)} ({', '.join(revealed)}).")
    if sheet is not None:
        st.html(_marks_css(sheet))
        with st.container(key="turn_result"):
            st.markdown(f"**{sheet.right} of {len(NAMES)} right**"
                        + (f" ({len(revealed)} revealed)" if revealed else "")
                        + (f" · {sheet.empty} not filled in yet" if sheet.empty else ""))
            if sheet.first_wrong:
                st.error(f"First wrong: {sheet.first_wrong}. {sheet.why()}", icon=":material/error:")
            elif sheet.complete:
                st.success("Every quantity is right: that is one whole step of backpropagation, by hand.")
            not_read = [e for e in sheet.entries.values() if e.status in ("unreadable", "count")]
            for e in not_read:
                st.warning(md_literal(f"{e.name}: {e.message}"), icon=":material/edit_note:")

    st.markdown("**On paper**")
    problem = Problem(colors.to_hex(b.rgb), b.rgb, f"Y = {b.label} ({'dark' if b.label else 'light'} text)",
                      f"{network_words}; {ACTIVATIONS[b.network.activation].label} hidden nodes, "
                      f"{bp.LOSS_NAMES[b.loss]}", _link(schema))
    st.markdown(f"This sheet's link: `{problem.link}`")
    name = f"fontnet-backprop-{problem.hex[1:]}"
    with st.container(horizontal=True):
        st.download_button("Print a worksheet", lambda: worksheet_html(ref, problem), file_name=f"{name}.html",
                           mime="text/html", on_click="ignore", icon=":material/print:",
                           help="A page to print: the givens and a blank box per entry. Its link opens this sheet.")
        st.download_button("Answer key", lambda: worksheet_html(ref, problem, answers=True),
                           file_name=f"{name}-answers.html", mime="text/html", on_click="ignore",
                           help="For the teacher: the same sheet with every box filled in.")
    if not in_link:
        st.caption("The worksheet's link opens the network as a new visitor gets it: steps applied here and this "
                   "session's own model are not in a link (the sheet itself prints every weight).")
    return True

