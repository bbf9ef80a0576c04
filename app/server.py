"""What the server does once, as it starts and before it answers (the first visitor's slow work), and, while
it serves, what it does every few seconds: let go of the sessions whose visitors have gone.

`streamlit run streamlit_app.py` finds the `st.App` there and runs `lifespan` before it listens, so the
first visitor finds the default model's file ready and the Predict page's modules imported, instead of
waiting for them while the page loads. Meanwhile it deletes the class rooms left idle too long
(fontnet.store.expire; opening a room does it too), so they go even when nobody opens a new one.

Closed sessions: Streamlit keeps a session whose browser disconnected for `server.disconnectedSessionTTL`
seconds (.streamlit/config.toml), so a visitor whose connection blips comes back to their state. But its store
(a TTL cache) drops an expired session only when another session is stored, and then without shutting it down,
which is what frees its uploads (held by Streamlit's upload manager apart from the session). So a closed
session's uploads stayed in memory indefinitely. `reap_closed_sessions` shuts every expired one down, then
collects its cycles and hands the freed memory back to the system; `limit_malloc_arenas` keeps that memory in
few heaps, so the next visitors reuse it.
"""

from __future__ import annotations

import ast
import asyncio
import ctypes
import ctypes.util
import gc
import importlib
import logging
import os
import pkgutil
import time
from contextlib import asynccontextmanager
from pathlib import Path

from streamlit.logger import get_logger
from streamlit.runtime import Runtime

log = get_logger(__name__)
REAP_EVERY_S = 10.0
PAGES = Path(__file__).resolve().parents[1] / "app_pages"


def page_imports() -> list[str]:
    """The module of every import statement in the page scripts (app_pages/*.py), and for `from a import b` the
    module a.b too where b is one: what each page's first run imports."""
    names: list[str] = []
    for page in sorted(PAGES.glob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return list(dict.fromkeys(names))


def import_page_modules() -> None:
    """Import every module the pages use (app/ and what each page script imports), as each page's first visitor's
    script run would, and pay Streamlit's once-per-process check for a direct `python` run now.

    That check (`_maybe_print_use_warning`, on the first element any script run draws) walks the whole call stack
    with `inspect.stack()`, which looks up the source file of every loaded module: 0.13-0.27 s once NumPy,
    scikit-learn and the rest are loaded, which the first visitor waited for before the first element was sent.
    Made here (the server is running, so it prints nothing), it is not made again.
    """
    import app

    for module in pkgutil.iter_modules(app.__path__):
        importlib.import_module(f"app.{module.name}")
    for name in page_imports():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            pass   # `from a import b` where b is a function or a class, not a module
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)  # Streamlit 1.67's; elsewhere nothing to do
    if check is not None:
        check()


def compile_scripts() -> int:
    """Put the app's scripts (streamlit_app.py and every page) in Streamlit's script cache, read, rewritten for
    its "magic" and compiled, as the first script run of each would; returns how many scripts that is.

    Streamlit does that work in the first visitor's first run, once per page (its cache is the server's, shared
    by every session): profiled on a freshly started server, 40-190 ms of that run, while the visitor's browser
    was loading the page on the same cores. It empties the cache when the last session has gone (so that an
    edited file is read again), so the reaper below fills it again. Where this Streamlit keeps no such cache (the
    pinned 1.67's `Runtime._script_cache`), nothing is done and the first runs compile as before."""
    runtime = Runtime.instance() if Runtime.exists() else None
    cache = getattr(runtime, "_script_cache", None)
    main = getattr(runtime, "_main_script_path", None)
    if not main or not hasattr(cache, "get_bytecode"):
        return 0
    # the keys a run uses: the main script's absolute path, and each st.Page's script resolved
    scripts = [os.path.abspath(main), *(str(page.resolve()) for page in sorted(PAGES.glob("*.py")))]
    for script in scripts:
        cache.get_bytecode(script)
    return len(scripts)


def warm_up() -> float:
    """Ready the Predict, Train and Digits pages; returns the seconds taken.

    Every page: the modules they share imported (`import_page_modules`), its script compiled
    (`compile_scripts`). Predict: the default model's file ready. Train: its modules (pandas and scikit-learn among them) imported, the compiled
    training loop loaded (Numba) and a first run's data, split and live-agreement colours built. Digits: its
    default model's file ready (read, or trained in about a second). Anything that goes wrong is logged and left
    to the first visitor, who then does that work as before.
    """
    start = time.perf_counter()
    try:
        compile_scripts()
    except Exception:  # noqa: BLE001
        log.exception("compiling the page scripts failed; each page's first run will compile its own")
    try:
        import_page_modules()
        import streamlit.emojis  # noqa: F401  # checking the page icon loads this large table

        from fontnet.figures import network  # noqa: F401
        from fontnet.model import default_model

        default_model()  # read from its file, or trained (about half a second) and written there
        from app.state import shared_default_model

        # the pages' shared copy (st.cache_resource), which each first run asks for; outside a script run,
        # Streamlit's warning that there is none says nothing here
        quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        try:
            shared_default_model()
        finally:
            quiet.setLevel(level)
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


def _session_store():
    """Streamlit's store of disconnected sessions and its lock, or None where this Streamlit has another one.
    (Internals of the pinned version, 1.67: `MemorySessionStorage` over a TTL cache whose `expire()` returns
    what it removed.)"""
    mgr = getattr(Runtime.instance(), "_session_mgr", None) if Runtime.exists() else None
    cache = getattr(getattr(mgr, "_session_storage", None), "_cache", None)
    lock = getattr(mgr, "_storage_lock", None)
    return (cache, lock) if hasattr(cache, "expire") and lock is not None else None


M_ARENA_MAX = -8       # glibc's mallopt parameter (malloc.h)
MALLOC_ARENAS = 2


def _libc():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def limit_malloc_arenas() -> bool:
    """Let every thread allocate from MALLOC_ARENAS shared heaps (as MALLOC_ARENA_MAX=2 would, set before any
    script thread starts). Streamlit runs each script run in a new thread, and glibc gives threads heaps of
    their own, up to 8 per core: memory a closed session frees is then scattered over many heaps, which keep
    it. With two, what one round of visitors frees the next one reuses (`python -m bench memory`). Returns
    whether glibc took it (elsewhere the allocator is left as it is)."""
    libc = _libc()
    try:
        return bool(libc and libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS))
    except AttributeError:   # not glibc
        return False


def _release_memory() -> None:
    """Collect reference cycles (the app turns off Streamlit's collection after every run) and return freed
    heap pages to the system, so the process's resident memory goes down, not only Python's."""
    gc.collect()
    libc = _libc()
    try:
        if libc:
            libc.malloc_trim(0)
    except AttributeError:   # not glibc: its allocator keeps the pages, which is harmless
        pass


def _shut_down_expired(cache, lock) -> int:
    """Take the expired sessions out of Streamlit's store and shut them down; returns how many. Nothing of them
    is held once this returns."""
    with lock:
        expired = cache.expire()
    for _, info in expired:
        info.session.shutdown()
    return len(expired)


_released = [True]   # whether memory was handed back since the last sessions were shut down


def reap_closed_sessions() -> int:
    """Shut down every session kept past its time to live (see the module's docstring); returns how many.

    The memory is handed back after the sessions are let go, and once more on the next sweep: a shut-down
    session's script thread lets go of its last references a moment later."""
    store = _session_store()
    if store is None:
        return 0
    n = _shut_down_expired(*store)
    if n or not _released[0]:
        _release_memory()
        _released[0] = not n
    return n


async def _reap_forever() -> None:
    while True:
        await asyncio.sleep(REAP_EVERY_S)
        try:
            n = reap_closed_sessions()
        except Exception:  # noqa: BLE001  # a failed sweep must not stop the next one, nor the server
            log.exception("closing expired sessions failed")
        else:
            if n:
                log.info("closed %d expired session(s)", n)
        try:
            await asyncio.to_thread(compile_scripts)  # again, after the last session's leaving emptied the cache
        except Exception:  # noqa: BLE001
            log.exception("compiling the page scripts failed")


@asynccontextmanager
async def lifespan(app):
    seconds, expired = await asyncio.gather(asyncio.to_thread(warm_up), asyncio.to_thread(expire_rooms))
    log.info("default model ready in %.1f s; %s idle class rooms expired", seconds,
             "no" if expired is None else expired)
    if _session_store() is None and Runtime.exists():
        log.warning("this Streamlit keeps sessions differently: closed sessions are left to it")
    reaper = asyncio.create_task(_reap_forever())
    try:
        yield
    finally:
        reaper.cancel()
