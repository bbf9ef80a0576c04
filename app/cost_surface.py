"""The cost surface as a page section: on the Train page for a run, on the Backprop page for one step.

On a page run (a run ready, paused, done or stopped) the map is 60 x 60 costs, recomputed when the run or the pair
of parameters changes and kept in the session otherwise. While a run plays there are no page runs: the section
is then a live panel of its own (app/live_chart.py, the chart kind "picture") whose feed trains nothing. An
answer carries a new picture (30 x 30, about 7 ms of server time and 14 kB) when the run has moved since the last
one and its interval has passed, else nothing, and says when to ask next. The interval is a second, or longer
when many runs play at once: the whole server makes about two such pictures a second (`Budget`), so a class
training together shares them. When the run stops, the feed has nothing to serve and the run's own panel reruns
the page, which draws the 60 x 60 map.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from app.live_chart import Chart, live_charts, whole
from app.presses import whole_callback
from fontnet import surface
from fontnet.figures.surface import surface_svg
from fontnet.network import Network
from fontnet.params import flat_weights, weight_names
from fontnet.parsing import counted

if TYPE_CHECKING:   # the Backprop page never loads the training module (it brings scikit-learn)
    from fontnet.training import TrainingRun

CACHE = "cost_surface_cache"   # {place: (key, Surface, svg)}: the last map drawn on each page
FINE = "cost_surface_fine"      # (run id, the run's first updates replayed one by one)
PICKED = "cost_surface_picked"  # {place: (tag, (x, y))}: the pair the visitor picked, for the run `tag`
LIVE_GRID = 30                 # the grid while a run plays (a page run draws surface.GRID)
LIVE_SECONDS = 1.0             # while a run plays, a new picture at most this often...
LIVE_PER_SERVER = 2.0          # ...and about this many a second for the whole server, shared by the runs playing
LIVE_POLL = 0.25               # the browser asks when the server says a picture is due, or at this pace while the
                               # run has not moved
LIVE_KEY = "train_surface_live"


def _pick(place: str, names: list[str], default: tuple[int, int], tag: object, phase: str = "") -> tuple[int, int]:
    """Two selectboxes naming the parameters (x, then y). Their keys carry `tag` (a new run starts from its own
    default pair) and `phase` (a playing run's pickers are not a still run's, so a finished run opens on the
    pair it moved most); a pair the visitor picked for `tag` is kept across phases."""
    picked = st.session_state.get(PICKED, {}).get(place)
    if picked is not None and picked[0] == tag:
        default = picked[1]
    kx, ky = f"{place}_surface_x_{phase}{tag}", f"{place}_surface_y_{phase}{tag}"

    @whole_callback
    def keep() -> None:
        st.session_state.setdefault(PICKED, {})[place] = (tag, (int(st.session_state[kx]), int(st.session_state[ky])))

    c1, c2 = st.columns(2)
    x = c1.selectbox("Across (x)", range(len(names)), index=default[0], format_func=names.__getitem__, key=kx,
                     on_change=keep)
    y = c2.selectbox("Up (y)", range(len(names)), index=default[1], format_func=names.__getitem__, key=ky,
                     on_change=keep)
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


class Budget:
    """The live pictures of the whole server: about `per_second` a second, shared by every playing run.

    Each run asking for pictures is counted while it keeps asking; a run's pictures are then `interval()` apart:
    a second, or as long as the server's rate shared by all of them needs (thirty runs at two a second: fifteen
    seconds). Its browser is told when to ask next, so a run waiting its turn costs one request per picture. A
    class training at once then costs the server what two visitors' pictures cost; a visitor alone sees one a
    second."""

    SPARE = 2.0   # a run that has not asked for this long past its interval has stopped asking: it no longer counts

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self.asking: dict[int, tuple[float, float]] = {}   # run's key -> (when it last asked, its interval then)
        self.lock = threading.Lock()

    def interval(self, key: int, now: float) -> float:
        """The seconds between pictures for the run `key`, which asks now."""
        with self.lock:
            self.asking = {k: v for k, v in self.asking.items() if now - v[0] <= v[1] + self.SPARE}
            gap = max(LIVE_SECONDS, (len(self.asking) + (key not in self.asking)) / self.per_second)
            self.asking[key] = (now, gap)
            return gap

    def forget(self, key: int) -> None:
        with self.lock:
            self.asking.pop(key, None)


BUDGET = Budget(LIVE_PER_SERVER)
_KEYS = itertools.count()


def _snapshot(run: TrainingRun) -> tuple[Network, np.ndarray, int]:
    """A copy of the run's network, its path (flat weights per checkpoint) and its iteration; the caller holds
    the run's lock."""
    net = run.net
    copy = Network.from_weights(net.weights_, net.biases_, net.classes_, net.activation, mode=net.mode,
                                loss=net.setting("loss"))
    return copy, np.array([cp.weights for cp in run.history]), run.iteration


def _first_updates(run: TrainingRun) -> np.ndarray | None:
    """The run's first updates one by one (replayed once per run and kept), none for a loaded model."""
    if run.loaded:
        return None
    kept = st.session_state.get(FINE)
    if kept is None or kept[0] != run.run_id:
        kept = st.session_state[FINE] = (run.run_id, surface.replay(run.first_network(), run.X_train, run.y_train))
    return kept[1]


def _picture(run: TrainingRun, net: Network, path: np.ndarray, pair: tuple[int, int], fine: np.ndarray | None,
             size: int) -> tuple[surface.Surface, str]:
    s = surface.surface(net, run.X_train, run.y_train, path, pair, fine=fine, size=size)
    return s, surface_svg(s, label=_words(s))


def live_surface_source(run: TrainingRun, pair: tuple[int, int], fine: np.ndarray | None, held: str,
                        shown: int):
    """What the live surface's feed answers while `run` plays: a new picture when the run has moved since the
    picture of iteration `shown` and its interval (BUDGET) has passed, else nothing new, and in either case when
    to ask next (`next_ms`); None once the run stops (the browser then stops asking, and the run's own panel
    reruns the page)."""
    key = next(_KEYS)
    first = BUDGET.interval(key, time.monotonic())
    # runs started together would all be due together: the first wait is drawn from a second to a whole interval,
    # so they spread out (and the page run's own picture is never followed within a second)
    state = {"iteration": shown, "at": time.monotonic() - random.uniform(0.0, first - LIVE_SECONDS)}

    def source(_run: str, _have: int) -> dict | None:
        now = time.monotonic()
        gap = BUDGET.interval(key, now)
        wait = state["at"] + gap - now
        # not due: said without the run's lock, which the run holds while it trains a chunk
        if run.status == "running" and (wait > 0 or run.iteration == state["iteration"]):
            return {"status": "open", "held": held, "charts": [], "next_ms": _ms(wait if wait > 0 else LIVE_POLL)}
        with run.lock:
            if run.status != "running":
                BUDGET.forget(key)
                return None
            net, path, iteration = _snapshot(run)
        _, svg = _picture(run, net, path, pair, fine, LIVE_GRID)   # outside the lock: the run trains meanwhile
        state.update(iteration=iteration, at=now)
        chart = _chart(svg, held, iteration, made=round(now * 1000.0, 3))
        return {"status": "open", "held": held, "charts": [whole(chart)], "next_ms": _ms(gap)}

    return source


def _ms(seconds: float) -> int:
    """When the browser should ask next, in ms: not sooner than LIVE_POLL, nor later than half a minute."""
    return int(min(max(seconds, LIVE_POLL), 30.0) * 1000)


def _chart(svg: str, held: str, iteration: int, made: float | None = None) -> Chart:
    """The surface as a live chart. A live picture carries `made`, the server's clock when it was made (ms): what
    the browser draws can then be checked against the server's pace, whatever the network did to its arrival."""
    extra = {} if made is None else {"made": made}
    return Chart("surface", {"kind": "picture"}, held, iteration, lambda start: {"svg": svg, **extra})


def _still_caption(s: surface.Surface, loaded: bool = False) -> None:
    x, y = s.names
    if len(s.path) > 1:
        path = (f"Orange: the run's path, one point per checkpoint from the hollow start to the current point "
                f"(cost {s.point_cost:.4g}); the earlier points had other values for the {s.held}, so they lie on "
                "other slices.")
    elif loaded:
        path = (f"Orange: the loaded model's weights (cost {s.point_cost:.4g}); it came trained from a file, so "
                "there is no path to show.")
    else:
        path = f"Orange: where the run starts (cost {s.point_cost:.4g}); its path grows from here as it trains."
    updates = len(s.fine) - 1
    fine = (f" Purple: the run's first {counted(updates, 'update')} one by one: with a learning "
            "rate that is too large they jump across the valley and back." if updates > 0 else "")
    st.caption(
        f"{_words(s)} {path}{fine} Black arrow: downhill from here, "
        f"−dC/d{x} = {-s.slope[0]:.3g} and −dC/d{y} = {-s.slope[1]:.3g} (its length is fixed; full-batch descent "
        "steps this way).")


def show_run_surface(run: TrainingRun) -> None:
    """The Train page's section: the cost over two parameters, the run's path and the downhill arrow; while the
    run plays, a live panel that follows it once a second."""
    st.subheader("The cost surface, a slice")
    try:
        surface.check_shape(run.net)
    except surface.SurfaceError as e:
        st.info(f"The map shows {e}." + (" This model came from a file; Train a run with one hidden layer to see "
                                          "the map." if run.loaded else " Set Hidden layers to 1 to see it."))
        return
    playing = run.status == "running"
    names = weight_names(run.net)
    with run.lock:
        net, path, iteration = _snapshot(run)
    default = surface.moved_most(path, surface.gradient(net, run.X_train, run.y_train))
    st.caption("Two of the network's parameters, by default the two the run has moved most"
               + (" when it was last paused or started." if playing else "."))
    pair = _pick("train", names, default, run.run_id, "live_" if playing else "")
    if pair[0] == pair[1]:
        st.warning("Pick two different parameters.")
        return
    fine = _first_updates(run)
    if playing:
        s, svg = _picture(run, net, path, pair, fine, LIVE_GRID)
        held = f"{run.run_id}:{pair[0]},{pair[1]}"
        with st.container(key="train_surface"):
            live_charts(LIVE_KEY, [_chart(svg, held, iteration)], source=live_surface_source(
                run, pair, fine, held, iteration), watch=(held, "surface"), every=LIVE_POLL)
        st.caption(f"{_words(s)} It follows the run: redrawn once a second while the run plays (less often "
                   "when many visitors train at once: the server shares its pictures among them), on a "
                   f"{LIVE_GRID} × {LIVE_GRID} grid ({surface.GRID} × {surface.GRID} when it is paused or done), "
                   "with the path so far in orange and the downhill arrow in black.")
        return

    def build():
        return _picture(run, net, path, pair, fine, surface.GRID)

    s, svg = _cached("train", (run.run_id, run.iteration, len(run.history), pair), build)
    with st.container(key="train_surface"):
        st.markdown(svg, unsafe_allow_html=True)
    _still_caption(s, loaded=run.loaded)


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
