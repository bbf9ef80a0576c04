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
