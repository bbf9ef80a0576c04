"""The cost surface as a page section: on the Train page for a run, on the Backprop page for one step.

Drawn on page runs only (when a run is ready, paused, done or stopped), never during the live feed: a map of
60 x 60 costs is recomputed when the run or the pair of parameters changes, and kept in the session otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from fontnet import surface
from fontnet.figures.surface import surface_svg
from fontnet.network import Network
from fontnet.params import flat_weights, weight_names

if TYPE_CHECKING:   # the Backprop page never loads the training module (it brings scikit-learn)
    from fontnet.training import TrainingRun

CACHE = "cost_surface_cache"   # {place: (key, Surface, svg)}: the last map drawn on each page


def _pick(place: str, names: list[str], default: tuple[int, int], tag: object) -> tuple[int, int]:
    """Two selectboxes naming the parameters (x, then y); their keys carry `tag`, so a new run starts from its
    own default pair."""
    c1, c2 = st.columns(2)
    x = c1.selectbox("Across (x)", range(len(names)), index=default[0], format_func=names.__getitem__,
                     key=f"{place}_surface_x_{tag}")
    y = c2.selectbox("Up (y)", range(len(names)), index=default[1], format_func=names.__getitem__,
                     key=f"{place}_surface_y_{tag}")
    return int(x), int(y)


def _cached(place: str, key: tuple, build) -> tuple[surface.Surface, str]:
    kept = st.session_state.setdefault(CACHE, {})
    if place not in kept or kept[place][0] != key:
        s, svg = build()
        kept[place] = (key, s, svg)
    return kept[place][1], kept[place][2]


def _words(s: surface.Surface, rows: str = "") -> str:
    x, y = s.names
    return (f"The cost on {rows or f'the {s.rows:,} training rows'} over {x} (across) and {y} (up), with "
            f"the other {s.held} weights and biases held at their current values: a slice through "
            f"{s.held + 2} dimensions, not \"the\" surface.")


def show_run_surface(run: TrainingRun) -> None:
    """The Train page's section: the cost over two parameters, the run's path and the downhill arrow."""
    st.subheader("The cost surface, a slice")
    if run.status == "running":
        st.caption("Drawn when the run is paused or finished: press Pause to see where it has got to.")
        return
    try:
        surface.check_shape(run.net)
    except surface.SurfaceError as e:
        st.info(f"The map shows {e}. Set Hidden layers to 1 to see it.")
        return
    names = weight_names(run.net)
    path = np.array([cp.weights for cp in run.history])
    default = surface.moved_most(path, surface.gradient(run.net, run.X_train, run.y_train))
    st.caption("Two of the network's parameters, by default the two the run has moved most.")
    pair = _pick("train", names, default, run.run_id)
    if pair[0] == pair[1]:
        st.warning("Pick two different parameters.")
        return

    def build():
        fine = None if run.loaded else surface.replay(run.first_network(), run.X_train, run.y_train)
        s = surface.surface(run.net, run.X_train, run.y_train, path, pair, fine=fine)
        return s, surface_svg(s, label=_words(s))

    s, svg = _cached("train", (run.run_id, run.iteration, len(run.history), pair), build)
    with st.container(key="train_surface"):
        st.markdown(svg, unsafe_allow_html=True)
    x, y = s.names
    st.caption(
        f"{_words(s)} Orange: the run's path, one point per checkpoint from the hollow start to the current point "
        f"(cost {s.point_cost:.4g}); the earlier points had other values for the {s.held}, so they lie on other "
        f"slices. Purple: the run's first {max(len(s.fine) - 1, 0)} updates one by one: with a learning rate "
        f"that is too large they jump across the valley and back. Black arrow: downhill from here, "
        f"−dC/d{x} = {-s.slope[0]:.3g} and −dC/d{y} = {-s.slope[1]:.3g} (its length is fixed; full-batch descent "
        "steps this way).")


def show_step_surface(net: Network, X: np.ndarray, Y: np.ndarray, after: Network | None,
                      learning_rate: float, X_train: np.ndarray, y_train: np.ndarray) -> None:
    """The Backprop page's section: the cost on the training rows over two parameters, and this colour's step
    (X (3, 1), Y (1, 1)) as an arrow: a step that follows one colour's slope can go uphill for the whole data."""
    st.subheader("The step on the cost surface")
    names = weight_names(net)
    grad = surface.gradient(net, X.T, np.asarray(Y, dtype=float).ravel())
    default = surface.moved_most(np.empty((0, len(grad))), grad)
    st.caption("Two of the 16 parameters, by default the two this step moves most.")
    pair = _pick("backprop", names, default, "step")
    if pair[0] == pair[1]:
        st.warning("Pick two different parameters.")
        return
    landed = None if after is None else flat_weights(after)
    key = (tuple(flat_weights(net)), None if landed is None else tuple(landed), pair, net.activation,
           net.setting("loss"), len(y_train))

    def build():
        s = surface.surface(net, X_train, y_train, np.empty((0, len(grad))), pair, also=landed)
        step = None if landed is None else (s.point, (float(landed[pair[0]]), float(landed[pair[1]])))
        return s, surface_svg(s, step=step, label=_words(s))

    s, svg = _cached("backprop", key, build)
    with st.container(key="backprop_surface"):
        st.markdown(svg, unsafe_allow_html=True)
    if after is None:
        st.caption(f"{_words(s)} The step with learning rate {learning_rate:g} blew up, so it is not drawn.")
        return
    cost_after = after.loss_on(X_train, y_train)
    went = "down" if cost_after < s.point_cost else "up: it overshoots"
    st.caption(f"{_words(s)} The dashed arrow is this colour's step with learning rate {learning_rate:g}, "
               "W ← W − L · dC/dW, seen in these two parameters (it moves all 16 at once); the black arrow points "
               f"downhill for the whole data. With this step the cost on the training rows goes from "
               f"{s.point_cost:.4g} to {cost_after:.4g}, {went}. One colour's slope is not the data's, and a "
               "learning rate that is too large lands beyond the valley, uphill on the other side.")
