"""What the server does once, as it starts and before it answers: the first visitor's slow work.

`streamlit run streamlit_app.py` finds the `st.App` there and runs `lifespan` before it listens, so the
first visitor finds the default model's file ready and the Predict page's modules imported, instead of
waiting for them while the page loads. Meanwhile it deletes the class rooms left idle too long
(fontnet.store.expire; opening a room does it too), so they go even when nobody opens a new one.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from pathlib import Path

from streamlit.logger import get_logger

log = get_logger(__name__)


def warm_up() -> float:
    """Ready the Predict, Train and Digits pages; returns the seconds taken.

    Predict: its modules imported and the default model's file ready. Train: its modules (pandas and
    scikit-learn among them) imported, the compiled training loop loaded (Numba) and a first run's data,
    split and live-agreement colours built. Digits: its default model's file ready (read, or trained in about
    a second). Anything that goes wrong is logged and left to the first visitor, who then does that work as
    before.
    """
    start = time.perf_counter()
    try:
        import streamlit.emojis  # noqa: F401  # checking the page icon loads this large table

        from fontnet.figures import network  # noqa: F401
        from fontnet.model import default_model

        default_model()  # read from its file, or trained (about half a second) and written there
    except Exception:  # noqa: BLE001  # a failed warm-up must not stop the server
        log.exception("warm-up failed; the first visitor will train the default model")
    try:
        from fontnet.digits import default_model as digits_model
        from fontnet.figures import digits  # noqa: F401

        digits_model()
    except Exception:  # noqa: BLE001
        log.exception("warm-up of the Digits page failed; its first visitor will train its model")
    try:
        from fontnet import training
        from fontnet.figures import live  # noqa: F401

        training.warm_up()
        run = training.TrainingRun(training.TrainingSettings())
        run.start()
        run.advance()
    except Exception:  # noqa: BLE001
        log.exception("warm-up of the Train page failed; its first visitor will do this work")
    return time.perf_counter() - start


def expire_rooms() -> int | None:
    """Delete the class rooms idle longer than the store keeps them; how many went, or None when the class
    database cannot be reached (logged: the server starts all the same, and the next new room expires them)."""
    from fontnet.store import Store, StoreError, default_url

    url = default_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0   # no class database yet (the default SQLite file is made with the first room): nothing idles
    try:
        db = Store(url)
        try:
            return db.expire()
        finally:
            db.close()
    except StoreError as e:
        log.warning("idle class rooms not expired at start-up: %s", e)
        return None


@asynccontextmanager
async def lifespan(app):
    seconds, expired = await asyncio.gather(asyncio.to_thread(warm_up), asyncio.to_thread(expire_rooms))
    log.info("default model ready in %.1f s; %s idle class rooms expired", seconds,
             "no" if expired is None else expired)
    yield
