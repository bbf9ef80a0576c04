"""Teach: you say which text reads better on a colour, and a small network learns your taste after every answer."""

from __future__ import annotations

import copy
import html
import time

import numpy as np
import streamlit as st

from app import first_paint, links, presses
from app.classroom import Seat, enter, remember_seat, shared_store
from app.live_chart import Chart, live_charts
from app.page_kit import Flash, use_model_then_open_predict
from app.presses import whole_callback
from app.script_export import show_teach_export
from app.text import md_literal
from app.vision import show_colour_vision
from fontnet import colors, data, store, teach, training
from fontnet.figures import live
from fontnet.figures.maps import decision_map_label
from fontnet.figures.summaries import slice_summary
from fontnet.figures.training import MAP_LEGEND, legend_html
from fontnet.figures.vision import specimen_attrs
from fontnet.parsing import NO_CHANGE, counted, duration_text, points_change
from fontnet.settings import TEACH as SCHEMA
from fontnet.teach import Answer

ANSWERS = "teach_answers"       # list[Answer], this session only
NET = "teach_net"               # the network trained on ANSWERS
QUESTION = "teach_question"     # the colour being asked about
RNG = "teach_rng"
AGREEMENT = "teach_agreement"   # the network's agreement with the formula and WCAG
BEFORE = "teach_agreement_before"  # ... before the last change, for the deltas
RETRAIN_MS = "teach_retrain_ms"
FLASH = Flash("teach")
K = links.keys(SCHEMA)
UPLOAD_ID = "teach_upload_id"
SEAT = "teach_seat"             # Seat: the class room this session answers in, if any (app/classroom.py)
FORGET = "teach_forget_seat"    # the room this browser just left: its remembered seat is forgotten on this run
DEFAULT_TEXT = "The quick brown fox"
# a line of status in HTML (ids and data for tests and benchmarks), keeping the gap a Markdown paragraph keeps
# below it: Streamlit pulls a Markdown block up by 1rem to take back its last paragraph's margin, which a <div> lacks
STATUS_STYLE = "font-size: 0.875rem; margin-bottom: 1rem"
MAX_UPLOAD_BYTES = 1_000_000
ss = st.session_state


def answers() -> list[Answer]:
    return ss[ANSWERS]


def set_answers(new: list[Answer], question: colors.RGB | None = None) -> None:
    """Keep `new`, retrain on it, write it into the link and pick the next question (or ask `question`)."""
    t = time.perf_counter()
    ss[NET] = teach.train(new)
    ss[RETRAIN_MS] = (time.perf_counter() - t) * 1000
    ss[BEFORE] = ss.get(AGREEMENT)
    ss[AGREEMENT] = teach.agreement(ss[NET])
    ss[ANSWERS] = new
    links.set_setting(SCHEMA, "labels", teach.encode_link(new))  # the link follows on the next run
    if question is None or question in {a.rgb for a in new}:
        ask_next()
    else:
        ss[QUESTION] = question


def seat() -> Seat | None:
    return ss.get(SEAT)


@whole_callback
def ask_next() -> None:
    """The next question, chosen the way the visitor picked (active or random), or as the class's teacher did."""
    s = seat()
    mode = s.room.ask if s is not None and s.room is not None else ss.get(K["ask"], teach.DEFAULT_STRATEGY)
    ss[QUESTION] = teach.next_colour(ss[NET], ss[RNG], mode, answers())


def change(now: float, before: float | None) -> dict:
    """A score's change since the last answer, as st.metric's delta: none before there is one, and no arrow or
    colour when it rounds to zero."""
    if before is None:
        return {}
    words = points_change(now, before)
    return {"delta": words} | ({"delta_color": "off", "delta_arrow": "off"} if words == NO_CHANGE else {})


# ---- callbacks ----------------------------------------------------------------------------------
@whole_callback
def on_answer(label: int) -> None:
    rgb = ss[QUESTION]
    guessed = teach.guess(ss[NET], rgb).label
    kept = [a for a in answers() if a.rgb != rgb]
    if len(kept) >= teach.MAX_ANSWERS:
        FLASH("warning", f"You have given {teach.MAX_ANSWERS} answers, the most a link can hold. Remove some "
                         "to give more.")
        return
    set_answers([*kept, Answer(rgb, label, guessed)])
    if (s := seat()) is not None:
        s.resumed = False                  # answering in the seat found again: it is theirs
        s.send(shared_store, rgb, label)   # says "saved to the class" only once the store has it
        leave_if_removed(s)


@whole_callback
def on_undo() -> None:
    if answers():
        last = answers()[-1]
        set_answers(answers()[:-1], question=last.rgb)  # ask the undone colour again
        if (s := seat()) is not None:
            s.take_back(shared_store, [last.rgb])   # dropped if pending, taken back from the class if saved


@whole_callback
def on_remove() -> None:
    drop = set(ss.get("teach_remove") or [])
    if drop:
        gone = [a.rgb for i, a in enumerate(answers()) if i in drop]
        set_answers([a for i, a in enumerate(answers()) if i not in drop], question=ss[QUESTION])
        if (s := seat()) is not None:
            s.take_back(shared_store, gone)
    ss["teach_remove"] = []


@whole_callback
def on_clear() -> None:
    gone = [a.rgb for a in answers()]
    set_answers([], question=ss[QUESTION])
    if (s := seat()) is not None:
        s.take_back(shared_store, gone)


@whole_callback
def on_upload() -> None:
    f = ss.get("teach_upload")
    if f is None or ss.get(UPLOAD_ID) == f.file_id:
        return
    ss[UPLOAD_ID] = f.file_id
    raw = f.getvalue()
    if len(raw) > MAX_UPLOAD_BYTES:
        FLASH("error", f"That file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB; your answers are unchanged.")
        return
    try:
        loaded, notices = teach.from_csv(raw)
    except data.DataError as e:
        FLASH("error", f"That file cannot be read: {e}. Your answers are unchanged.")
        return
    for n in notices:
        FLASH("warning", f"From the file: {n}.")
    set_answers(loaded)
    FLASH("success", f"Loaded {counted(len(loaded), 'answer')} from the file; carry on answering.")


def join_room(s: Seat, nickname: str) -> None:
    s.join(shared_store, nickname or s.nickname)   # a seat found again keeps its nickname unless a new one is typed
    s.resumed = False
    ss[SEAT] = s
    links.set_setting(SCHEMA, "room", s.code)
    who = f"as {s.nickname}" if s.nickname else "without a nickname"
    FLASH("success", f"You joined room {s.shown_code} {who}. Each answer you give is now saved to the class too.")


def try_join(make_seat, what: str) -> None:
    """Take a seat (`make_seat`) and join it under the nickname typed; say why not when that fails."""
    try:
        join_room(make_seat(), ss.get("teach_nickname") or "")
    except store.StoreUnavailable:
        FLASH("error", f"The class database cannot be reached right now, so you did not join {what}. Teach works on "
                       "your own answers meanwhile; try again in a moment.")
    except store.StoreError as e:
        FLASH("error", f"You did not join {what}: {e}. Teach works on your own answers meanwhile.")


@whole_callback
def on_join_typed() -> None:
    try_join(lambda: enter(shared_store, ss.get("teach_join_code") or ""), "a class")


@whole_callback
def on_join_seat() -> None:
    try_join(seat, f"room {seat().shown_code}")


@whole_callback
def on_leave() -> None:
    s = ss.pop(SEAT, None)
    links.set_setting(SCHEMA, "room", "")
    if s is not None:
        ss[FORGET] = s.code   # a reload, or the next person at this computer, does not sit back down in it
        answers, back = s.unsent
        FLASH("info", f"You left room {s.shown_code}. Teach carries on with your own answers"
                      + (f"; {answers} not yet sent stay only here" if answers else "")
                      + ("; the class keeps what you took back while its database was out of reach" if back else "")
                      + ".")


@whole_callback
def on_new_seat() -> None:
    if (s := seat()) is not None:
        s.new_seat()
        ss["teach_nickname"] = ""
        FLASH("info", f"You have a new seat in room {s.shown_code}: choose a nickname (or none) and join.")


@whole_callback
def on_send_again() -> None:
    if (s := seat()) is not None:
        s.flush(shared_store)
        leave_if_removed(s)


def leave_if_removed(s: Seat) -> None:
    """The teacher removed this seat (found on sending): out of the room, with the reason, and Teach goes on."""
    if s.removed:
        ss.pop(SEAT, None)
        links.set_setting(SCHEMA, "room", "")
        FLASH("warning", s.news[1] if s.news else f"Your teacher removed you from room {s.shown_code}.")


def enter_linked_room(code: str) -> None:
    """The link names a room: take a seat in it if it is open; otherwise say why and carry on alone."""
    try:
        ss[SEAT] = enter(shared_store, code)
    except store.StoreError as e:
        why = ("the class database cannot be reached right now" if isinstance(e, store.StoreUnavailable)
               else str(e))
        later = "" if isinstance(e, store.Removed) else "; to join later, type the room code under Join a class"
        st.warning(f"From the link: {md_literal(why)}. Teach works on your own answers{later}.",
                   icon=":material/link_off:")
        links.set_setting(SCHEMA, "room", "")
        links.page_settings(SCHEMA)   # the link drops the room now


def read_room(s: Seat) -> None:
    """The room's settings as the teacher set them now; if they cannot be read, the last ones stay."""
    try:
        s.refresh(shared_store)
    except store.RoomNotFound:
        ss.pop(SEAT, None)
        links.set_setting(SCHEMA, "room", "")
        links.page_settings(SCHEMA)
        st.warning(f"Room {s.shown_code} no longer exists (deleted or expired). Teach carries on with your own "
                   "answers.")
    except store.StoreError:
        if s.news is None or s.news[0] == "success":
            st.warning("The class database cannot be reached right now; the room's settings are as they were.")


def show_class() -> None:
    """Which class room this session answers in, and how its answers are doing; or the box to join one."""
    s = seat()
    remember_seat(s, ss.pop(FORGET, None))   # this browser keeps its seat for a reload, or forgets one it left
    if s is None:
        with st.expander("Join a class", icon=":material/groups:"):
            c1, c2 = st.columns(2)
            c1.text_input("Room code", key="teach_join_code", max_chars=20, placeholder="K7F-3QX",
                          help="The code your teacher shows.")
            c2.text_input("Nickname (optional)", key="teach_nickname", max_chars=store.NICKNAME_MAX,
                          help="Your teacher sees it next to your answers; without one you are numbered.")
            st.button("Join", key="teach_join", on_click=on_join_typed)
        return
    if not s.joined:
        st.info(f"You are invited to class room **{s.shown_code}**: each answer you give is saved to the class too. "
                f"A nickname is optional (at most {store.NICKNAME_MAX} characters): your teacher sees it next to "
                "your answers.", icon=":material/groups:")
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input("Nickname (optional)", key="teach_nickname", max_chars=store.NICKNAME_MAX, width=320)
            st.button("Join room", key="teach_join_room", on_click=on_join_seat, type="primary")
            st.button("Not now", key="teach_leave", on_click=on_leave)
    else:
        who = f"as **{md_literal(s.nickname)}**" if s.nickname else "without a nickname"
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f":material/groups: Class room **{s.shown_code}**, {who}")
            st.button("Leave the room", key="teach_leave", on_click=on_leave)
        if s.resumed:
            with st.container(horizontal=True, vertical_alignment="center", key="teach_welcome_back"):
                st.markdown(f"Welcome back: this browser was already in room **{s.shown_code}** {who}, so your "
                            "answers carry on in the same seat.")
                st.button("Not you? Take a new seat", key="teach_new_seat", on_click=on_new_seat)
    if s.counts is not None:
        students, given = s.counts
        st.caption(f"The class so far: {counted(students, 'student')}, {counted(given, 'answer')}.")
    kind, message = s.news or ("", "")
    status = (f"{'Saved to the class: ' if kind == 'success' else ''}{s.saved:,} of your answers "
              f"{'is' if s.saved == 1 else 'are'} in room {s.shown_code}.")
    st.markdown(f'<div id="class-status" role="status" data-room="{s.code}" data-saved="{s.saved}" data-pending='
                f'"{len(s.pending)}" style="{STATUS_STYLE}">{html.escape(status)}</div>', unsafe_allow_html=True)
    if kind in ("warning", "error", "info"):
        getattr(st, kind)(md_literal(message))
    if s.pending:
        answers, back = s.unsent
        waiting = [f"{answers} not saved yet" if answers else "", f"{back} to take back" if back else ""]
        st.button(f"Send again ({', '.join(w for w in waiting if w)})", key="teach_send_again",
                  on_click=on_send_again, icon=":material/send:")


# ---- the page -----------------------------------------------------------------------------------
st.title("Teach")
st.markdown("Which text reads better on this colour, **dark** or **light**? Answer, and a small network "
            "(the chapter's: 3 inputs, 3 ReLU nodes, 1 output) learns your taste after every answer.")

in_use = links.page_settings(SCHEMA)
links.show_notices(SCHEMA)
if in_use["room"] and (seat() is None or seat().code != in_use["room"]):
    enter_linked_room(in_use["room"])
if (room_seat := seat()) is not None:
    read_room(room_seat)
room = seat().room if seat() is not None else None
if RNG not in ss:
    ss[RNG] = np.random.default_rng()
if ANSWERS not in ss:
    set_answers(teach.decode_link(in_use["labels"])[0])
    ss[BEFORE] = None
FLASH.show()
# held back on a first visit, with the "Join a class" box's height kept for it; a room's invitation is shown at once
first_paint.later(show_class, reserve_px=40, hold_back=seat() is None)

net = ss[NET]
rgb = ss[QUESTION]
hex_bg = colors.to_hex(rgb)
ask, side = st.columns([5, 4], gap="large")
with ask:
    # a first visit's light run draws the question and its answers first (None: the default text)
    text = first_paint.later(st.text_input, "Sample text", DEFAULT_TEXT, key="teach_text", max_chars=80,
                             reserve_px=68)
    shown_text = html.escape(text or DEFAULT_TEXT)
    halves = "".join(
        f'<div{specimen_attrs(shade, rgb, f"the sample in {word} text")} style="flex: 1; '
        f'color: {colors.to_hex(shade)}; padding: 1.2rem 1.4rem; text-align: center">'
        f'<div style="font-size: 0.8rem; font-weight: 400; opacity: 0.9">{word}</div>{shown_text}</div>'
        for word, shade in (("dark", colors.DARK_TEXT), ("light", colors.LIGHT_TEXT)))
    # st.html, not Markdown with HTML: its code is 2 kB against the HTML Markdown parser's 190 kB, which a first
    # visit's light run would otherwise wait for (docs/design.md, "First visits")
    st.html(f'<div id="teach-colour" data-colour="{hex_bg}" style="background-color: {hex_bg}; display: flex; '
            f'font-size: 1.8rem; font-weight: 600; line-height: 1.25; border-radius: 0.6rem; min-height: 8rem; '
            f'overflow-wrap: anywhere; border: 1px solid rgba(0,0,0,0.12)">{halves}</div>')
    with st.container(horizontal=True):
        st.button("Dark reads better", key="teach_dark", on_click=on_answer, args=(1,), type="primary", shortcut="D")
        st.button("Light reads better", key="teach_light", on_click=on_answer, args=(0,), type="primary", shortcut="L")
        # Undo and Skip quieter than the answers (and narrow enough for all four to share a row at 1,280 px)
        st.button("Undo", key="teach_undo", on_click=on_undo, disabled=not answers(), icon=":material/undo:",
                  type="tertiary")
        st.button("Skip", key="teach_skip", on_click=ask_next, help="Ask about another colour.", type="tertiary")
    first_paint.stop_after_main_control()
    st.caption(f"Background {hex_bg} · rgb{rgb} · Keys: **D** dark reads better, **L** light reads better "
               "(when you are not typing in a box).")
    if room is not None and not room.show_guess:   # said in words, as the question mode below
        ss["teach_show_guess"] = False
        st.markdown(":material/visibility_off: Your teacher hides the network's guess in this room.")
    elif st.toggle("Show the network's guess first", key="teach_show_guess",
                   help="Before you answer. Hidden by default, so it does not sway you."):
        st.markdown(f"**{teach.guess(net, rgb).sentence()}**")

with side:
    hits, asked = teach.running_score(answers())
    ag = ss[AGREEMENT]
    before = ss.get(BEFORE)
    # each score as wide as its label and number, wrapping to a new line rather than cutting a label short
    with st.container(horizontal=True, gap="small"):
        st.metric("Guessed right", f"{hits} of {asked}" if asked else "–", width="content",
                  help=f"Of your last {teach.SCORE_WINDOW} answers given here, how many the network predicted "
                       "before you gave them: the honest test of how well it knows you.")
        st.metric("Formula agrees", f"{ag.formula:.1%}", width="content", **change(ag.formula, before and before.formula),
                  help="On 20,000 fixed random colours: how often your network picks the chapter's formula's shade.")
        st.metric("WCAG agrees", f"{ag.wcag:.1%}", width="content", **change(ag.wcag, before and before.wcag),
                  help="On the same colours: how often it picks the shade with the higher WCAG 2 contrast.")
    # after the scores: a browser sees this updated once they are (the benchmark times the click to it)
    given = len(answers())
    trained = (f"retrained in {duration_text(ss.get(RETRAIN_MS, 0.0) / 1000)}" if given
               else "the network has its starting weights")   # nothing to train on: no time to give
    st.markdown(f'<div id="teach-scores" data-answers="{given}" style="{STATUS_STYLE}; opacity: 0.7">'
                f'{counted(given, "answer")} · {trained}</div>', unsafe_allow_html=True)
    if room is not None:   # the teacher chooses for the room: said in words (a disabled control's grey is 2.6:1)
        ss[K["ask"]] = room.ask
        st.markdown(f"**Next colour**: {SCHEMA['ask'].kind.label(room.ask)}, as your teacher chose for the room.")
    else:
        st.radio("Next colour", SCHEMA["ask"].kind.names, key=K["ask"], format_func=SCHEMA["ask"].kind.label,
                 horizontal=True)
    st.caption(teach.WHY_ACTIVE)
    if presses.button("Use this model", key="teach_use", disabled=not answers(),
                      help="The Predict page uses your network for this session only."):
        use_model_then_open_predict(copy.deepcopy(net), f"taught here ({counted(given, 'answer')})",
                                    "The Predict page now uses your network: open it", press="teach_use")

# under both columns, as wide as the page: in the question's column its table of four had two columns out of sight
# on a 1,024-pixel laptop
with st.expander("How this colour looks to colour-blind readers"):
    show_colour_vision(rgb, key="teach_colour_vision")

st.subheader("Your answers")
if answers():
    swatches = "".join(
        f'<span title="{i}. {a.hex}: {"dark" if a.dark else "light"}"'
        f'{specimen_attrs(colors.text_colour(a.dark), a.rgb, f"answer {i}, " + ("dark" if a.dark else "light") + " text")} '
        f'style="display: inline-block; '
        f'background: {a.hex}; color: {colors.to_hex(colors.text_colour(a.dark))}; width: 2.6rem; '
        f'padding: 0.3rem 0; margin: 2px; text-align: center; border-radius: 0.3rem; font-weight: 600; '
        f'border: 1px solid rgba(0,0,0,0.15)">{i}</span>'
        for i, a in enumerate(answers(), start=1))
    st.markdown(f'<div id="teach-answers">{swatches}</div>', unsafe_allow_html=True)
    st.caption("Each swatch shows your answer's colour with the number in the shade you picked.")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        given = answers()
        st.multiselect("Remove answers", range(len(given)), key="teach_remove",
                       format_func=lambda i: f"{i + 1}. {given[i].hex} {'dark' if given[i].dark else 'light'}",
                       placeholder="Pick answers to remove", width=420, wrap=True)   # every pick in view
        st.button("Remove", key="teach_remove_button", on_click=on_remove)
        st.button("Remove all", key="teach_clear", on_click=on_clear)
else:
    st.info("No answers yet: say which text reads better on the colour above.")

st.subheader("Your taste against the formula")
left, right = st.columns([3, 2], gap="large")
with left:
    c1, c2 = st.columns([1, 2])
    fixed = c1.radio("Fixed channel", training.CHANNELS, index=2, key="teach_slice", horizontal=True)
    value = c2.slider("at", 0, 255, 128, key="teach_at")
    sl = training.decision_slice(net, fixed, value)
    pts = np.array([a.rgb for a in answers()]).reshape(-1, 3)
    labels = np.array([a.label for a in answers()])
    near, near_labels = training.colours_near_slice(pts, labels, fixed, value, tolerance=40)
    st.markdown(f"**Your network's P(dark text) where {fixed} = {value}**: the formula's boundary is the black "
                "line, your network's the red dashes; dots are your answers near the slice.")
    st.markdown(legend_html(MAP_LEGEND), unsafe_allow_html=True)
    spec = live.map_spec(sl.x_channel, sl.y_channel, len(sl.axis), height=380, alt=decision_map_label(sl),
                         readout="Point at the map, or focus it and press the arrow keys, to read your network's "
                                 "P(dark text) there.")
    points = live.map_points(sl, near, near_labels, exact=True)
    live_charts("teach_map", [Chart("map", spec, f"{fixed}:{value}", len(answers()), lambda start: points)])
    st.caption(slice_summary(sl))
with right:
    if not answers():
        st.markdown("**Where you and the formula disagree most**")
        st.caption("Your network has learned nothing from you yet: it starts unsure everywhere, P(dark text) near "
                   "0.5. After your first answers, the colours where its pick and the formula's differ most "
                   "appear here.")
    else:
        far, p = teach.disagreements(net, k=8)
        st.markdown("**Where you and the formula disagree most**: your network's pick is the large text, "
                    "the formula's the small.")
        if not len(far):
            st.success("Your network picks the formula's shade on every one of the 20,000 colours.")
        cells = []
        for c, pd in zip(far.tolist(), p.tolist()):
            mine = colors.text_colour(pd >= 0.5)
            formula = colors.text_colour(pd < 0.5)
            cells.append(
                f'<div style="background: {colors.to_hex(c)}; border-radius: 0.4rem; padding: 0.5rem 0.7rem; '
                f'margin: 3px; width: 9.5rem; border: 1px solid rgba(0,0,0,0.12)">'
                f'<div{specimen_attrs(mine, c, "your network’s shade")} style="color: {colors.to_hex(mine)}; '
                f'font-weight: 700; font-size: 1.2rem">you: Aa</div>'
                f'<div{specimen_attrs(formula, c, "the formula’s shade")} style="color: {colors.to_hex(formula)}; '
                f'font-size: 0.85rem">formula: Aa</div>'
                f'<div style="color: {colors.to_hex(colors.readable_text(c))}; font-size: 0.75rem">'
                f'{colors.to_hex(c)} · {max(pd, 1 - pd):.0%} sure</div></div>')
        if cells:
            st.markdown(f'<div id="teach-disagree" style="display: flex; flex-wrap: wrap">{"".join(cells)}</div>',
                        unsafe_allow_html=True)

st.subheader("Keep and share")
st.markdown("Your answers live in this session only. The page's link holds them (`?labels=ffc0cb.d,000080.l`, "
            f"at most {teach.MAX_ANSWERS}): share it and another person opens your taste and its network.")
if answers():
    base = (st.context.url or "").rstrip("/")
    labels = ss[K["labels"]]
    st.code(f"{base}?labels={labels}" if base.endswith("/teach") else f"/teach?labels={labels}", language=None,
            wrap_lines=True)
c1, c2 = st.columns(2)
with c1:
    st.download_button("Download answers (CSV)", lambda rows=answers(): teach.to_csv(rows), file_name="fontnet-answers.csv",
                       mime="text/csv", on_click="ignore", disabled=not answers(),
                       help="Columns red,green,blue,label (1 = dark): the Train page reads this file too.")
with c2:
    st.file_uploader("Upload answers (CSV) to continue", type=["csv"], key="teach_upload", on_change=on_upload,
                     max_upload_size=MAX_UPLOAD_BYTES // 1_000_000,
                     help=f"Columns red,green,blue,label; at most {MAX_UPLOAD_BYTES // 1_000_000} MB. "
                          "It replaces the answers above.")
show_teach_export(answers())
