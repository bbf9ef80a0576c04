"""Runs side by side, as the Train page's section: keep finished runs, compare them, start the next from the
same first weights.

The link holds the kept runs' settings and seeds (`fontnet.settings.COMPARE`: `kept` and `start`), never their
numbers: a page opened from it trains them again (`fontnet.compare.reproduce`). The session keeps what they came
to under RUNS, in the order of the link's list.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import links
from app.page_kit import Flash
from app.presses import whole_callback
from app.text import md_literal
from fontnet import compare, data
from fontnet.figures.compare import loss_chart_svg
from fontnet.settings import COMPARE
from fontnet.training import TrainingRun

RUNS = "compare_runs"            # list[compare.Kept], as the link's `kept` lists them
_KEPT_IDS = "compare_kept_ids"   # {run id: the number it is kept under}: a run is kept once
FLASH = Flash("train")           # shown by the Train page's own Flash
K = links.keys(COMPARE)
ss = st.session_state


def from_link(uploaded: data.Dataset | None = None) -> None:
    """Where the page reads its link and shows its notices: the kept runs (trained again when the session does
    not hold them, before the page's next run is made: it may start from one of them) and the start."""
    links.page_settings(COMPARE)
    links.show_notices(COMPARE)
    kept(uploaded)


def kept(uploaded: data.Dataset | None = None) -> list[compare.Kept]:
    """The kept runs the link names, each trained again when the session does not hold it yet."""
    runs: list[compare.Kept] = ss.get(RUNS, [])
    out: list[compare.Kept] = []
    specs = ss.get(K["kept"], ())
    for k, spec in enumerate(specs):
        if k < len(runs) and runs[k].spec == spec:
            out.append(runs[k])
            continue
        with st.spinner(f"Training kept run {k + 1} of {len(specs)} again from its settings…"):
            out.append(compare.reproduce(spec, out, uploaded))
    ss[RUNS] = out
    return out


def start_weights() -> np.ndarray | None:
    """The first weights the next run takes: kept run k's when start is k, else None (its own seed's)."""
    return compare.start_of(ss.get(RUNS, []), {"start": ss.get(K["start"], 0)})


def same_start(run: TrainingRun) -> bool:
    """Whether `run` started from the first weights the controls name now."""
    want = start_weights()
    return (want is None) == (run.start_weights is None) and (want is None or np.array_equal(want, run.start_weights))


def _start_index(run: TrainingRun) -> int:
    if run.start_weights is None:
        return 0
    return next((k for k, r in enumerate(ss.get(RUNS, []), start=1) if np.array_equal(r.first, run.start_weights)), 0)


# ---- callbacks ------------------------------------------------------------------------------------------------
@whole_callback
def on_keep(run: TrainingRun) -> None:
    runs = ss.get(RUNS, [])
    if len(runs) >= compare.MAX_KEPT:
        FLASH("warning", f"{compare.MAX_KEPT} runs are kept, the most: press Clear the kept runs to keep others.")
        return
    new = compare.keep(run, _start_index(run))
    ss[RUNS] = [*runs, new]
    ss[_KEPT_IDS] = {**ss.get(_KEPT_IDS, {}), run.run_id: len(runs) + 1}
    links.set_setting(COMPARE, "kept", (*ss.get(K["kept"], ()), new.spec))
    FLASH("success", f"Kept as run {len(runs) + 1}.")


@whole_callback
def on_same_start(k: int) -> None:
    links.set_setting(COMPARE, "start", k)
    FLASH("info", f"The next run starts from run {k}'s first weights (its seed still draws the split and the order "
                  "of the rows): press Train.")


@whole_callback
def on_own_start() -> None:
    links.set_setting(COMPARE, "start", 0)


@whole_callback
def on_clear() -> None:
    ss[RUNS] = []
    ss.pop(_KEPT_IDS, None)
    links.set_setting(COMPARE, "kept", ())
    links.set_setting(COMPARE, "start", 0)


# ---- the section -----------------------------------------------------------------------------------------------
def show(run: TrainingRun | None, uploaded: data.Dataset | None = None) -> None:
    """Keep this run, the kept runs' losses in one chart, their final numbers in a table, Same start."""
    st.subheader("Runs side by side")
    runs = kept(uploaded)
    finished = run is not None and not run.loaded and run.status in ("done", "diverged")
    already = run is not None and ss.get(_KEPT_IDS, {}).get(run.run_id)
    st.button("Keep this run for comparison", key="compare_keep", on_click=on_keep, args=(run,),
              disabled=not finished or bool(already) or len(runs) >= compare.MAX_KEPT,
              help=f"Up to {compare.MAX_KEPT} finished runs, each labelled by its settings; the link keeps their "
                   "settings and seeds.")
    start = ss.get(K["start"], 0)
    if start:
        st.caption(f"The next run starts from run {start}'s first weights.")
    if already:
        st.caption(f"This run is kept as run {already}.")
    elif run is not None and run.loaded:
        st.caption("A model loaded from a file cannot be kept here: kept runs are trained again from their "
                   "settings, and a file holds only the weights.")
    elif not finished and run is not None:
        st.caption("A run can be kept once it is done (or has stopped).")
    elif len(runs) >= compare.MAX_KEPT:
        st.caption(f"{compare.MAX_KEPT} runs are kept, the most: press Clear the kept runs to keep others.")
    if not runs:
        st.caption("No runs kept yet: train one, keep it, change a setting, train and keep again.")
        return
    specs = [r.spec for r in runs]
    names = compare.labels(specs)
    differ = compare.differences(specs)
    with st.container(key="compare_chart"):
        st.markdown(loss_chart_svg([(r.iterations, r.losses) for r in runs], names,
                                   max(r.settings.iterations for r in runs)), unsafe_allow_html=True)
    if len(runs) == 1:
        st.caption("Change a setting, train and keep again: the chart and the table name what differs.")
    else:
        st.caption(f"What differs: {', '.join(differ)}." if differ else
                   "The kept runs have the same settings and seeds: they are the same run.")
    st.dataframe([{"run": name, "final loss": f"{r.final_loss:.4g}", "test accuracy": f"{r.test_accuracy:.2%}",
                   "agreement with the formula": f"{r.agreement:.2%}", "status": r.status}
                  for name, r in zip(names, runs)], hide_index=True, key="compare_table")
    with st.container(horizontal=True, key="compare_starts"):
        for k in range(1, len(runs) + 1):
            st.button(f"Same start as run {k}", key=f"compare_start_{k}", on_click=on_same_start, args=(k,),
                      disabled=start == k, help="The next run starts from this run's first weights.")
        st.button("Own start", key="compare_own_start", on_click=on_own_start, disabled=not start,
                  help="The next run starts from its own seed's first weights.")
        st.button("Clear the kept runs", key="compare_clear", on_click=on_clear)
    st.caption(md_literal("Each run: " + "; ".join(f"{n}: {r.settings.describe()}" for n, r in zip(names, runs))))
