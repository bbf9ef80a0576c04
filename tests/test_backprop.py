"""The Backprop page's engine: every chain-rule term, the listing's printed update, finite differences, the step."""

import zlib

import numpy as np
import pytest

from fontnet import backprop as bp
from fontnet import printed_update
from fontnet.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from fontnet.model import default_model
from fontnet.network import LOSSES, Network

SHAPES = {
    "X": (3, 1), "Z1": (3, 1), "A1": (3, 1), "Z2": (1, 1), "A2": (1, 1),
    "dC/dA2": (1, 1), "dA2/dZ2": (1, 1), "dZ2/dW2": (3, 1), "dZ2/dB2": (1, 1), "dZ2/dA1": (1, 3),
    "dA1/dZ1": (3, 1), "dZ1/dW1": (3, 1), "dZ1/dB1": (1, 1),
    "dC/dZ2": (1, 1), "dC/dW2": (1, 3), "dC/dB2": (1, 1), "dC/dA1": (1, 3), "dC/dZ1": (3, 1),
    "dC/dW1": (3, 3), "dC/dB1": (3, 1),
    "printed dC_dW1": (1, 3), "printed dC_dB1": (1, 1), "printed W1 update": (3, 3), "printed B1 update": (3, 1),
}


def hand_network() -> Network:
    """Weights small enough to do the chain rule on paper: Z1 = B1 = [1, 2, 3], Z2 = 0, so A2 = 1/2."""
    return bp.network_from(np.zeros((3, 3)), [1, 2, 3], [[1, -1, 2]], -5)


def test_every_term_has_the_chapters_shape():
    b = bp.explain(bp.fresh_network(3), (255, 192, 203), "dark")
    names = [t.name for t in (*b.forward, *b.factors, *b.products, *b.printed)]
    assert names == list(SHAPES)
    for name, shape in SHAPES.items():
        assert b.term(name).shape == shape, name
        assert b.term(name).formula


def test_the_chain_rule_by_hand():
    # X = [1, 0, 0.2], Y = 1 (dark), A2 = 1/2: dC/dA2 = -1, dA2/dZ2 = 1/4, dC/dZ2 = -1/4
    b = bp.explain(hand_network(), (255, 0, 51), "dark")
    v = lambda name: b.term(name).value  # noqa: E731
    assert np.allclose(v("X").ravel(), [1, 0, 0.2]) and np.allclose(v("Z1").ravel(), [1, 2, 3])
    assert v("A2")[0, 0] == 0.5 and b.cost == 0.25
    assert v("dC/dA2")[0, 0] == -1 and v("dA2/dZ2")[0, 0] == 0.25 and v("dC/dZ2")[0, 0] == -0.25
    assert np.allclose(v("dC/dW2"), [[-0.25, -0.5, -0.75]]) and v("dC/dB2")[0, 0] == -0.25
    assert np.allclose(v("dC/dA1"), [[-0.25, 0.25, -0.5]]) and np.allclose(v("dA1/dZ1").ravel(), [1, 1, 1])
    assert np.allclose(v("dC/dW1"), [[-0.25, 0, -0.05], [0.25, 0, 0.05], [-0.5, 0, -0.1]])
    assert np.allclose(v("dC/dB1").ravel(), [-0.25, 0.25, -0.5])
    # the listing: (1,3) @ (3,1) sums the three nodes into one number, -0.5, and broadcasts it
    assert v("printed dC_dW1").shape == (1, 3) and np.allclose(v("printed dC_dW1"), [[-0.5, 0, -0.1]])
    assert np.allclose(v("printed W1 update"), [[-0.5, 0, -0.1]] * 3)
    assert np.allclose(v("printed B1 update").ravel(), [-0.5] * 3)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_products_are_the_networks_own_gradients(activation, loss):
    rng = np.random.default_rng(7)
    for seed in range(20):
        net = bp.network_from(*(rng.uniform(-2, 2, s) for s in bp.SHAPES.values()))
        rgb = tuple(int(c) for c in rng.integers(0, 256, 3))
        b = bp.explain(net, rgb, int(rng.integers(0, 2)), activation=activation, loss=loss)
        f = ACTIVATIONS[activation]
        Z1 = b.weights["W1"] @ b.X + b.weights["B1"]
        assert np.allclose(b.term("Z1").value, Z1, rtol=0, atol=1e-15)
        assert np.allclose(b.term("A1").value, f.fn(Z1)) and np.allclose(b.term("dA1/dZ1").value, f.derivative(Z1))
        for ours, theirs in (("dC/dW1", "W1"), ("dC/dB1", "B1"), ("dC/dW2", "W2"), ("dC/dB2", "B2")):
            assert np.allclose(b.term(ours).value, b.gradients[theirs], rtol=1e-12, atol=1e-15), (ours, seed)
        assert np.allclose(b.term("dC/dW1").value, np.outer(b.term("dC/dZ1").value, b.X))
        A2, Y = b.term("A2").value, b.Y
        if loss == "cross_entropy":
            assert np.allclose(b.term("dC/dZ2").value, A2 - Y, rtol=0, atol=0)
            assert np.allclose(b.term("dC/dA2").value * b.term("dA2/dZ2").value, A2 - Y, rtol=1e-9, atol=1e-15)
        else:
            assert np.allclose(b.term("dC/dA2").value, 2 * (A2 - Y))


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_printed_rows_are_identical_and_sum_the_true_rows(activation):
    rng = np.random.default_rng(1)
    for seed in range(30):
        net = bp.fresh_network(seed) if seed % 2 else bp.network_from(*(rng.uniform(-1, 1, s) for s in bp.SHAPES.values()))
        b = bp.explain(net, tuple(rng.integers(0, 256, 3)), activation=activation)
        W1u, B1u = b.term("printed W1 update").value, b.term("printed B1 update").value
        assert np.all(W1u == W1u[0]) and np.all(B1u == B1u[0, 0])
        # the one row is the sum of the nodes' true rows: the listing adds up what belongs to each node
        assert np.allclose(W1u[0], b.gradients["W1"].sum(axis=0), rtol=1e-12, atol=1e-16)
        assert np.isclose(B1u[0, 0], b.gradients["B1"].sum(), rtol=1e-12, atol=1e-16)


def test_the_finite_differences_side_with_the_chain_rule_not_the_printed_rows():
    b = bp.explain(bp.fresh_network(3), (255, 192, 203), "dark")
    chk = bp.check(b)
    assert bp.worst_error(chk) <= 1e-6
    assert bp.worst_error(chk, printed=b) > 0.5  # the one row is the sum of three nodes' rows, not any one of them


def test_a_small_step_lowers_the_cost_and_leaves_the_input_network_alone():
    rng = np.random.default_rng(2)
    for seed in range(200):
        net = bp.fresh_network(seed)
        before = {k: v.copy() for k, v in bp.params(net).items()}
        X, Y, _ = bp.sample(tuple(rng.integers(0, 256, 3)), int(rng.integers(0, 2)))
        s = bp.step(net, X, Y, 0.01)
        assert s.cost_after < s.cost_before
        dWs, dBs, _ = net.gradients(X, Y)
        for (name, P), G in zip(bp.params(s.after).items(), (dWs[0], dBs[0], dWs[1], dBs[1])):
            assert np.allclose(P, before[name] - 0.01 * G, rtol=0, atol=1e-15)
        assert all(np.array_equal(v, before[k]) for k, v in bp.params(net).items())


def test_cross_entropy_factors_stay_finite_where_the_output_rounds_to_1():
    b = bp.explain(default_model(), (255, 255, 255), "dark", loss="cross_entropy")
    assert b.term("A2").value[0, 0] == 1.0  # saturated in double precision
    assert all(np.all(np.isfinite(t.value)) for t in (*b.factors, *b.products))
    assert b.term("dC/dA2").value[0, 0] == -1.0  # −Y/A2 with Y = 1
    light = bp.explain(default_model(), (255, 255, 255), "light", loss="cross_entropy")
    assert np.isfinite(light.term("dC/dA2").value[0, 0]) and light.term("dC/dA2").value[0, 0] > 1e6


def test_the_default_models_read_only_arrays_can_be_explained_and_stepped():
    model = default_model()
    for p in (*model.weights_, *model.biases_):
        p.setflags(write=False)
    b = bp.explain(model, (10, 200, 30))
    s = bp.step(b.network, b.X, b.Y, 0.05)
    assert s.after is not None and s.cost_after < s.cost_before


def test_a_step_that_blows_up_is_reported_and_changes_nothing():
    net = bp.fresh_network(0)
    X, Y, _ = bp.sample((255, 255, 255), "light")
    s = bp.step(net, X, Y, 1e12)
    assert s.after is None and s.problem.startswith("With learning rate 1e+12, this step blows up")
    assert "grow past 1e+08" in s.problem and "no updated network" in s.problem
    assert np.array_equal(bp.params(s.before)["W1"], bp.params(net)["W1"])


def test_bad_samples_and_networks_are_named():
    with pytest.raises(bp.BackpropError, match="label"):
        bp.sample((1, 2, 3), "grey")
    with pytest.raises(bp.BackpropError, match="0–255"):
        bp.sample((1, 2, 300))
    X = np.random.default_rng(0).random((20, 3))
    wide = Network((8, 4), random_state=0, max_iter=1).fit(X, (X.sum(1) > 1.5).astype(int))
    with pytest.raises(bp.BackpropError, match=r"hidden layers \(8,4\)"):
        bp.explain(wide, (1, 2, 3))
    with pytest.raises(bp.BackpropError, match="learning rate"):
        bp.step(bp.fresh_network(0), *bp.sample((1, 2, 3))[:2], -1)


def test_random_steps_are_seeded_steps_on_training_rows():
    net = bp.fresh_network(4)
    a = bp.random_steps(net, 50, 0.05, seed=9)
    assert len(a.costs) == 50 and a.problem is None and a.after.n_iter_ == 50
    X_train, y_train = bp.training_rows()
    current = net
    for k, r in enumerate(a.rows):
        s = bp.step(current, X_train[r].reshape(3, 1), np.array([[float(y_train[r])]]), 0.05)
        assert s.cost_before == pytest.approx(a.costs[k], rel=1e-12)
        current = s.after
    assert np.allclose(current.weights_[0], a.after.weights_[0], rtol=1e-12)
    assert np.array_equal(bp.random_steps(net, 50, 0.05, seed=9).rows, a.rows)


def test_random_steps_stop_at_a_blow_up_and_keep_the_last_good_network():
    res = bp.random_steps(bp.fresh_network(0), 20, 1e12, seed=0)
    assert res.problem and "blew up" in res.problem and len(res.costs) < 20
    assert not bp.blew_up(res.after)
    # the first step: the network is unchanged (not "kept as it was after 0 steps")
    assert res.problem == ("Step 1 of 20 blew up (learning rate 1e+12): the network is unchanged. Try a smaller "
                           "learning rate.")


def test_a_blow_up_after_one_good_step_says_so_in_the_singular(monkeypatch):
    """With the limit set between the largest weight after one step and after two, the second step blows up."""
    net = bp.fresh_network(0)
    largest = [max(np.abs(P).max() for P in (*bp.random_steps(net, n, 0.5, seed=0).after.weights_,
                                              *bp.random_steps(net, n, 0.5, seed=0).after.biases_)) for n in (1, 2)]
    assert largest[1] > largest[0]
    monkeypatch.setattr(bp, "EXPLODED", (largest[0] + largest[1]) / 2)
    res = bp.random_steps(net, 1000, 0.5, seed=0)
    assert len(res.costs) == 1 and res.problem == (
        "Step 2 of 1,000 blew up (learning rate 0.5): the network is kept as it was after 1 step. Try a smaller "
        "learning rate.")


# ---- finite differences --------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_gradients_match_central_differences_on_1000_random_cases(activation, loss):
    res = bp.gradient_check(activation, loss, 1000, seed=zlib.crc32(f"{activation},{loss}".encode()))
    assert res["worst"] <= 1e-6, res
    assert res["compared"] >= 0.9 * (1000 - res["skipped"]) * 16  # nearly every one of the 16 entries compared
    assert res["skipped"] <= 5  # a ReLU input within 1e-6 of 0 is rare on random cases; each one is counted


def test_the_check_skips_and_counts_cases_at_a_kink(monkeypatch):
    real = bp.random_case

    def at_the_kink_every_third(rng, k):
        net, rgb, label = real(rng, k)
        if k % 3 == 0:  # node 1's bias set so that its input is exactly 0
            net.biases_[0][0, 0] -= net.forward(bp.sample(rgb)[0]).Z[0][0, 0]
        return net, rgb, label

    monkeypatch.setattr(bp, "random_case", at_the_kink_every_third)
    res = bp.gradient_check("relu", "squared", 30)
    assert res["skipped"] >= 10 and res["worst"] <= 1e-6
    assert bp.gradient_check("tanh", "squared", 30)["skipped"] == 0  # no kink in a smooth activation


def test_a_relu_at_its_kink_is_detected_and_left_out():
    # node 0's input is exactly 0; node 1's is 5e-7 (within 1e-6); node 2's is clear of the kink
    net = bp.network_from(np.zeros((3, 3)), [0.0, 5e-7, 0.5], [[1, 1, 1]], 0)
    b = bp.explain(net, (0, 0, 0), "dark")
    assert b.kinks == (0, 1)
    assert bp.explain(net, (0, 0, 0), "dark", activation="tanh").kinks == ()
    c = bp.check(b)
    assert c.kinks == (0, 1)
    # straddling the kink, the estimate averages the two one-sided slopes: half of the true (right) slope
    assert c.numeric["B1"][0, 0] == pytest.approx(b.term("dC/dZ2").value[0, 0] / 2, rel=1e-3)
    assert b.gradients["B1"][0, 0] == 0
    assert c.error["B1"][2, 0] <= 1e-6


def test_relative_error_leaves_out_entries_with_no_digits_to_compare():
    err = bp.relative_error(np.array([1.0, 0.0, 1e-15, 2.0]), np.array([1.0 + 1e-9, 0.0, 0.0, 1.0]))
    assert err[0] == pytest.approx(1e-9, rel=1e-3) and err[1] == 0 and np.isnan(err[2]) and err[3] == 0.5


# ---- what the chapter's loop does with the printed update ------------------------------------------------
def test_the_fast_printed_loop_is_the_listing_applied_step_by_step():
    start, printed, per_node = printed_update.train_both_ways(seed=5, iterations=300)
    X_train, y_train = bp.training_rows()
    rows = np.random.RandomState(5)
    rows.rand(3, 3), rows.rand(1, 3), rows.rand(3, 1), rows.rand(1, 1)
    rows = rows.randint(0, len(X_train), 300)
    by_listing, by_node = start, start
    for r in rows:
        rgb = np.rint(X_train[r] * 255).astype(int)
        label = int(y_train[r])
        b = bp.explain(by_listing, rgb, label)
        p = bp.params(b.network)
        W1 = p["W1"] - 0.05 * b.term("printed W1 update").value
        B1 = p["B1"] - 0.05 * b.term("printed B1 update").value
        by_listing = bp.network_from(W1, B1, p["W2"] - 0.05 * b.gradients["W2"], p["B2"] - 0.05 * b.gradients["B2"])
        by_node = bp.step(by_node, *bp.sample(rgb, label)[:2], 0.05).after
    for name in bp.PARAMS:
        assert np.allclose(bp.params(printed)[name], bp.params(by_listing)[name], rtol=1e-9, atol=1e-12), name
        assert np.allclose(bp.params(per_node)[name], bp.params(by_node)[name], rtol=1e-9, atol=1e-12), name
    # with the printed update the rows' differences never change; with each node's own gradient they do
    assert np.allclose(printed.weights_[0] - printed.weights_[0][0], start.weights_[0] - start.weights_[0][0])
    assert printed_update.row_spread(per_node.weights_[0]) != pytest.approx(printed_update.row_spread(start.weights_[0]), rel=1e-3)


def test_the_comparison_reports_both_loops_from_the_same_start():
    res = printed_update.compare_printed(seeds=(0, 1), iterations=3000)
    assert res["seeds"] == [0, 1] and res["iterations"] == 3000 and len(res["per_seed"]) == 2
    for row in res["per_seed"]:
        assert row["printed_spread"] == pytest.approx(row["spread_start"], rel=1e-9)
        for key in ("printed_accuracy", "per_node_accuracy", "printed_agreement", "per_node_agreement"):
            assert 0 <= row[key] <= 1
    assert res["median"]["printed_accuracy"] == pytest.approx(
        np.median([r["printed_accuracy"] for r in res["per_seed"]]))


def test_the_cost_chart_holds_every_cost_and_its_running_mean():
    import re

    from fontnet.figures.backprop import cost_summary, cost_svg
    from fontnet.figures.fit import drawings

    costs = np.arange(1, 31, dtype=float) / 7
    drawn = drawings(cost_svg(costs))
    for ids, svg in (("w", drawn["wide"]), ("n", drawn["narrow"])):   # for a wide box and for a phone's
        read = lambda name, svg=svg: [float(v) for v in re.search(rf'data-{name}="([^"]*)"', svg).group(1).split()]  # noqa: E731
        assert re.search(r'data-steps="(\d+)"', svg).group(1) == "30"
        assert read("costs") == pytest.approx(list(costs), rel=1e-5)
        means = read("means")
        assert means[0] == pytest.approx(costs[0]) and means[1] == pytest.approx(costs[:2].mean(), rel=1e-5)
        assert means[25] == pytest.approx(costs[6:26].mean(), rel=1e-5)
        # one dot per cost and one point of the mean's line per step, inside the plot
        assert len(re.search(r'class="costs" d="([^"]*)"', svg).group(1).split("M")) - 1 == 30
        assert len(re.search(r'class="mean" points="([^"]*)"', svg).group(1).split()) == 30
        assert cost_summary(costs) in svg
        # its name and description by ids of its own: the two drawings are on the page together
        assert f'aria-labelledby="backprop-costs-title-{ids}"' in svg and f'<title id="backprop-costs-title-{ids}">' in svg
        assert f'aria-describedby="backprop-costs-desc-{ids}"' in svg and f'<desc id="backprop-costs-desc-{ids}">' in svg
    assert cost_summary(costs).startswith(f"30 steps: the cost on the row went from {costs[0]:.4g} (step 1) to "
                                          f"{costs[-1]:.4g} (step 30); the mean of the last 20 steps is "
                                          f"{costs[10:].mean():.4g}.")


def test_the_comparison_file_name_follows_the_chapters_data(tmp_path, monkeypatch):
    from fontnet import data

    monkeypatch.setenv("FONTNET_CACHE_DIR", str(tmp_path))
    before = printed_update._comparison_file((0,), 100)
    shipped = data.chapter_csv()
    monkeypatch.setattr(data, "chapter_csv", lambda: shipped.replace(b"\n0,0,0,0\n", b"\n0,0,1,0\n", 1))
    assert data.chapter_csv() != shipped and printed_update._comparison_file((0,), 100) != before


def test_every_loss_has_a_short_name_for_the_pages_box():
    assert set(bp.LOSS_SHORT) == set(bp.LOSS_NAMES)
    assert all(bp.LOSS_NAMES[k].startswith(bp.LOSS_SHORT[k]) for k in bp.LOSS_NAMES)
