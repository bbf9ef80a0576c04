"""Train: watch the chapter's network learn, live — loss, decision map and weights after every chunk."""

from __future__ import annotations

import copy
import json
import re

import streamlit as st

from app import first_paint, kept_runs, links, live_run, presses
from app.cost_surface import show_run_surface
from app.page_kit import Flash, use_model_then_open_predict
from app.presses import whole_callback
from app.script_export import show_train_export
from app.text import md_literal
from app.train_live import accuracy_text, feed_source, progress_label, train_charts
from fontnet import data, training
from fontnet.activations import ACTIVATIONS
from fontnet.figures import live
from fontnet.figures.summaries import slice_summary
from fontnet.figures.training import LOSS_LEGEND, MAP_LEGEND, legend_html
from fontnet.network import ModelFileError, NetworkError
from fontnet.parsing import duration_text, shorten
from fontnet.settings import TRAIN as SCHEMA
from fontnet.training import TrainingRun, TrainingSettings

UPDATE_SECONDS = 0.12
# narrower than this (a 1,024-pixel laptop with the sidebar open: 643 px; a phone), the live panel stacks its charts:
# the map's two fifths would be too small to read its dots
NARROW_BELOW = 680
RUN = "train_run"
UPLOADED = "train_uploaded_data"
FLASH = Flash("train")
LIBRARY = "train_library"
MODEL_FILE_ID = "train_model_file_id"
K = links.keys(SCHEMA)
ss = st.session_state


def current_settings() -> TrainingSettings:
    """The settings the widgets hold now (also usable inside callbacks)."""
    return TrainingSettings(**{name: links.setting(SCHEMA, name) for name in SCHEMA.names})


def current_dataset(settings: TrainingSettings) -> data.Dataset:
    return settings.dataset(ss.get(UPLOADED))


def new_run(start: bool = False) -> TrainingRun | None:
    try:
        settings = current_settings()
        run = TrainingRun(settings, current_dataset(settings), start=kept_runs.start_weights())
    except (training.SettingsError, data.DataError, NetworkError) as e:
        FLASH("error", f"Cannot start a run: {e}")
        return None
    if start:
        run.start()
    ss[RUN] = run
    ss.pop(LIBRARY, None)
    return run


def matches_controls(run: TrainingRun) -> bool:
    """Whether `run` was started with the settings and data the controls show now."""
    settings = current_settings()
    if run.settings != settings or not kept_runs.same_start(run):
        return False
    return settings.data != "upload" or ss.get(UPLOADED) is None or run.dataset is ss[UPLOADED]


# ---- button callbacks -----------------------------------------------------------------------------
def on_train() -> None:
    new_run(start=True)


def on_step() -> None:
    run = ss.get(RUN)
    if run is None or (run.status == "ready" and not matches_controls(run)):
        run = new_run()
    if run is not None:
        run.step()


def on_reset() -> None:
    new_run()


@whole_callback
def on_data_upload() -> None:
    """Validate an uploaded CSV; on success it becomes the data set, on failure the previous data is kept."""
    f = ss.get("data_file")
    if f is None:
        return
    try:
        ds = training.load_data(f.getvalue(), shorten(f.name, 60))
    except data.DataError as e:
        FLASH("error", f"That CSV was not used: {e}. The previous data is kept.")
        return
    ss[UPLOADED] = ds
    links.set_setting(SCHEMA, "data", "upload")
    FLASH("success", f"Loaded {ds.name}: {int(ds.labels.sum()):,} dark-text and "
                     f"{int(len(ds) - ds.labels.sum()):,} light-text colours. Press Train to use it.")


@whole_callback
def on_model_upload() -> None:
    """Load an uploaded model JSON as the current model; on failure the current model is kept."""
    f = ss.get("model_file")
    if f is None:
        return
    try:
        net = training.load_model(f.getvalue())
        settings = current_settings()
        run = TrainingRun.from_model(net, settings, current_dataset(settings), name=f"uploaded {shorten(f.name, 40)}")
    except (ModelFileError, training.SettingsError, data.DataError, NetworkError) as e:
        FLASH("error", f"That model was not loaded: {e}. The current model is kept.")
        return
    ss[RUN] = run
    ss.pop(LIBRARY, None)
    FLASH("success", f"Loaded the model {shorten(f.name, 40)}: a 3-{'-'.join(map(str, net.hidden_layer_sizes))}-1 "
                     f"{net.activation} network.")


@st.cache_resource(show_spinner=False)
def warm_engine() -> bool:
    """Once per server: load the compiled training loop, so the first chunk of the first run is not slow."""
    training.warm_up()
    return True


# ---- render functions -----------------------------------------------------------------------------
def choice(label: str, name: str) -> str:
    """A selectbox of a choice setting's names; the words for the one picked go in a caption below it."""
    return st.selectbox(label, SCHEMA[name].kind.names, key=K[name])


def whole(label: str, name: str, **options) -> None:
    """A number box for a whole-number setting, within its table's limits."""
    kind = SCHEMA[name].kind
    st.number_input(label, kind.lo, kind.hi, key=K[name], help=SCHEMA[name].help, **options)


def bar_label(run: TrainingRun) -> str:
    """The progress bar's words; a loaded model's name and scores instead of a run's iterations."""
    if run.loaded:   # scored on 100,000 colours when loaded, as a finished run and the library table are
        return (f"{run.name}: test accuracy {accuracy_text(run)} · agreement with the formula "
                f"{run.final_agreement:.2%} on 100,000 random colours")
    return progress_label(run)


def show_messages(run: TrainingRun) -> None:
    """Any message about how training is going: diverged, stuck, or done."""
    if run.status == "diverged":
        st.error(f"**Training stopped.** {md_literal(run.message)} The network keeps its last finite weights; "
                 "with squared error a too-large learning rate more often collapses to one shade than blows up. "
                 "Reset starts again from the settings.",
                 icon=":material/error:")
    for w in run.warnings():
        st.warning(md_literal(w), icon=":material/ac_unit:")
    if run.status == "done" and not run.loaded:
        played = f", played over {run.played_seconds:.1f} s so you could watch it" if run.played_seconds >= 0.5 else ""
        st.success(f"Done in {duration_text(run.seconds)} of computing{played}: test accuracy {accuracy_text(run)}, "
                   f"agreement with the formula {run.final_agreement:.2%} on 100,000 random colours.")


def live_panel(run: TrainingRun, status: str, fixed: str, value: int) -> None:
    """The progress bar, the messages and the charts: one element that stays mounted (app/live_run.py). `status`:
    the run's, as this page run read it at its top."""
    areas = ["loss loss"] + [f"map w{layer}" for layer in live.layers_of(run.names)] + ["nodes nodes"]
    live_run.live_section(run, "train_live", lambda: train_charts(run, fixed, value), bar_label,
                          playing=status == "running", every=UPDATE_SECONDS, box_key="live_box",
                          status_key="progress_box", show_status=show_messages,
                          source=feed_source(run, fixed, value) if status == "running" else None,
                          columns="2fr 3fr", areas=areas, narrow_below=NARROW_BELOW)


def settings_sidebar() -> None:
    """The settings, in the sidebar (drawn after the main control: app/first_paint.py)."""
    with st.sidebar:
        st.header("Settings")
        st.select_slider("Learning rate", SCHEMA["lr"].kind.choices, format_func=SCHEMA["lr"].format, key=K["lr"],
                         help=SCHEMA["lr"].help)
        whole("Iterations", "iterations", step=1000)
        st.slider("Hidden layers", 1, training.MAX_LAYERS, key=K["layers"])
        st.slider("Nodes per hidden layer", 1, training.MAX_NODES, key=K["hidden"])
        act = choice("Hidden activation", "activation")
        st.caption(f"{ACTIVATIONS[act].label}: {ACTIVATIONS[act].description}")
        loss = choice("Loss", "loss")
        st.caption(training.LOSS_LABELS[loss])
        mode = choice("Mode", "mode")
        st.caption(training.MODES[mode])
        whole("Batch size", "batch", disabled=mode != "minibatch")
        init = choice("Initialisation", "init")
        st.caption(training.INITS[init])
        whole("Random seed", "seed")
        st.select_slider("Test share", SCHEMA["test"].kind.choices, format_func=SCHEMA["test"].format, key=K["test"],
                         help=SCHEMA["test"].help)
        source = choice("Data set", "data")
        st.caption(training.DATASETS[source])
        st.number_input("N random colours", training.MIN_RANDOM_ROWS, data.MAX_ROWS, step=100, key=K["n"],
                        disabled=source != "random")
        st.file_uploader("Your data (CSV)", type=["csv"], key="data_file", on_change=on_data_upload,
                         max_upload_size=data.MAX_BYTES // 1_000_000,
                         help="Columns RED,GREEN,BLUE,LIGHT_OR_DARK_FONT_IND or red,green,blue,label; "
                              f"at most {data.MAX_BYTES // 1_000_000} MB and {data.MAX_ROWS:,} rows.")
        if source == "upload" and ss.get(UPLOADED) is None:
            st.info("No CSV uploaded yet: the chapter's data is used until you upload one.")


# ---- the page -------------------------------------------------------------------------------------
st.title("Train")
st.markdown("Watch the chapter's network learn which text shade suits a background colour. "
            "The defaults are the chapter's run: 3 inputs → 3 ReLU nodes → 1 logistic output, per-sample SGD "
            "on squared error, learning rate 0.05, 100,000 iterations. Every setting is in the link, so a "
            "copied URL reproduces the run.")

links.page_settings(SCHEMA)
warm_engine()

links.show_notices(SCHEMA)
kept_runs.from_link(ss.get(UPLOADED))
run: TrainingRun | None = ss.get(RUN)
if run is None or (run.status == "ready" and not run.loaded and not matches_controls(run)):
    run = new_run()
FLASH.show()   # after the page's own attempt at a run: a refusal shows at once, and once

status = run.status if run else "ready"
live_run.run_buttons(RUN, "train_buttons", on_train=on_train, on_reset=on_reset, on_step=on_step,
                     train_help="Start a fresh run with the settings on the left.",
                     reset_help="Fresh random weights with the settings on the left.")
first_paint.stop_after_main_control()
settings_sidebar()
if run is not None and not run.loaded and not matches_controls(run) and run.trained:
    st.caption("The settings have changed since this run started: press Train or Reset to use them.")
if run is not None and run.loaded:
    st.caption("A model from a file brings its weights only, so the chart below has no training to show; the map "
               "and the weights are the model's. Train starts a fresh run with the settings on the left.")

if run is not None:
    live_panel(run, status, ss.get("slice", "B"), ss.get("at", 128))
with st.container(key="learned_box"):
    legends, controls = st.columns([3, 2])
    with legends:
        st.markdown(legend_html(LOSS_LEGEND), unsafe_allow_html=True)
        st.markdown(legend_html(MAP_LEGEND), unsafe_allow_html=True)
        st.caption("The map: the formula's boundary is the black line, the network's (P = 0.5) the red dashes; "
                   "dots are data colours near the slice. The weights: every weight (solid) and bias (dotted).")
        if run is not None and status != "running":
            st.caption(slice_summary(training.decision_slice(run.net, ss.get("slice", "B"), ss.get("at", 128))))
    with controls, st.container(key="map_box"):
        c1, c2 = st.columns([1, 2])
        c1.radio("Map slice: fixed channel", training.CHANNELS, index=2, key="slice", horizontal=True)
        c2.slider("at", 0, 255, 128, key="at")

if run is not None:
    show_run_surface(run)
    kept_runs.show(run, ss.get(UPLOADED))
    st.subheader("The library beside it")
    st.markdown("The chapter fits scikit-learn's `MLPClassifier` with the same architecture and compares. "
                "Here it gets the same split, learning rate and seed (its `max_iter` counts passes over the "
                "data, and it stops early once the loss stops improving).")
    if run.settings.activation == "leaky_relu":
        st.info("scikit-learn's MLPClassifier has no leaky ReLU, so there is nothing to compare with for this "
                "activation.")
    elif presses.button("Fit scikit-learn's MLPClassifier", key="train_sklearn",
                        disabled=status == "running" or not run.trained):
        with st.spinner("Fitting MLPClassifier…"):
            try:
                ss[LIBRARY] = presses.once("train_sklearn", (run.run_id, run.iteration),
                                           lambda: (run.library_result(), run.result()))
            except (ValueError, ArithmeticError) as e:
                st.error(md_literal(f"MLPClassifier could not be fitted: {e}"))
        presses.done("train_sklearn")
    if ss.get(LIBRARY):
        lib, ours = ss[LIBRARY]
        # a model from a file was not trained here: it has no time to compare
        st.dataframe([{"model": r.name, "test accuracy": f"{r.test_accuracy:.2%}",
                       "agreement with the formula": f"{r.formula_agreement:.2%}",
                       "time": "–" if r is ours and run.loaded else duration_text(r.seconds)}
                      for r in (ours, lib)], hide_index=True)
        if run.loaded:
            st.caption("The fontnet row is the uploaded model: it was trained elsewhere, so it has no time here; "
                       "the library was fitted on this page's settings and split.")

    st.subheader("Keep the model")
    with st.container(horizontal=True):   # wraps on a narrow screen rather than cutting a button's words short
        use = presses.button("Use this model", key="train_use", type="primary",
                             disabled=not run.trained or status == "running",
                             help="The Predict page uses it for your session only.")
        st.download_button("Download the model (JSON)", lambda: json.dumps(run.net.to_dict()),
                           file_name="fontnet-model.json", mime="application/json", on_click="ignore",
                           disabled=not run.trained)
        st.download_button("Download the data (CSV)", lambda: data.to_csv(run.dataset),
                           file_name="fontnet-data.csv", mime="text/csv", on_click="ignore")
    if use:
        use_model_then_open_predict(copy.deepcopy(run.net), re.sub(r"[^\w .,:()/=-]", "", run.name)[:120],
                                    "The Predict page now uses this model: open it", press="train_use")
    st.file_uploader(f"Load a model (JSON, at most {training.MAX_MODEL_BYTES // 1_000_000} MB)", type=["json"],
                     key="model_file", on_change=on_model_upload, max_upload_size=training.MAX_MODEL_BYTES // 1_000_000)
    show_train_export(run)
