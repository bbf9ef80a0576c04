import json

import numpy as np
import pytest

from fontnet import data
from fontnet.activations import HIDDEN_ACTIVATIONS
from fontnet.network import DivergenceError, ModelFileError, Network, NetworkError


def _toy(n_classes=2, n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 3))
    y = rng.integers(0, n_classes, n)
    y[:n_classes] = np.arange(n_classes)
    return X, y


def _targets(net, y):
    Y, _ = net._targets(y)
    return Y.T


def _params(net):
    return [*net.weights_, *net.biases_]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_loss_on_a_set_is_the_cost_backprop_reports(loss, n_classes):
    X, y = _toy(n_classes)
    net = Network((4, 3), "relu", loss=loss, init="xavier", random_state=1, max_iter=5).fit(X, y)
    assert net.loss_on(X, y) == net.gradients(X.T, _targets(net, y))[2] > 0
    with pytest.raises(NetworkError, match="not been trained"):
        Network((3,)).loss_on(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_backprop_matches_finite_differences(activation, loss, n_classes):
    X, y = _toy(n_classes)
    net = Network((4, 3), activation, loss=loss, init="xavier", random_state=1, max_iter=1).fit(X, y)
    Y = _targets(net, y)
    dWs, dBs, _ = net.gradients(X.T, Y)
    h = 1e-6
    for P, G in zip(_params(net), [*dWs, *dBs]):
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + h
            up = net.gradients(X.T, Y)[2]
            P[idx] = old - h
            down = net.gradients(X.T, Y)[2]
            P[idx] = old
            assert (up - down) / (2 * h) == pytest.approx(G[idx], rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_compiled_step_equals_the_readable_chain_rule(activation, loss, n_classes):
    """One full-batch SGD step of the compiled loop is W - lr * dC/dW from `Network.gradients`."""
    X, y = _toy(n_classes)
    net = Network((4, 3), activation, loss=loss, init="xavier", optimizer="sgd", batch_size=None,
                  learning_rate=0.3, random_state=2, max_iter=1).fit(X, y)
    before = [p.copy() for p in _params(net)]
    dWs, dBs, C = net.gradients(X.T, _targets(net, y))
    net.partial_fit(X, y, 1)
    for b, g, after in zip(before, [*dWs, *dBs], _params(net)):
        assert np.allclose(after, b - 0.3 * g, rtol=1e-12, atol=1e-14)
    assert net.loss_curve_[-1] == pytest.approx(C, rel=1e-12)


def test_forward_keeps_z1_a1_z2_a2_in_the_chapters_shapes():
    net = Network(random_state=0, max_iter=10).fit(*_toy())
    fwd = net.forward(np.array([[1.0], [0.5], [0.2]]))
    assert [z.shape for z in fwd.Z] == [(3, 1), (1, 1)] and [a.shape for a in fwd.A] == [(3, 1), (1, 1)]
    assert np.allclose(fwd.Z[0], net.weights_[0] @ fwd.X + net.biases_[0])
    assert np.allclose(fwd.A[0], np.maximum(fwd.Z[0], 0))
    assert np.allclose(fwd.A[1], 1 / (1 + np.exp(-fwd.Z[1])))


def test_chapter_init_is_uniform_in_0_1():
    net = Network((50,), random_state=0, max_iter=1)
    net._init_params(3, 1)
    allp = np.concatenate([p.ravel() for p in _params(net)])
    assert allp.min() >= 0 and allp.max() < 1 and 0.4 < allp.mean() < 0.6


@pytest.mark.parametrize("kwargs", [dict(mode="chapter"), dict(mode="fast"), dict(mode="chapter", batch_size=16, optimizer="adam")])
def test_chunked_training_is_bit_identical_to_one_call(kwargs):
    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    one = Network(max_iter=3000, random_state=7, **kwargs).fit(X_train, y_train)
    chunked = Network(max_iter=3000, random_state=7, **kwargs)
    chunked.partial_fit(X_train, y_train, 1)
    for k in (999, 1000, 500, 500):
        chunked.partial_fit(X_train, y_train, k)
    assert chunked.n_iter_ == one.n_iter_ == 3000
    for a, b in zip(_params(one), _params(chunked)):
        assert np.array_equal(a, b)
    assert np.array_equal(one.loss_curve_, chunked.loss_curve_)


def test_seed_changes_the_result():
    X, y = _toy()
    a = Network(random_state=1, max_iter=100).fit(X, y)
    b = Network(random_state=2, max_iter=100).fit(X, y)
    assert not np.array_equal(a.weights_[0], b.weights_[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chapter_mode_lands_in_the_chapters_accuracy_band(seed):
    from fontnet.bench import ACCURACY_BAND

    X_train, X_test, y_train, y_test = data.split(data.chapter_dataset(), seed=seed)
    net = Network((3,), "relu", mode="chapter", random_state=seed).fit(X_train, y_train)
    assert net.n_iter_ == 100_000
    assert ACCURACY_BAND[0] <= net.score(X_test, y_test) <= ACCURACY_BAND[1]


def test_estimator_surface():
    X, y = _toy()
    net = Network(max_iter=50, random_state=0)
    assert net.fit(X, y) is net
    assert net.partial_fit(X, y, 5) is net and net.n_iter_ == 55
    p = net.predict_proba(X)
    assert p.shape == (len(X), 2) and np.allclose(p.sum(1), 1)
    assert set(net.predict(X)) <= {0, 1}
    assert 0 <= net.score(X, y) <= 1
    assert len(net.loss_curve_) == 55 and net.classes_.tolist() == [0, 1]


def test_several_outputs_use_softmax_digits_style():
    rng = np.random.default_rng(0)
    centres = rng.random((10, 8)) * 4
    y = np.repeat(np.arange(10), 20)
    X = centres[y] + rng.normal(0, 0.2, (200, 8))
    net = Network((16,), "relu", loss="cross_entropy", init="he", batch_size=None, optimizer="adam",
                  learning_rate=0.1, max_iter=300, random_state=0).fit(X, y)
    p = net.predict_proba(X)
    assert p.shape == (200, 10) and np.allclose(p.sum(1), 1)
    assert net.score(X, y) > 0.9


@pytest.mark.parametrize("kwargs,match", [
    (dict(activation="softmax"), "hidden activation"),
    (dict(activation="swish"), "hidden activation"),
    (dict(hidden_layer_sizes=()), "hidden layer sizes"),
    (dict(hidden_layer_sizes=(0,)), "hidden layer sizes"),
    (dict(learning_rate=0), "learning rate"),
    (dict(learning_rate=float("nan")), "learning rate"),
    (dict(max_iter=0), "iterations"),
    (dict(loss="hinge"), "loss"),
    (dict(mode="turbo"), "mode"),
    (dict(batch_size=0), "batch size"),
])
def test_bad_hyperparameters_are_named(kwargs, match):
    with pytest.raises(NetworkError, match=match):
        Network(**kwargs).fit(*_toy())


def test_bad_inputs_are_named():
    net = Network(max_iter=5, random_state=0).fit(*_toy())
    with pytest.raises(NetworkError, match="features"):
        net.predict(np.zeros((2, 4)))
    with pytest.raises(NetworkError, match="NaN"):
        net.predict(np.full((1, 3), np.nan))
    with pytest.raises(NetworkError, match="not been trained"):
        Network().predict(np.zeros((1, 3)))


def test_divergence_is_detected_reported_and_keeps_the_last_good_weights():
    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    net = Network((3,), "linear", loss="cross_entropy", learning_rate=10, random_state=0, max_iter=1)
    net.partial_fit(X_train, y_train, 1)
    good = [p.copy() for p in _params(net)]
    with pytest.raises(DivergenceError, match="diverged") as err:
        net.partial_fit(X_train, y_train, 500)
    assert net.diverged_ and err.value.step > 1
    assert all(np.array_equal(a, b) for a, b in zip(good, _params(net)))
    assert all(np.all(np.isfinite(p)) for p in _params(net))
    with pytest.raises(DivergenceError):
        net.partial_fit(X_train, y_train, 1)


def test_json_round_trip(tmp_path):
    X, y = _toy(3)
    net = Network((5, 4), "tanh", max_iter=200, random_state=0).fit(X, y)
    path = tmp_path / "m.json"
    net.save(path)
    back = Network.load(path)
    assert np.array_equal(back.predict_proba(X), net.predict_proba(X))
    assert back.activation == "tanh" and back.hidden_layer_sizes == (5, 4)
    assert json.loads(path.read_text())["format"] == "fontnet-model"


def test_a_network_built_from_weights_predicts_as_the_one_they_came_from_and_owns_its_copies():
    X, y = _toy(3)
    net = Network((5, 4), "tanh", loss="squared", max_iter=50, random_state=0).fit(X, y)
    flat_biases = [B.ravel() for B in net.biases_]
    back = Network.from_weights(net.weights_, flat_biases, net.classes_, "tanh", loss="squared", n_iter=50)
    assert back.hidden_layer_sizes == (5, 4) and back.n_iter_ == 50 and back.setting("loss") == "squared"
    assert [B.shape for B in back.biases_] == [B.shape for B in net.biases_]
    assert np.array_equal(back.predict_proba(X), net.predict_proba(X))
    back.weights_[0][0, 0] += 1.0
    assert not np.array_equal(back.weights_[0], net.weights_[0])


def _model_dict():
    return Network(max_iter=10, random_state=0).fit(*_toy()).to_dict()


def _mutate(**changes):
    d = _model_dict()
    d.update(changes)
    return json.dumps(d)


@pytest.mark.parametrize("text,match", [
    ("", "not valid JSON"),
    ('{"format": "fontnet-model", "weights": [[1', "not valid JSON"),
    ("[1, 2, 3]", "not a fontnet model"),
    ('{"weights": []}', "not a fontnet model"),
    (_mutate(activation="swish"), "unknown activation"),
    (_mutate(activation=["relu"]), "unknown activation"),
    (_mutate(weights=[[[1, 2, 3], [4, 5, 6]], [[1, 2, 3]]]), "layer 1 weights have shape"),
    (_mutate(weights=[[[1, 2, 3]] * 3, [[1, 2]]]), "layer 2 weights have shape"),
    (_mutate(biases=[[1, 2], [1]]), "layer 1 biases have shape"),
    (_mutate(weights=[[[1, 2, "x"]] * 3, [[1, 2, 3]]]), "malformed"),
    (_mutate(classes=[0]), "two classes"),
    (_mutate(hidden_layer_sizes=[3, 3]), "weight and"),
    ('{"format": "fontnet-model", "activation": "relu", "weights": [[[NaN, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1]]], '
     '"biases": [[0, 0, 0], [0]], "classes": [0, 1], "hidden_layer_sizes": [3]}', "NaN or infinite"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON|not a fontnet model"),
])
def test_invalid_model_files_are_refused_with_a_reason(text, match):
    with pytest.raises(ModelFileError, match=match):
        Network.loads(text)


def test_a_json_mistake_is_named_whole_with_its_line_and_column():
    with pytest.raises(ModelFileError) as e:
        Network.loads('{\n  "format": "fontnet-model",\n  weights: []\n}')
    assert str(e.value) == ("model file is not valid JSON (Expecting property name enclosed in double quotes at "
                            "line 3, column 3)")
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(RecursionError) as full:
        json.loads(deep)
    full = str(full.value)
    assert len(full) > 80
    with pytest.raises(ModelFileError) as e:   # nested too deep: Python's long reason, cut between two words
        Network.loads(deep)
    why = str(e.value)
    assert why.startswith("model file is not valid JSON (") and why.endswith("...)")
    cut = why[len("model file is not valid JSON ("):-4]
    assert len(cut) <= 80 and full.startswith(cut) and full[len(cut)] == " "


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        Network.load(tmp_path / "nope.json")


def test_initialize_is_iteration_zero_of_the_same_run():
    X, y = _toy()
    net = Network(random_state=3, max_iter=200).initialize(X, y)
    assert net.n_iter_ == 0 and len(net.loss_curve_) == 0
    start = [p.copy() for p in _params(net)]
    net.partial_fit(X, y, 200)
    fitted = Network(random_state=3, max_iter=200).fit(X, y)
    assert all(np.array_equal(a, b) for a, b in zip(_params(net), _params(fitted)))
    assert not np.array_equal(start[0], net.weights_[0])
