"""`python -m fontnet backprop`: one step on one colour, as JSON or text; bad arguments exit 2 with one line."""

import json
import subprocess
import sys

import numpy as np
import pytest

from fontnet import backprop
from fontnet.cli import run_captured
from fontnet.model import default_model
from tests.conftest import ROOT


def _json(*args):
    code, out = run_captured(["backprop", *args, "--json"])
    assert code == 0
    return json.loads(out)


def test_json_holds_the_network_forward_pass_gradients_printed_update_and_cost_after():
    res = _json("ffc0cb", "--label", "dark", "--seed", "3", "--lr", "0.05")
    fresh = backprop.fresh_network(3)
    assert set(res) >= {"weights", "forward", "cost", "gradients", "printed", "cost_after"}
    for name, P in backprop.params(fresh).items():
        assert np.array_equal(np.array(res["weights"][name]), P)
    b = backprop.explain(fresh, (255, 192, 203), "dark")
    for name in ("Z1", "A1", "Z2", "A2"):
        assert np.allclose(res["forward"][name], b.term(name).value, rtol=1e-15)
    for name in backprop.PARAMS:
        assert np.array(res["gradients"][name]).shape == backprop.SHAPES[name]
        assert np.allclose(res["gradients"][name], b.gradients[name], rtol=1e-15)
    W1 = np.array(res["printed"]["W1"])
    assert W1.shape == (3, 3) and np.all(W1 == W1[0]) and np.allclose(W1[0], b.gradients["W1"].sum(0))
    assert res["cost"] == pytest.approx(b.cost) and res["cost_after"] < res["cost"]


def test_label_activation_and_loss_are_used():
    light = _json("ffc0cb", "--seed", "3", "--label", "light", "--loss", "cross_entropy", "--activation", "tanh")
    assert light["label"] == "light" and light["loss"] == "cross_entropy" and light["activation"] == "tanh"
    A2 = light["forward"]["A2"][0][0]
    assert light["cost"] == pytest.approx(-np.log(1 - A2))
    # the label defaults to the chapter's formula: pink is light enough for dark text
    assert _json("ffc0cb", "--seed", "3")["label"] == "dark" and _json("000080", "--seed", "3")["label"] == "light"
    # a CSS name reads as its colour, as `predict` reads it
    assert _json("pink", "--seed", "3") == _json("ffc0cb", "--seed", "3")


def test_without_a_seed_it_explains_the_default_model():
    res = _json("10,200,30")
    assert np.allclose(res["weights"]["W1"], default_model().weights_[0])


def test_a_saved_model(tmp_path):
    path = tmp_path / "m.json"
    backprop.fresh_network(5).save(path)
    assert np.allclose(_json("ffc0cb", "--model", str(path))["weights"]["W2"], backprop.fresh_network(5).weights_[1])


def test_a_step_that_blows_up_is_reported_not_applied():
    res = _json("ffffff", "--seed", "0", "--label", "light", "--lr", "1e12")
    assert res["cost_after"] is None and "this step blows up" in res["problem"]


def test_text_output_names_every_term():
    code, out = run_captured(["backprop", "ffc0cb", "--seed", "3"])
    assert code == 0
    for name in ("dC/dA2", "dA2/dZ2", "dZ2/dW2", "dZ2/dB2", "dZ2/dA1", "dA1/dZ1", "dZ1/dW1", "dZ1/dB1",
                 "dC/dW2", "dC/dB2", "dC/dA1", "dC/dW1", "dC/dB1", "printed W1 update", "one step with learning rate"):
        assert name in out, name


@pytest.mark.parametrize("args,words", [
    (["backprop"], "COLOUR"),
    (["backprop", "#zzz"], "#zzz"),
    (["backprop", "255", "0", "0"], "'255 0 0' reads as red, green and blue: join them with commas (255,0,0)"),
    (["backprop", "pink", "navy"], "give one COLOUR, got 2: 'pink navy'"),
    (["backprop", "ffc0cb", "--label", "grey"], "--label"),
    (["backprop", "ffc0cb", "--seed", "abc"], "'abc' is not a whole number"),
    (["backprop", "ffc0cb", "--seed", "-1"], "--seed"),
    (["backprop", "ffc0cb", "--lr", "0"], "--lr"),
    (["backprop", "ffc0cb", "--lr", "nan"], "--lr"),
    (["backprop", "ffc0cb", "--activation", "softmax"], "--activation"),
    (["backprop", "ffc0cb", "--loss", "hinge"], "--loss"),
    (["backprop", "ffc0cb", "--seed", "1", "--model", "m.json"], "not both"),
    (["backprop", "ffc0cb", "--model", "{d}/nope.json"], "cannot read model file"),
    (["backprop", "ffc0cb", "--model", "{d}/wide.json"], "does not take 3 colour inputs"),
    (["backprop", "ffc0cb", "--model", "{d}/deep.json"], "hidden layers (8,4)"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, args, words):
    from fontnet.network import Network

    X = np.random.default_rng(0).random((20, 3))
    y = (X.sum(1) > 1.5).astype(int)
    Network((8, 4), random_state=0, max_iter=1).fit(X, y).save(tmp_path / "deep.json")
    Network((3,), random_state=0, max_iter=1).fit(np.hstack([X, X]), y).save(tmp_path / "wide.json")
    code, out = run_captured([a.format(d=tmp_path) for a in args])
    err = capsys.readouterr().err.strip()
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("fontnet: error:") and words in err, err


@pytest.mark.slow
def test_a_real_process_prints_json():
    res = subprocess.run([sys.executable, "-m", "fontnet", "backprop", "ffc0cb", "--seed", "3", "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and json.loads(res.stdout)["cost_after"] < json.loads(res.stdout)["cost"]
