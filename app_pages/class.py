"""Class: a teacher opens a room, students answer on Teach, and one network learns from the whole class, live."""

from __future__ import annotations

import copy

import streamlit as st

from app import first_paint, links, presses
from app.class_live import AREAS, COLUMNS, MAP_CHART, NARROW_BELOW, POLL_SECONDS, ClassWatch, feed_source
from app.classroom import remember_key, remembered_key, shared_store
from app.live_chart import live_charts
from app.page_kit import Flash, use_model_then_open_predict
from app.presses import whole_callback
from app.text import md_literal
from fontnet import classroom, store, teach, training
from fontnet.figures.classroom import qr_svg, student_labels
from fontnet.parsing import counted, duration_text
from fontnet.settings import CLASS as SCHEMA
from fontnet.store import NotTeacher, RoomNotFound, StoreError

WATCH = "class_watch"          # ClassWatch of the room in the link (this session only)
DELETING = "class_deleting"    # the teacher asked to delete the room: confirm first
REMOVING = "class_removing"    # the teacher is choosing a student to remove from the room
FORGET = "class_forget_key"    # a room deleted here: this browser forgets its teacher key on the next run
STALE = "class_stale_key"      # a room whose key this browser kept did not open it: not tried again this session
FLASH = Flash("class")
K = links.keys(SCHEMA)
PANEL = "class_live"
# a new room's settings and their defaults: colours asked about, the network's guess shown, class counts shown
NEW_ROOM = {"class_new_ask": next(iter(teach.STRATEGIES)), "class_new_guess": True, "class_new_counts": False}
ss = st.session_state


def room_link(path: str) -> str:
    """An address in this app: its base URL (as the browser has it) and `path`; relative where the URL is unknown."""
    base = (st.context.url or "").rstrip("/").removesuffix("/class")
    return f"{base}/{path}" if base else path


def watch() -> ClassWatch:
    return ss[WATCH]


def teacher_call(action, done: str = "") -> bool:
    """Run a teacher's change on the store; say what happened (or why not) on the next run."""
    try:
        action(shared_store(), ss[K["room"]], ss[K["key"]])
    except StoreError as e:
        FLASH("error", f"That did not change: {e}.")
        return False
    if done:
        FLASH("success", done)
    return True


# ---- callbacks ----------------------------------------------------------------------------------
@whole_callback
def on_open_room() -> None:
    try:
        # pressed before the settings were drawn (a first visit's light run): their defaults
        chosen = {k: ss.get(k, default) for k, default in NEW_ROOM.items()}
        code, key = shared_store().create_room(ask=chosen["class_new_ask"], show_guess=chosen["class_new_guess"],
                                               show_counts=chosen["class_new_counts"])
    except StoreError as e:
        FLASH("error", f"No room was opened: {e}.")
        return
    links.set_setting(SCHEMA, "room", code)
    links.set_setting(SCHEMA, "key", key)
    ss.pop(WATCH, None)
    FLASH("success", f"Room {store.display_code(code)} is open. Show students the code or the QR code; keep the "
                     "teacher link to yourself.")


@whole_callback
def on_open_toggle() -> None:
    teacher_call(lambda db, c, k: db.set_open(c, k, ss["class_open"]))


@whole_callback
def on_guess_toggle() -> None:
    teacher_call(lambda db, c, k: db.set_show_guess(c, k, ss["class_guess"]))


@whole_callback
def on_counts_toggle() -> None:
    teacher_call(lambda db, c, k: db.set_show_counts(c, k, ss["class_counts"]))


@whole_callback
def on_ask() -> None:
    teacher_call(lambda db, c, k: db.set_ask_mode(c, k, ss["class_ask"]))


@whole_callback
def on_delete_ask() -> None:
    ss[DELETING] = True


@whole_callback
def on_delete_cancel() -> None:
    ss[DELETING] = False


@whole_callback
def on_delete() -> None:
    code = ss[K["room"]]
    ss[DELETING] = False
    if teacher_call(lambda db, c, k: db.delete_room(c, k),
                    f"Room {store.display_code(code)} is deleted with all its answers."):
        leave_room()
        ss[FORGET] = code


@whole_callback
def on_remove_ask() -> None:
    ss[REMOVING] = True


@whole_callback
def on_remove_cancel() -> None:
    ss[REMOVING] = False


@whole_callback
def on_remove() -> None:
    who = ss.get("class_remove_who")
    name = student_labels(watch().students).get(who, "That student")
    if who is None:
        FLASH("warning", "Choose the student to remove first.")
        return
    ss[REMOVING] = False
    try:
        gone = shared_store().remove_student(ss[K["room"]], ss[K["key"]], who)
    except StoreError as e:
        FLASH("error", f"Nobody was removed: {e}.")
        return
    FLASH("success", f"{name} was removed from room {store.display_code(ss[K['room']])}, with "
                     f"{counted(gone, 'answer')}. That seat cannot answer in this room again.")


def leave_room() -> None:
    links.set_setting(SCHEMA, "room", "")
    links.set_setting(SCHEMA, "key", "")
    ss.pop(WATCH, None)


def gone(e: RoomNotFound) -> None:
    """The link's room does not exist: say so, and the link drops the room and key."""
    st.warning(f"{md_literal(str(e)[:1].upper() + str(e)[1:])}. Open a new room below.")
    leave_room()
    links.page_settings(SCHEMA)   # the link drops the room and key now


# ---- render -------------------------------------------------------------------------------------
def show_open_room() -> None:
    st.subheader("Open a room")
    st.markdown("A room has a short code. Students type it on the Teach page (or scan its QR code) and every "
                "answer they give there is pooled here, where one network learns from the whole class while you "
                "watch. Rooms idle for "
                f"{store.ROOM_DAYS:.0f} days are deleted with their answers.")
    st.button("Open a room", key="class_open_room", on_click=on_open_room, type="primary", icon=":material/meeting_room:")
    # a first visit's light run draws the button first; the settings' code follows (app/first_paint.py)
    first_paint.later(show_new_room_settings)


def show_new_room_settings() -> None:
    with st.container(border=True, key="class_new_settings"):
        st.markdown("The room opens with these settings; you can change each of them in the room at any time.")
        st.radio("Colours students are asked about", teach.STRATEGIES, key="class_new_ask",
                 format_func=teach.STRATEGIES.get, horizontal=True)
        st.toggle("Students see the network's guess before they answer", value=NEW_ROOM["class_new_guess"],
                  key="class_new_guess")
        st.toggle("Show class counts to students (how many joined and answered)", value=NEW_ROOM["class_new_counts"],
                  key="class_new_counts")


def show_links(code: str, key: str) -> None:
    student = room_link(f"teach?room={code}")
    teacher = room_link(f"class?room={code}&key={key}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("**Students join here:** open the link, scan the code, or type the room code on the Teach page.")
        st.markdown(f'<div id="class-code" aria-label="Room code {store.display_code(code)}" style="font-size: '
                    f'clamp(2rem, 7vw, 4.5rem); white-space: nowrap; font-weight: 700; letter-spacing: 0.08em; line-height: 1.1; font-family: '
                    f'\'Source Code Pro\', monospace">{store.display_code(code)}</div>', unsafe_allow_html=True)
        st.code(student, language=None, wrap_lines=True)
    with right:
        st.markdown(qr_svg(student, f"QR code of the student link {student}"), unsafe_allow_html=True)
    with st.expander("Your teacher link (keep it to yourself)", icon=":material/key:"):
        st.markdown("Whoever opens this link runs the room: it holds the room's teacher key. Bookmark it to come "
                    "back to this page from anywhere; students never see it. The address bar leaves the key out, "
                    "so a projected page does not show it, and this browser keeps it for the room: a reload "
                    "here stays this room's teacher page.")
        st.code(teacher, language=None, wrap_lines=True)
    remember_key(code, key)   # this browser keeps the key for a reload (the address bar no longer holds it)


def show_controls(room: store.Room) -> None:
    # the controls show the room as the store has it (another tab may have changed it)
    ss["class_open"], ss["class_guess"], ss["class_counts"], ss["class_ask"] = (
        room.open, room.show_guess, room.show_counts, room.ask)
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.toggle("Room open", key="class_open", on_change=on_open_toggle,
                  help="A closed room takes no new students and no answers; what it has stays.")
        st.toggle("Students see the network's guess", key="class_guess", on_change=on_guess_toggle,
                  help="Off: the Teach page hides its network's guess from students in this room.")
        st.toggle("Show class counts to students", key="class_counts", on_change=on_counts_toggle,
                  help="On: students see how many joined and how many answers the class gave, nothing else.")
        st.radio("Colours students are asked about", teach.STRATEGIES, key="class_ask", on_change=on_ask,
                 format_func=teach.STRATEGIES.get, horizontal=True)


def show_panel(w: ClassWatch) -> None:
    c1, c2 = st.columns([1, 2])
    fixed = c1.radio("Map's fixed channel", training.CHANNELS, index=2, key="class_slice", horizontal=True)
    value = c2.slider("at", 0, 255, 128, key="class_at")
    if not w.room.open:
        st.info("The room is closed: this view stays as it is until you open the room again.")
    with w.lock:   # the feed may be refreshing it meanwhile
        w.set_slice(fixed, value)
        live_charts(PANEL, w.charts(), columns=COLUMNS, areas=AREAS, narrow_below=NARROW_BELOW,
                    source=feed_source(w) if w.room.open else None, every=POLL_SECONDS, watch=(w.held, MAP_CHART))
    if w.trained_on >= 0:
        trained = (f"the last retraining took {duration_text(w.train_ms / 1000)}" if w.trained_on
                   else "until the first answer it has its starting weights")
        st.caption(f"The class network is Teach's (3 inputs, 3 ReLU nodes, 1 output), trained as Teach trains on "
                   f"every answer pooled; {trained}. Agreement is measured on "
                   f"the same {teach.AGREEMENT_COLOURS:,} fixed colours as on Teach.")


def show_keep(w: ClassWatch) -> None:
    code = w.code
    # side by side, each button whole: a narrow window wraps the second to a new line (two columns cut the first's
    # words short in a 186-pixel column)
    with st.container(horizontal=True, gap="medium"):
        # made when pressed, from every answer the live view has pooled by then (no page run follows the panel)
        st.download_button("Download the class's answers (CSV)", lambda: classroom.to_csv(w.pool),
                           file_name=f"fontnet-class-{code}.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:",
                           help="Columns red,green,blue,label (1 = dark text): the Train page reads this file.")
        use = presses.button("Use the class network", key="class_use",
                             help="The Predict page uses the class network (trained on every answer so far) for your "
                                  "session only.")
    if use:
        if not len(w.pool):
            presses.done("class_use")
            st.info("No answers yet: the class network has nothing to learn from.")
            return
        with w.lock:
            w.train()
            net = copy.deepcopy(w.view.net)
        use_model_then_open_predict(net, f"the class network (room {store.display_code(code)}, "
                                         f"{counted(w.trained_on, 'answer')})",
                                    "The Predict page now uses the class network: open it", press="class_use")


def show_remove(w: ClassWatch) -> None:
    """Remove a student (a nickname that should not be on the projector, answers given in bad faith): the list
    is the room's students as of this page run, which the button that opens it starts."""
    if not ss.get(REMOVING):
        st.button("Remove a student…", key="class_remove_ask", on_click=on_remove_ask, icon=":material/person_remove:")
        return
    names = student_labels(w.students)
    with st.container(border=True, key="class_remove_box"):
        if not names:
            st.info("No student has joined this room yet.")
        else:
            st.selectbox("Student to remove", list(names), format_func=names.get, key="class_remove_who",
                         index=None, placeholder="Choose a student")
            st.caption("Their answers leave the class and its network, their nickname leaves this page, and their "
                       "seat cannot join or answer in this room again. Teach keeps working for them on their own.")
        with st.container(horizontal=True):
            if names:
                st.button("Remove from the room", key="class_remove", on_click=on_remove, type="primary")
            st.button("Cancel", key="class_remove_cancel", on_click=on_remove_cancel)


def show_delete(w: ClassWatch) -> None:
    if not ss.get(DELETING):
        st.button("Delete the room…", key="class_delete_ask", on_click=on_delete_ask, icon=":material/delete:")
        return
    answers, students = len(w.pool), len(w.students)
    st.warning(f"Delete room {store.display_code(w.code)} with its {counted(answers, 'answer')} "
               f"from {counted(students, 'student')} for good? Nobody can undo this.")
    with st.container(horizontal=True):
        st.button("Delete for good", key="class_delete", on_click=on_delete, type="primary")
        st.button("Cancel", key="class_delete_cancel", on_click=on_delete_cancel)


# ---- the page -----------------------------------------------------------------------------------
st.title("Class")
st.markdown("A whole class teaches one network. Students answer on the Teach page in your room; here their "
            "answers pool, and the class network learns from all of them while you watch.")

in_use = links.page_settings(SCHEMA)
links.show_notices(SCHEMA)
FLASH.show()
code, key = in_use["room"], in_use["key"]
from_cookie = False
if code and not key and ss.get(STALE) != code and (kept := remembered_key(code)):   # a reload, or a new session
    key, from_cookie = kept, True
    ss[K["key"]] = key


def without_key(code: str, forget: str | None = None) -> None:
    """The page for a link with no teacher key (or with one this browser kept that no longer opens the room):
    students are pointed to Teach in the room, if it exists, and a new room can be opened. Stops the run."""
    if forget := ss.pop(FORGET, None) or forget:
        remember_key(forget, None)
    if code:
        try:   # point students to the room only if it exists (if the database cannot say, point them anyway)
            shared_store().room_status(code)
        except RoomNotFound as e:
            gone(e)
            code = ""
        except StoreError:
            pass
    if code:
        st.info(f"This page runs room {store.display_code(code)} for its teacher, whose link carries the room's "
                f"key. Students answer on the Teach page: [Teach, in room {store.display_code(code)}]"
                f"(teach?room={code})", icon=":material/school:")
    show_open_room()
    presses.stop()


if not code or not key:
    without_key(code)

try:
    db = shared_store()
    if WATCH not in ss or (watch().code, watch().key) != (code, key):
        ss[WATCH] = ClassWatch(db, code, key)
    w = watch()
    with w.lock:
        w.refresh(train_now=True)
except NotTeacher:
    ss.pop(WATCH, None)
    if from_cookie:   # a key this browser kept no longer opens the room: forget it, and show the page without it
        ss[K["key"]], ss[STALE] = "", code
        without_key(code, forget=code)
    st.error(f"This link's teacher key is not the key of room {store.display_code(code)}, so this page shows "
             "nothing of the room. Open the teacher link you were given when you opened the room.")
    presses.stop()
except RoomNotFound as e:
    gone(e)
    without_key("", forget=code if from_cookie else None)
except StoreError as e:
    w = ss.get(WATCH)
    if w is None or (w.code, w.key) != (code, key) or w.room is None:   # nothing of this room read yet
        st.error(f"The class cannot be shown right now: {md_literal(e)}. Reload the page in a moment.")
        if not from_cookie:   # the address has dropped the key: kept here, the reload asked for still finds it
            remember_key(code, key)
        presses.stop()
    # read before: the room stays on screen as it was last read, and the live view catches up by itself
    st.warning(f"The class database cannot be reached right now ({md_literal(e)}): the room is shown as it was "
               "last read, and the view below catches up by itself once the database answers again.",
               icon=":material/cloud_off:")

show_links(code, key)
show_controls(w.room)
show_panel(w)
show_keep(w)
show_remove(w)
show_delete(w)
