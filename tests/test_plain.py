"""The plain-Python loop must be the compiled loop's arithmetic exactly: same numbers, same stopping point."""

import subprocess
import sys

import numpy as np
import pytest

from fontnet import _kernel, _plain, data
from fontnet.network import Network


def _start(width: int, seed: int, lr: float):
    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    net = Network((width,), "relu", mode="chapter", learning_rate=lr, random_state=seed).initialize(X_train, y_train)
    X = net._inputs(X_train)
    Y, _ = net._targets(y_train)
    rows = (net._rng.random((20_000, 1)) * len(X)).astype(np.int64)
    return net, X, Y, rows


def _run_both(Ws, Bs, X, Y, rows, lr):
    """Both loops from the same start; each returns (updates done, its parameters, its losses)."""
    plain = [p.copy() for p in (*Ws, *Bs)]
    compiled = [p.copy() for p in (*Ws, *Bs)]
    lp, lc = np.full(len(rows), -1.0), np.full(len(rows), -1.0)
    done_p = _plain.train_steps(plain[:2], plain[2:], X, Y, rows, lr, lp)
    zeros = [np.zeros_like(p) for p in compiled]
    done_c = _kernel.train_steps(tuple(compiled[:2]), tuple(compiled[2:]), X, Y, rows, lr, _kernel.KERNEL_CODES["relu"],
                                 _kernel.LOSS_CODES["squared"], _kernel.OPTIMIZER_CODES["sgd"],
                                 tuple(zeros[:2]), tuple(zeros[2:]), tuple(zeros[:2]), tuple(zeros[2:]), 0, lc)
    return (done_p, plain, lp), (done_c, compiled, lc)


@pytest.mark.parametrize("width,seed,lr", [(3, 0, 0.05), (3, 1, 0.05), (3, 5, 0.5), (1, 2, 0.05), (6, 3, 0.01)])
def test_plain_loop_gives_the_compiled_loops_numbers_bit_for_bit(width, seed, lr):
    net, X, Y, rows = _start(width, seed, lr)
    (done_p, plain, lp), (done_c, compiled, lc) = _run_both(net.weights_, net.biases_, X, Y, rows, lr)
    assert done_p == done_c == len(rows)
    for a, b in zip(plain, compiled):
        assert np.array_equal(a, b)
    assert np.array_equal(lp, lc)
    assert not np.array_equal(plain[0], net.weights_[0])  # it did train


@pytest.mark.slow
def test_plain_loop_stops_where_the_compiled_loop_stops_when_training_diverges():
    """From random starts with huge weights and learning rates, both stop at the same update."""
    net, X, Y, rows = _start(3, 0, 0.05)
    rows = rows[:2000]
    rng = np.random.default_rng(0)
    stopped_midway = 0
    for _ in range(400):
        lr = 10 ** rng.uniform(-3, 9)
        Ws, Bs = ([np.clip(rng.normal(size=p.shape) * 10 ** rng.uniform(-9, 7.9), -9.9e7, 9.9e7) for p in ps]
                  for ps in (net.weights_, net.biases_))
        (done_p, plain, lp), (done_c, compiled, lc) = _run_both(Ws, Bs, X, Y, rows, lr)
        assert done_p == done_c
        assert np.array_equal(lp[:done_p], lc[:done_c])
        if done_p == len(rows):
            assert all(np.array_equal(a, b) for a, b in zip(plain, compiled))
        stopped_midway += 0 < done_p < len(rows)
    assert stopped_midway >= 3  # the case above really was exercised


def test_a_parameter_already_too_big_stops_at_once_as_in_the_compiled_loop():
    net, X, Y, rows = _start(3, 0, 0.05)
    Ws, Bs = [w.copy() for w in net.weights_], [b.copy() for b in net.biases_]
    Bs[0][1, 0] = 2e8
    (done_p, _, _), (done_c, _, _) = _run_both(Ws, Bs, X, Y, rows, 0.05)
    assert done_p == done_c == 0


@pytest.mark.parametrize("kwargs,plain", [
    (dict(), True),
    (dict(hidden_layer_sizes=(5,)), True),
    (dict(activation="tanh"), False),
    (dict(hidden_layer_sizes=(3, 3)), False),
    (dict(mode="fast"), False),
    (dict(batch_size=8), False),
])
def test_only_the_chapters_kind_of_run_uses_the_plain_loop(kwargs, plain):
    net = Network(**kwargs)
    L = len(net.hidden_layer_sizes) + 1
    assert _plain.fits(net.activation, 3, L, 1, net.setting("loss"), net.setting("optimizer"),
                       net.setting("batch_size") or 10) is plain


def test_training_the_default_model_never_loads_numba():
    code = ("import sys; from fontnet.model import train_default_model; m = train_default_model(); "
            "assert m.n_iter_ == 100_000; print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_chapters_runs_train_in_plain_python_until_the_compiled_loop_is_asked_for(monkeypatch):
    from fontnet import network

    calls = []
    real = _plain.train_steps
    monkeypatch.setattr(_plain, "train_steps", lambda *a: calls.append(1) or real(*a))
    monkeypatch.setattr(network, "_compiled_loop", False)
    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    plain = network.Network(mode="chapter", max_iter=500, random_state=2).fit(X_train, y_train)
    network.Network(mode="fast", max_iter=5, random_state=2).fit(X_train, y_train)  # always compiled
    assert len(calls) == 1
    network.use_compiled_loop()
    assert network.compiled_loop_in_use()
    compiled = network.Network(mode="chapter", max_iter=500, random_state=2).fit(X_train, y_train)
    assert len(calls) == 1
    for a, b in zip((*plain.weights_, *plain.biases_), (*compiled.weights_, *compiled.biases_)):
        assert np.array_equal(a, b)
