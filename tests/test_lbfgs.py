import numpy as np
import pytest

from fontnet import data
from fontnet.activations import HIDDEN_ACTIVATIONS
from fontnet.network import MODES, Network, NetworkError


def _toy(n_classes=2, n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 3))
    y = rng.integers(0, n_classes, n)
    y[:n_classes] = np.arange(n_classes)
    return X, y


def _ruled(n_classes, n=60, seed=0):
    """Colours labelled by brightness bands, as the formula labels them: data a network can learn."""
    X = np.random.default_rng(seed).random((n, 3))
    s = X @ [0.299, 0.587, 0.114]
    return X, np.digitize(s, np.quantile(s, np.linspace(0, 1, n_classes + 1)[1:-1]))


def _params(net):
    return [*net.weights_, *net.biases_]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_the_first_iteration_steps_down_the_readable_chain_rules_gradient(activation, loss, n_classes):
    """With no memory yet, L-BFGS moves `learning_rate` along -g/|g|, g from `Network.gradients` on every row;
    the loss it records is the readable cost at the new weights."""
    X, y = _toy(n_classes)
    net = Network((4, 3), activation, loss=loss, optimizer="lbfgs", batch_size=None, learning_rate=1e-3,
                  random_state=2).initialize(X, y)
    Y = net._targets(y)[0].T
    before = [p.copy() for p in _params(net)]
    dWs, dBs, _ = net.gradients(X.T, Y)
    grads = [*dWs, *dBs]
    norm = np.sqrt(sum(np.sum(g * g) for g in grads))
    net.partial_fit(X, y, 1)
    for b, g, after in zip(before, grads, _params(net)):
        assert np.allclose(after, b - 1e-3 * g / norm, rtol=1e-10, atol=1e-13)
    assert net.loss_curve_[-1] == pytest.approx(net.gradients(X.T, Y)[2], rel=1e-10)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_loss_never_rises(activation, n_classes):
    net = Network((4, 3), activation, mode="fast", random_state=1, max_iter=200).fit(*_ruled(n_classes))
    curve = net.loss_curve_
    assert net.n_iter_ == 200 and np.all(np.diff(curve) <= 0) and curve[-1] < curve[0] / 10
    assert curve[-1] == pytest.approx(net.loss_on(*_ruled(n_classes)), rel=1e-9)  # the readable cost, near 0 too


def test_the_vectorised_exp_is_within_one_unit_in_the_last_place_of_numpys():
    from fontnet._lbfgs import FAR, exp_neg

    x = np.concatenate([np.linspace(0, FAR, 200_001), [1e-300, 5e-324, np.log(2) / 2, FAR]])
    e = x.copy()
    exp_neg(e)
    assert np.all(np.abs(e - np.exp(-x)) <= np.spacing(np.exp(-x)))


def test_once_no_step_lowers_the_loss_more_iterations_keep_the_weights():
    X, y = _toy()  # random labels: a true minimum, reached in a few hundred iterations
    net = Network((4, 3), "relu", mode="fast", random_state=1, max_iter=400).fit(X, y)
    assert net.loss_curve_[-1] == net.loss_curve_[-2]
    settled = [p.copy() for p in _params(net)]
    net.partial_fit(X, y, 5)
    assert all(np.array_equal(a, b) for a, b in zip(settled, _params(net)))
    assert np.all(net.loss_curve_[-5:] == net.loss_curve_[-6])


def test_lbfgs_needs_every_row_at_each_step():
    with pytest.raises(NetworkError, match="batch size must be None"):
        Network(optimizer="lbfgs", batch_size=32).fit(*_toy())


@pytest.mark.parametrize("hidden", [(3,), (4, 3)])
def test_the_centred_start_puts_every_hidden_units_kink_through_the_middle_of_the_data(hidden):
    X, y = _toy(n=200)
    net = Network(hidden, mode="fast", random_state=0).initialize(X, y)
    fwd = net.forward(X.T)
    for Z in fwd.Z[:-1]:
        assert np.allclose(Z.mean(axis=1), 0, atol=1e-12)
        on = (Z > 0).mean(axis=1)
        assert np.all((on > 0) & (on < 1))  # no unit starts dead, none starts on everywhere
    he = Network(hidden, mode="fast", init="he", random_state=0).initialize(X, y)
    assert all(np.array_equal(a, b) for a, b in zip(net.weights_, he.weights_))  # the same weights: only B moves


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_mode_keeps_its_promise_and_the_librarys_quality(seed):
    """Fast mode on the chapter's rows: agreement with the formula >= 0.995 (its promise), held-out accuracy at
    least scikit-learn's (its better solver, same network, split and seed), agreement no more than 50 colours in
    100,000 below the library's. Per seed the agreement is sometimes above the library's and sometimes below:
    where the boundary runs through a gap in the rows is not settled by the rows (the library's own answer moves
    by more than 50 colours when it is run to a tighter tolerance), so the test does not ask for >= there."""
    import warnings

    from fontnet.baselines import sklearn_mlp_solver
    from fontnet.bench import FAST_LIBRARY_MAX_ITER, FAST_MIN_AGREEMENT, FAST_SOLVERS, sklearn_target
    from fontnet.model import formula_agreement

    X_train, X_test, y_train, y_test = data.split(data.chapter_dataset(), seed=seed)
    quality = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for solver in FAST_SOLVERS:
            mlp = sklearn_mlp_solver(solver, FAST_LIBRARY_MAX_ITER, seed).fit(X_train, y_train)
            quality[solver] = mlp.score(X_test, y_test), formula_agreement(mlp.predict)
    accuracy, agreement = sklearn_target(quality)
    fast = Network(mode="fast", random_state=seed).fit(X_train, y_train)
    assert fast.n_iter_ == MODES["fast"]["max_iter"] and fast.setting("optimizer") == "lbfgs"
    assert formula_agreement(fast.predict) >= FAST_MIN_AGREEMENT
    assert fast.score(X_test, y_test) >= accuracy
    assert formula_agreement(fast.predict) >= agreement - 0.0005


def test_the_reshuffled_reference_is_the_library_on_the_same_rows_in_another_order(monkeypatch):
    """fontnet.bench's reshuffled reference: the library's own lbfgs from the same start on the same rows, so its
    training loss is the library's to within rounding, though the order of the rows is not the library's."""
    import warnings

    from sklearn.neural_network import MLPClassifier

    from fontnet.baselines import sklearn_mlp_solver
    from fontnet.bench import FAST_LIBRARY_MAX_ITER, library_reshuffled

    X_train, _, y_train, _ = data.split(data.chapter_dataset(), seed=0)
    seen = []
    fit = MLPClassifier.fit
    monkeypatch.setattr(MLPClassifier, "fit", lambda self, X, y: seen.append((X, y)) or fit(self, X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = library_reshuffled(X_train, y_train, seed=0)
    (X, y), = seen
    assert not np.array_equal(X, X_train)
    rows = lambda X, y: sorted(map(tuple, np.column_stack([X, y]).tolist()))  # noqa: E731
    assert rows(X, y) == rows(X_train, y_train)
    monkeypatch.undo()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        library = sklearn_mlp_solver("lbfgs", FAST_LIBRARY_MAX_ITER, 0).fit(X_train, y_train)
    assert again.get_params() == library.get_params()
    assert again.loss_ == pytest.approx(library.loss_, rel=1e-6)
    # it saw every row: it classifies the training rows as the library does
    assert (again.predict(X_train) == library.predict(X_train)).mean() >= 0.99


def test_the_max_margin_reference_separates_the_training_rows_with_the_widest_margin():
    """fontnet.bench's reference plane: every training row on its side, and no other separating plane wider."""
    from fontnet.bench import max_margin_boundary

    X_train, _, y_train, _ = data.split(data.chapter_dataset(), seed=3)
    svm = max_margin_boundary(X_train, y_train)
    assert (svm.predict(X_train) == y_train).all()
    w, b = svm.coef_[0], svm.intercept_[0]
    margin = np.min(np.abs(X_train @ w + b)) / np.linalg.norm(w)
    # the formula's own plane also separates these rows, with a narrower margin
    f = np.array([0.299, 0.587, 0.114])
    assert ((X_train @ f > 0.5) == (y_train == 1)).all()
    assert np.min(np.abs(X_train @ f - 0.5)) / np.linalg.norm(f) <= margin + 1e-9
