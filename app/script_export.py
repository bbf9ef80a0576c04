"""Download a run as a Python script (fontnet/export.py): the Train page's run, and the Teach page's network."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from fontnet import export, teach
from fontnet.parsing import counted
from fontnet.training import TrainingRun

LABEL = "Download as a Python script"


def show_train_export(run: TrainingRun) -> None:
    """The button, and the test accuracy to four decimals that the script prints too."""
    why = export.exportable(run)
    playing = run.status == "running"
    st.download_button(LABEL, lambda: export.train_script(run), file_name="fontnet_run.py", mime="text/x-python",
                       on_click="ignore", disabled=why is not None or playing, key="train_script",
                       help="One file, NumPy only: the chapter's listing with this run's settings, seed and data. "
                            "It trains as many iterations as this run has and prints the same test accuracy and "
                            "weights.")
    if why is not None:
        st.caption(f"No script for this run: {why}.")
        return
    if playing:
        st.caption("The script can be downloaded once the run is paused or done.")
        return
    exact = ("the same weights bit for bit" if run.settings.batch_size == 1 else
             "the same weights to rounding (its matrix products add in another order than the app's loop)")
    accuracy = run.net.score(run.X_test, run.y_test)
    st.markdown(f'<p id="train-script-accuracy" data-accuracy="{accuracy!r}" style="font-size: 0.875rem">'
                f'Test accuracy <strong>{accuracy:.4f}</strong> after {counted(run.iteration, "iteration")}: the script prints the '
                f"same, and {exact}.</p>", unsafe_allow_html=True)


def show_teach_export(answers: Sequence[teach.Answer]) -> None:
    """A taste: the Teach page's network, your answers embedded, as a script."""
    st.download_button(LABEL, lambda: export.teach_script(answers), file_name="fontnet_teach.py",
                       mime="text/x-python", on_click="ignore", disabled=not answers, key="teach_script",
                       help="One file, NumPy only: your answers and the training that turns them into this network; "
                            "it prints the same weights and the same agreement with the formula.")
