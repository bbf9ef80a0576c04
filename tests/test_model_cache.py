"""The default model's file between server starts: exactly the trained numbers, rebuilt when anything is off."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from fontnet import model
from fontnet.model import default_model, default_model_cache, train_default_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def trained():
    return train_default_model()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip((*a.weights_, *a.biases_), (*b.weights_, *b.biases_)))


def test_first_use_trains_and_keeps_the_exact_numbers(cache_dir, trained):
    assert not cache_dir.exists()
    first = default_model()
    path = default_model_cache()
    assert path.parent == cache_dir and path.is_file() and same(first, trained)
    again = default_model()  # read back from the file
    assert same(again, trained) and again is not first
    assert np.array_equal(again.predict_proba(np.eye(3)), trained.predict_proba(np.eye(3)))


@pytest.mark.parametrize("content", [
    b"", b"not json", b'{"format": "something else"}',
    json.dumps({"format": "fontnet-model"}).encode(),
])
def test_a_broken_file_means_training_again_and_rewriting_it(cache_dir, trained, content):
    path = default_model_cache()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert same(default_model(), trained)
    assert same(model.Network.loads(path.read_bytes()), trained)


def test_a_file_with_other_numbers_in_it_is_checked_like_an_upload(cache_dir, trained):
    d = trained.to_dict()
    d["weights"][0][0][0] = float("nan")
    path = default_model_cache()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(d))  # NaN in the first weight
    assert same(default_model(), trained)


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch, trained):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("FONTNET_CACHE_DIR", str(blocker / "cache"))  # its parent is a file
    assert same(default_model(), trained)


def test_without_a_fingerprint_there_is_no_file_and_still_a_model(cache_dir, monkeypatch, trained):
    def missing(name):
        raise model.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model.metadata, "version", missing)
    assert same(default_model(), trained) and not cache_dir.exists()


def test_the_file_name_follows_the_seed_and_the_code(cache_dir, monkeypatch):
    before = default_model_cache()
    monkeypatch.setattr(model, "DEFAULT_MODEL_SEED", model.DEFAULT_MODEL_SEED + 1)
    assert default_model_cache() != before and default_model_cache().parent == before.parent


def test_the_file_name_follows_the_chapters_data(cache_dir, monkeypatch):
    from fontnet import data

    before = default_model_cache()
    shipped = data.chapter_csv()
    monkeypatch.setattr(data, "chapter_csv", lambda: shipped.replace(b"\n0,0,0,0\n", b"\n0,0,1,0\n", 1))
    assert data.chapter_csv() != shipped
    assert default_model_cache() != before


def test_with_the_file_present_predicting_never_loads_the_compiler(cache_dir):
    default_model()  # writes the file
    code = ("import sys; from fontnet.model import decide, default_model; "
            "d = decide(default_model(), (255, 192, 203)); print(d.dark, 'numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "FONTNET_CACHE_DIR": str(cache_dir)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


# Writers and readers in separate processes, as replicas sharing one cache directory would be. Each writer puts
# its own valid model file (the same numbers, padded with whitespace to a writer-specific length, a few hundred
# KB so that a plain write takes many system calls) at the same path, over and over; readers read and parse it
# until the writers are done. A reader must only ever see one writer's whole file.
WRITER = """
import json, sys, time
from pathlib import Path
from fontnet.model import train_default_model, write_atomically
path, go, index, writes = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
text = json.dumps(train_default_model().to_dict()) + " " * (100_000 * (index + 1))
while not go.exists():
    time.sleep(0.001)
for _ in range(writes):
    write_atomically(path, text)
"""
READER = """
import json, sys, time
from pathlib import Path
from fontnet.network import Network
path, go, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
reads, bad, sizes = 0, [], set()
while not stop.exists() or reads == 0:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        continue
    reads += 1
    sizes.add(len(raw))
    try:
        Network.loads(raw)
    except Exception as e:
        bad.append(f"{len(raw)} bytes: {e}")
print(json.dumps({"reads": reads, "bad": bad[:3], "n_bad": len(bad), "sizes": sorted(sizes)}))
"""


def _python(code: str, *args, cache_dir=None) -> subprocess.Popen:
    env = {**os.environ, **({"FONTNET_CACHE_DIR": str(cache_dir)} if cache_dir else {})}
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_concurrent_writers_never_leave_a_partial_file(tmp_path, trained):
    path, go, stop = tmp_path / "default-model.json", tmp_path / "go", tmp_path / "stop"
    writers = [_python(WRITER, path, go, i, 150) for i in range(4)]
    readers = [_python(READER, path, go, stop) for _ in range(2)]
    go.touch()  # every process starts its loop at once (each waits for this file)
    for w in writers:
        assert w.wait(timeout=300) == 0, w.stderr.read()
    stop.touch()
    base = len(json.dumps(trained.to_dict()))
    for r in readers:
        out, err = r.communicate(timeout=120)
        assert r.returncode == 0, err
        seen = json.loads(out)
        assert seen["reads"] > 0 and seen["n_bad"] == 0, seen["bad"]
        # every size a reader saw is one writer's whole file
        assert set(seen["sizes"]) <= {base + 100_000 * (i + 1) for i in range(4)}
    assert same(model.Network.loads(path.read_bytes()), trained)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.slow
def test_servers_starting_together_share_one_cache_file(cache_dir, trained):
    code = ("import hashlib; from fontnet.model import default_model; m = default_model(); "
            "print(hashlib.sha256(b''.join(p.tobytes() for p in (*m.weights_, *m.biases_))).hexdigest())")
    procs = [_python(code, cache_dir=cache_dir) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    assert len({out.strip() for out, _ in outs}) == 1  # the same numbers in every process
    files = sorted(p.name for p in cache_dir.iterdir())
    assert files == [default_model_cache().name]  # one file, no temporary file left behind
    assert same(model.Network.loads(default_model_cache().read_bytes()), trained)
