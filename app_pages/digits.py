"""Digits: Figure 7-8 made real — draw a digit, see the 8x8 image the network reads and its ten probabilities."""

from __future__ import annotations

import copy
import json

import numpy as np
import streamlit as st

from app import first_paint, links, live_run, presses, state
from app.confusion import show_confusion
from app.draw_pad import clear, draw_pad, preview_html
from app.live_chart import Chart
from app.page_kit import Flash
from app.presses import whole_callback
from app.text import md_literal
from fontnet import digits
from fontnet.activations import ACTIVATIONS
from fontnet.digits import DigitsRun, DrawingError
from fontnet.figures.digits import (
    LIVE_COLUMNS,
    live_spec,
    network_svg,
    probabilities_svg,
    weight_tiles_html,
)
from fontnet.figures.live import history_points
from fontnet.network import ModelFileError, Network
from fontnet.parsing import duration_text, shorten
from fontnet.settings import DIGITS as SCHEMA

RUN = "digits_run"
OWN = "digits_own_model"          # (model, name): uploaded, or a run kept with "Use this model"
TEST_IMAGE = "digits_test_image"  # None: the pad is read; an int: that test image is shown instead
LAST_DRAWN = "digits_last_drawn"   # the pad's last drawing that could be read, as the 8x8 image (kept on a bad one)
FLASH = Flash("digits")
LIBRARY = "digits_library"
UPDATE_SECONDS = 0.2              # a default run's 40 chunks play in about 8 s
K = links.keys(SCHEMA)
ss = st.session_state


def current_settings() -> digits.DigitsSettings:
    """The settings the controls hold; SettingsError names a bad one (the layer widths are typed)."""
    return digits.settings_from({name: ss[K[name]] for name in SCHEMA.names if K[name] in ss})


def active_model() -> tuple[Network, str, int]:
    """The model the pad uses, its name and the seed of the split it is scored on: a run that has trained,
    else a model kept or uploaded in this session, else the shared default."""
    run: DigitsRun | None = ss.get(RUN)
    if run is not None and run.trained:
        return run.net, f"this run ({run.settings.describe()}, {run.status})", run.settings.seed
    if ss.get(OWN):
        net, name = ss[OWN]
        seed = net.random_state if isinstance(net.random_state, int) and 0 <= net.random_state <= digits.MAX_SEED else 0
        return net, name, seed
    return state.shared_digits_model(), f"the default model ({digits.DEFAULT.describe()})", digits.DEFAULT.seed


# ---- callbacks ------------------------------------------------------------------------------------------------
def new_run(start: bool) -> None:
    try:
        run = DigitsRun(current_settings())
    except digits.SettingsError as e:
        FLASH("error", f"Cannot start a run: {e}. The current model is kept.")
        return
    if start:
        run.start()
    ss[RUN] = run
    ss.pop(LIBRARY, None)


@whole_callback
def on_clear() -> None:
    clear()
    ss[TEST_IMAGE] = None
    ss.pop(LAST_DRAWN, None)


@whole_callback
def on_draw() -> None:
    ss[TEST_IMAGE] = None


@whole_callback
def on_pick(wrong: bool) -> None:
    """A random test image, or a random one of those the current model gets wrong."""
    model, _, seed = active_model()
    _, X_test, _, y_test = digits.split(seed)
    pool = digits.evaluate(model, X_test, y_test).wrong if wrong else np.arange(len(y_test))
    if len(pool) == 0:
        FLASH("info", "The model gets every test image right: there is none to show.")
        return
    ss[TEST_IMAGE] = int(np.random.default_rng().choice(pool))


@whole_callback
def on_use() -> None:
    run = ss.get(RUN)
    if run is not None and run.trained:
        ss[OWN] = (copy.deepcopy(run.net), f"your run ({run.settings.describe()})")
        FLASH("success", "The pad keeps this model until you load another or go back to the default.")


@whole_callback
def on_default() -> None:
    ss.pop(OWN, None)
    ss.pop(RUN, None)
    ss.pop(LIBRARY, None)


@whole_callback
def on_upload() -> None:
    f = ss.get("digits_model_file")
    if f is None:
        return
    try:
        net = digits.load_model(f.getvalue())
    except ModelFileError as e:
        FLASH("error", f"That model was not loaded: {e}. The current model is kept.")
        return
    ss[OWN] = (net, f"uploaded {shorten(f.name, 40)}")
    ss.pop(RUN, None)
    ss.pop(LIBRARY, None)
    FLASH("success", f"Loaded {shorten(f.name, 40)}: a 64-{'-'.join(map(str, net.hidden_layer_sizes))}-10 {net.activation} network.")


# ---- render functions -----------------------------------------------------------------------------------------
@st.fragment
def pad_section() -> None:
    """The pad, the 8x8 image it becomes, the prediction, the output layer and Figure 7-8 for this image.
    A fragment: a stroke reruns only this."""
    model, name, seed = active_model()
    _, X_test, _, y_test = digits.split(seed)
    # fixed widths in a row that wraps: on a narrow screen the parts stack instead of squeezing the pad
    row = st.container(horizontal=True, gap="small")
    left, mid, right = row.container(width=300), row.container(width=180), row.container(width=380)
    with left:
        strokes = draw_pad(on_change=on_draw)
        with st.container(horizontal=True):
            st.button("Clear", on_click=on_clear, key="digits_clear")
            st.button("Random test image", on_click=on_pick, args=(False,), key="digits_random")
            st.button("One it gets wrong", on_click=on_pick, args=(True,), key="digits_wrong")
    shown = ss.get(TEST_IMAGE)
    image, caption = None, ""
    if shown is not None and 0 <= shown < len(y_test):
        image = X_test[shown].reshape(8, 8) * 16
        caption = f"Test image {shown}, labelled {y_test[shown]}."
    elif strokes:
        try:
            image = ss[LAST_DRAWN] = digits.reduce_drawing(digits.parse_strokes(strokes))
            caption = "Your drawing, cropped to its ink, centred and counted in 4x4 blocks (0–16)."
        except DrawingError as e:
            image = ss.get(LAST_DRAWN)   # the drawing before it still stands, read as it was
            kept = " The reading here is of your drawing before it." if image is not None else ""
            st.warning(md_literal(f"That drawing could not be read: {e}.{kept} Clear the pad and draw again."))
            if image is not None:
                caption = "Your last drawing that could be read, cropped to its ink, centred and counted in 4x4 blocks."
    else:
        ss.pop(LAST_DRAWN, None)   # an empty pad (the toolbar's bin empties it too): no earlier drawing stands
    reading = digits.read(model, image) if image is not None else None
    with mid:
        st.markdown("**What the network sees**")
        st.markdown(preview_html(image), unsafe_allow_html=True)
        st.caption(caption or "8x8 pixels, 0–16, as in the data set.")
        if reading is None:
            st.markdown('<p id="digit-prompt" style="font-size:1.6rem">draw a digit</p>', unsafe_allow_html=True)
        else:
            st.markdown(f'<p style="margin:0">Prediction</p><p id="digit-prediction" style="font-size:2.2rem;'
                        f'font-weight:600;margin:0">{reading.label()}</p>', unsafe_allow_html=True)
    with right:
        st.markdown("**The output layer: P(digit), softmax**")
        proba = reading.proba if reading is not None else np.zeros(10)
        st.markdown(f"<div>{probabilities_svg(proba)}</div>", unsafe_allow_html=True)
    st.caption(md_literal(f"Model: {name}."))
    if reading is not None:
        st.markdown("**Figure 7-8 for this network and this image**: inputs, hidden nodes shaded by activation "
                    "(orange positive, blue negative, white zero), outputs sized by probability; lines are the "
                    "strongest contributions w·a between the later layers.")
        st.markdown(f"<div>{network_svg(model, reading)}</div>", unsafe_allow_html=True)


def progress_label(run: DigitsRun) -> str:
    """The progress bar's words (numbers and the app's own words only)."""
    p = run.history[-1]
    return (f"{run.status}: iteration {run.iteration:,} of {run.settings.iterations:,} · loss {p.loss:.4f} · "
            f"train accuracy {p.train_accuracy:.1%} · test accuracy {p.test_accuracy:.1%}")


def live_chart_of(run: DigitsRun) -> Chart:
    """Loss, train and test accuracy over the run."""
    return Chart("chart", live_spec(run.settings.iterations), run.run_id, len(run.history),
                 lambda start: history_points(run.history, LIVE_COLUMNS, start))


def show_live(run: DigitsRun | None, status: str) -> None:
    """The progress bar and the live chart (app/live_run.py): when the run stops, the page reruns, so the
    buttons, the pad and the evaluation follow the new model. `status`: the run's, as this page run read it at
    its top."""
    if run is None:
        st.caption("No run yet: the pad uses the model named above.")
        return
    live_run.live_section(run, "digits_live_chart", lambda: [live_chart_of(run)], progress_label,
                          playing=status == "running", every=UPDATE_SECONDS, box_key="digits_live_box", show_status=show_diverged)


def show_diverged(run: DigitsRun) -> None:
    if run.status == "diverged":
        st.error(md_literal(f"{run.message} Reset starts again from the settings."))


def settings_sidebar(settings: digits.DigitsSettings | None, problem: digits.SettingsError | None) -> None:
    """The settings, in the sidebar (drawn after the main control: app/first_paint.py), with what a run of them
    would be, or why there is none."""
    with st.sidebar:
        st.header("Settings")
        st.text_input("Hidden layers", key=K["hidden"], help=SCHEMA["hidden"].help)
        act = st.selectbox("Hidden activation", SCHEMA["activation"].kind.names, key=K["activation"])
        st.caption(f"{ACTIVATIONS[act].label}: {ACTIVATIONS[act].description} The outputs use softmax.")
        st.select_slider("Learning rate", digits.LR_CHOICES, format_func=SCHEMA["lr"].format, key=K["lr"],
                         help=SCHEMA["lr"].help)
        st.number_input("Iterations", 1, digits.MAX_ITERATIONS, step=100, key=K["iterations"],
                        help=SCHEMA["iterations"].help)
        st.number_input("Random seed", 0, digits.MAX_SEED, key=K["seed"], help=SCHEMA["seed"].help)
        if settings is not None:
            st.caption(f"A run: {settings.describe()}.")
        else:
            st.error(md_literal(f"{problem}. Train keeps the current model until this is fixed."))


def show_weight_tiles() -> None:
    """Outside the pad's fragment: the weights do not change with the drawing, so a stroke does not resend them."""
    st.markdown("**What each first-layer node looks for**: its 64 weights as an 8x8 image "
                "(orange: ink there raises it, blue: lowers it).")
    st.markdown(weight_tiles_html(active_model()[0].weights_[0]), unsafe_allow_html=True)


# ---- the page -------------------------------------------------------------------------------------------------
st.title("Digits")
st.markdown("The chapter's Figure 7-8: a network that takes each pixel of an image as an input and predicts which "
            "digit it shows. 64 pixels (8x8) feed two hidden layers; ten softmax outputs give the probability of "
            "each digit 0–9. It was trained on scikit-learn's 1,797 handwritten digits, a third held out for testing. "
            "Draw a digit below.")

links.page_settings(SCHEMA)
try:
    settings, settings_problem = current_settings(), None
except digits.SettingsError as e:
    settings, settings_problem = None, e
links.show_notices(SCHEMA)
FLASH.show()

# each part held back on a first visit keeps its place in its own container (app/first_paint.py)
first_paint.later(pad_section, reserve_px=458)
first_paint.later(show_weight_tiles, reserve_px=303)


# ---- training -------------------------------------------------------------------------------------------------
st.header("Train")
st.markdown("Train starts a fresh run with the settings on the left; the pad uses it as it learns. "
            "Cross-entropy on the softmax outputs, Adam, mini-batches of 32 images.")
run: DigitsRun | None = ss.get(RUN)
status = run.status if run else "none"
live_run.run_buttons(RUN, "digits_buttons", on_train=lambda: new_run(True), on_reset=lambda: new_run(False),
                     disabled=settings is None, key_prefix="digits",
                     reset_help="Fresh random weights with the settings on the left (iteration 0).")
first_paint.stop_after_main_control()
settings_sidebar(settings, settings_problem)
show_live(run, status)

# ---- evaluation, the library, files ---------------------------------------------------------------------------
model, name, seed = active_model()
_, X_test, _, y_test = digits.split(seed)
evaluation = digits.evaluate(model, X_test, y_test)
st.header("How well it reads the test images")
# the score above the matrix, not beside it: the matrix needs about 420 px, more than two thirds of the page on a
# 1,024-pixel laptop with the sidebar open, where its last columns were hidden in a box scrolling sideways
st.metric("Test accuracy", f"{evaluation.accuracy:.1%}",
          help=f"{len(y_test) - len(evaluation.wrong)} of {len(y_test)} held-out images right.")
st.caption(md_literal(f"Model: {name}; split seed {seed}."))
if ss.get(OWN) and ss[OWN][1].startswith("uploaded"):
    st.caption("An uploaded model may have been trained on some of these test images.")
show_confusion(model, X_test, y_test, evaluation.confusion, TEST_IMAGE)

st.subheader("The library beside it")
st.markdown("scikit-learn's `MLPClassifier` with the same layers, activation, split and seed (its defaults "
            "otherwise: Adam, batches of 200, up to 200 passes), fitted and timed beside a fresh fontnet run.")
if settings is not None and settings.activation == "leaky_relu":
    st.info("scikit-learn's MLPClassifier has no leaky ReLU, so there is nothing to compare with for this activation.")
elif presses.button("Fit scikit-learn's MLPClassifier", key="digits_sklearn",
                    disabled=settings is None or status == "running"):
    with st.spinner("Fitting both…"):
        ss[LIBRARY] = presses.once("digits_sklearn", settings, lambda: (settings, *digits.fit_both(settings)))
    presses.done("digits_sklearn")
if ss.get(LIBRARY):
    used, ours, lib = ss[LIBRARY]
    st.dataframe([{"model": r.name, "test accuracy": f"{r.accuracy:.2%}", "time": duration_text(r.seconds)}
                  for r in (ours, lib)], hide_index=True)
    st.caption(md_literal(f"Settings: {used.describe()}."))

st.subheader("Keep the model")
run = ss.get(RUN)
with st.container(horizontal=True):   # wraps on a narrow screen rather than cutting a button's words short
    st.button("Use this model", on_click=on_use, disabled=run is None or not run.trained or status == "running",
              key="digits_use", help="Keep this run's model for the pad when you train again or reset.")
    st.button("Back to the default model", on_click=on_default, key="digits_default",
              disabled=run is None and not ss.get(OWN))
    st.download_button("Download the model (JSON)", lambda: json.dumps(active_model()[0].to_dict()),
                       file_name="fontnet-digits-model.json", mime="application/json", on_click="ignore",
                       key="digits_download")
st.file_uploader(f"Load a digits model (JSON, at most {digits.MAX_MODEL_BYTES // 1_000_000} MB)", type=["json"],
                 key="digits_model_file", on_change=on_upload, max_upload_size=digits.MAX_MODEL_BYTES // 1_000_000)
