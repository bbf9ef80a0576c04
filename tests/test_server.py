"""The server's start-up work (app/server.py) and how `streamlit run` finds it."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import server
from fontnet import model
from tests.conftest import ROOT


def test_streamlit_run_finds_the_app_and_its_start_up_hook():
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(ROOT / "streamlit_app.py"))
    assert found.is_asgi_app and found.import_string == "streamlit_app:app"


def test_warm_up_leaves_the_default_models_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    assert server.warm_up() > 0
    files = list(tmp_path.glob("default-model-*.json"))
    assert len(files) == 1
    assert model.Network.load(files[0]).n_iter_ == 100_000


def test_warm_up_readies_the_train_page(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    server.warm_up()
    from fontnet import _kernel, network

    assert network.compiled_loop_in_use()
    assert _kernel.train_steps.signatures  # compiled (or read from Numba's cache), not left to the first run


def test_a_failed_warm_up_is_logged_and_the_server_still_starts(monkeypatch, caplog):
    def broken(cache=True):
        raise OSError("disk on fire")

    monkeypatch.setattr(model, "default_model", broken)
    with caplog.at_level("ERROR"):
        async def start():
            async with server.lifespan(None):
                return "serving"

        # in a thread of its own: the browser tests' Playwright may hold an event loop in this one
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(asyncio.run, start()).result() == "serving"
    assert "warm-up failed" in caplog.text and "disk on fire" in caplog.text


def test_the_server_expires_idle_class_rooms_as_it_starts(tmp_path, monkeypatch):
    from fontnet import store
    from tests.store_helpers import Clock

    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    monkeypatch.setenv(store.URL_ENV, url)
    now = store.Store(url)
    fresh, _ = now.create_room()
    now.close()
    month_ago = store.Store(url, clock=Clock(time.time() - 31 * 86_400))
    idle, _ = month_ago.create_room()   # opened (and left) 31 days ago
    month_ago.close()
    assert server.expire_rooms() == 1
    db = store.Store(url)
    with pytest.raises(store.RoomNotFound):
        db.room_status(idle)
    assert db.room_status(fresh).open
    db.close()


def test_a_class_database_out_of_reach_does_not_stop_the_start(monkeypatch, caplog):
    from fontnet import store
    from tests.store_helpers import unreachable_url

    monkeypatch.setenv(store.URL_ENV, unreachable_url())
    with caplog.at_level("WARNING"):
        assert server.expire_rooms() is None
    assert "idle class rooms not expired at start-up: could not reach the class database" in caplog.text


class _Session:
    def __init__(self, sid: str):
        self.id, self.shut_down = sid, False

    def shutdown(self):
        self.shut_down = True


def test_sessions_kept_past_their_time_to_live_are_shut_down(monkeypatch):
    """Streamlit's store drops an expired session without shutting it down (which is what frees its uploads):
    the reaper shuts every expired one down and leaves the others."""
    import threading

    from streamlit.runtime.caching.ttl_cache import TTLCache
    from streamlit.runtime.session_manager import SessionInfo

    clock = [0.0]
    cache = TTLCache(maxsize=128, ttl=60, timer=lambda: clock[0])
    old, new = _Session("old"), _Session("new")
    cache["old"] = SessionInfo(client=None, session=old)
    clock[0] = 30.0
    cache["new"] = SessionInfo(client=None, session=new)
    monkeypatch.setattr(server, "_session_store", lambda: (cache, threading.Lock()))
    assert server.reap_closed_sessions() == 0
    clock[0] = 61.0
    assert server.reap_closed_sessions() == 1
    assert old.shut_down and not new.shut_down and list(cache) == ["new"]


@contextmanager
def running_runtime(script_path: str):
    """A Streamlit Runtime, as a running server has one (Runtime.instance()), for the duration; then none."""
    from streamlit.runtime import Runtime, RuntimeConfig
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.runtime.memory_session_storage import MemorySessionStorage
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    async def make():
        from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager

        return Runtime(RuntimeConfig(script_path=script_path, media_file_storage=MemoryMediaFileStorage("/m"),
                                     uploaded_file_manager=MemoryUploadedFileManager("/u"),
                                     cache_storage_manager=MemoryCacheStorageManager(),
                                     is_hello=False, session_storage=MemorySessionStorage(ttl_seconds=60)))

    with ThreadPoolExecutor(1) as pool:
        runtime = pool.submit(asyncio.run, make()).result()
    try:
        yield runtime
    finally:
        Runtime._instance = None
        del runtime


def test_the_reaper_finds_streamlits_session_store_in_this_version():
    """The reaper reads a private part of the pinned Streamlit: this fails when an upgrade moves it."""
    with running_runtime("x.py"):
        cache, lock = server._session_store()
        assert cache.expire() == [] and hasattr(lock, "acquire")


def test_the_server_keeps_freed_memory_in_few_heaps():
    """glibc (this project's machines) takes the arena limit; streamlit_app.py sets it before the server's threads."""
    assert server.limit_malloc_arenas()
    assert "limit_malloc_arenas()" in (ROOT / "streamlit_app.py").read_text()


def test_no_class_database_yet_means_nothing_to_expire_and_no_file_made(tmp_path, monkeypatch):
    from fontnet import store

    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    monkeypatch.setenv(store.URL_ENV, url)
    assert server.expire_rooms() == 0
    assert list(tmp_path.iterdir()) == []


def test_warm_up_imports_what_every_page_imports_and_pays_streamlits_first_element_check():
    """In a fresh interpreter: after `import_page_modules`, each page script's imports are loaded, so its first
    visitor does not wait for them, and Streamlit's once-per-process stack walk is done."""
    import subprocess
    import sys

    code = ("import sys; from app import server; server.import_page_modules(); "
            "from streamlit import delta_generator as d; "
            "mods = server.page_imports(); "
            "print(all(m in sys.modules for m in ('fontnet.symbolic', 'fontnet.figures.backprop', 'app.cost_surface', "
            "'app.first_paint', 'fontnet.tuning'))); print(d._use_warning_has_been_displayed); print(len(mods))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    loaded, paid, count = out.stdout.split()
    assert loaded == "True" and paid == "True" and int(count) > 30


def test_the_app_scripts_are_compiled_into_streamlits_cache_under_the_keys_a_run_uses():
    """`compile_scripts` fills the running server's script cache (a private part of the pinned Streamlit: this
    fails when an upgrade moves it) with the main script and every page, keyed as a run looks them up: the main
    script's absolute path, and each page as st.Page resolves it beside the main script."""
    assert server.compile_scripts() == 0   # no server running: nothing to fill

    with running_runtime(str(ROOT / "streamlit_app.py")) as runtime:
        cache = runtime._script_cache
        pages = sorted((ROOT / "app_pages").glob("*.py"))
        assert server.compile_scripts() == 1 + len(pages) >= 9
        held = set(cache._cache)
        assert str((ROOT / "streamlit_app.py").absolute()) in held
        assert {str((ROOT / "streamlit_app.py").resolve().parent / "app_pages" / p.name) for p in pages} <= held
        code = cache.get_bytecode(str(ROOT / "app_pages" / "predict.py"))
        assert code.co_filename.endswith("predict.py")
        cache.clear()   # as Streamlit does when the last session has gone: the reaper's next sweep fills it again
        assert server.compile_scripts() == 1 + len(pages) and len(cache._cache) == 1 + len(pages)
