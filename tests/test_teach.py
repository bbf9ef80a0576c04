"""The Teach engine: training on a few answers, the guess, the next question, scores, links and files."""

import json

import numpy as np
import pytest

from fontnet import colors, data, teach
from fontnet.network import Network
from fontnet.settings import TEACH
from fontnet.teach import Answer


def formula_answers(rgb) -> list[Answer]:
    rgb = np.atleast_2d(rgb)
    return [Answer(tuple(int(c) for c in row), int(colors.formula_label(row))) for row in rgb]


def random_answers(n: int, seed: int = 0) -> list[Answer]:
    return formula_answers(data.uniform_colours(n, seed=seed))


# ---- training -----------------------------------------------------------------------------------
@pytest.mark.parametrize("answers", [
    [Answer((255, 255, 255), 1)],
    [Answer((0, 0, 0), 0)],
    [Answer((255, 255, 255), 1), Answer((0, 0, 0), 0)],
    [Answer((250, 250, 250), 0), Answer((5, 5, 5), 1)],          # a contrarian taste trains just as well
], ids=["one dark", "one light", "two", "two contrarian"])
def test_one_or_two_answers_train_to_finite_bounded_weights_that_lean_their_way(answers):
    net = teach.train(answers)
    assert isinstance(net, Network)
    params = np.concatenate([p.ravel() for p in (*net.weights_, *net.biases_)])
    assert np.all(np.isfinite(params)) and np.abs(params).max() < 20
    assert np.all(np.isfinite(net.loss_curve_)) and net.loss_curve_[-1] < net.loss_curve_[0]
    for a in answers:
        p = teach.guess(net, a.rgb).p_dark
        assert (p >= 0.5) == a.dark
        assert 0.5 < max(p, 1 - p) < 0.999  # regularised: it leans, but is not certain after so little


def test_two_hundred_answers_train_without_divergence_and_learn_the_formula():
    net = teach.train(random_answers(200, seed=3))
    assert np.all(np.isfinite(net.loss_curve_)) and net.loss_curve_[-1] < 0.5 * net.loss_curve_[0]
    assert teach.agreement(net).formula > 0.95


def test_no_answers_gives_the_unsure_starting_network():
    net = teach.train([])
    rgb = teach.yardstick()[0]
    probs = net.predict_proba(data.scale(rgb))[:, 1]
    assert np.all(np.abs(probs - 0.5) < 0.25)
    assert np.all(net.forward(data.scale(rgb).T).Z[0] > 0)  # every ReLU is on across the cube at the start


def test_the_same_answers_always_give_the_same_network_and_removing_one_forgets_it():
    answers = random_answers(12, seed=5)
    a, b = teach.train(answers), teach.train(list(answers))
    for x, y in zip(a.weights_, b.weights_):
        assert np.array_equal(x, y)
    removed = teach.train(answers[:5] + answers[6:])
    assert teach.train(answers[:5] + answers[6:]).weights_[0].tolist() == removed.weights_[0].tolist()
    assert not np.array_equal(removed.weights_[0], a.weights_[0])


def test_the_trained_network_saves_and_loads_as_a_model_file():
    net = teach.train(random_answers(20))
    back = Network.loads(json.dumps(net.to_dict()))
    rgb = teach.yardstick()[0][:100]
    assert np.allclose(back.predict_proba(data.scale(rgb)), net.predict_proba(data.scale(rgb)))


# ---- the guess and the next question ------------------------------------------------------------
def test_guess_reads_as_a_sentence():
    g = teach.Guess(0.72)
    assert (g.label, g.shade, g.sentence()) == (1, "dark", "I think you will pick dark, 72%.")
    g = teach.Guess(0.1)
    assert (g.label, g.shade, round(g.confidence, 2)) == (0, "light", 0.9)
    net = teach.train([Answer((255, 255, 255), 1)])
    assert teach.guess(net, (250, 250, 250)).shade == "dark"


def test_active_choice_picks_the_most_uncertain_colour_of_the_pool():
    net = teach.train(random_answers(30, seed=1))
    pool = data.uniform_colours(300, seed=9)
    p = net.predict_proba(data.scale(pool))[:, 1]
    i = teach.most_uncertain(net, pool)
    assert abs(p[i] - 0.5) == np.abs(p - 0.5).min()
    # plant a colour on the formula's boundary in a pool of clear cases: it is the one picked
    clear = np.array([[0, 0, 0], [255, 255, 255], [20, 20, 200], [250, 250, 0]] * 10)
    boundary = min(map(tuple, pool), key=lambda c: abs(float(net.predict_proba(data.scale([c]))[0, 1]) - 0.5))
    planted = np.vstack([clear, [boundary], clear])
    assert teach.most_uncertain(net, planted) == len(clear)


def test_next_colour_is_mostly_near_the_boundary_when_active_and_spread_when_random():
    given = random_answers(40, seed=2)
    net = teach.train(given)
    rng = np.random.default_rng(0)
    active = [teach.guess(net, teach.next_colour(net, rng, "active", given)).confidence for _ in range(60)]
    rng = np.random.default_rng(0)
    uniform = [teach.guess(net, teach.next_colour(net, rng, "random", given)).confidence for _ in range(60)]
    assert np.median(active) < 0.55 < np.median(uniform)
    near = np.mean(np.array(active) < 0.55)
    assert 1 - teach.EXPLORE - 0.2 < near < 1  # some exploration is mixed in


def test_next_colour_never_repeats_an_answered_colour_and_refuses_unknown_strategies():
    given = random_answers(50, seed=4)
    net = teach.train(given)
    for seed in range(20):
        for strategy in teach.STRATEGIES:
            c = teach.next_colour(net, np.random.default_rng(seed), strategy, given)
            assert c not in {a.rgb for a in given} and all(isinstance(v, int) and 0 <= v <= 255 for v in c)
    with pytest.raises(ValueError, match="strategy"):
        teach.next_colour(net, np.random.default_rng(0), "greedy")


def test_while_every_answer_is_one_shade_it_asks_the_colour_farthest_from_them():
    dark_only = [Answer((250, 250, 250), 1), Answer((240, 250, 200), 1)]
    net = teach.train(dark_only)
    picks = [teach.next_colour(net, np.random.default_rng(seed), "active", dark_only) for seed in range(40)]
    assert sum(colors.formula_label(p) == 0 for p in picks) >= 0.75 * len(picks)  # dark colours, mostly
    pool = np.array([[255, 255, 255], [0, 0, 0], [128, 128, 128], [250, 0, 0]])
    assert teach.farthest(pool, np.array([[250, 250, 250], [240, 250, 200]])) == 1
    assert teach.farthest(pool, np.array([[0, 0, 0], [255, 255, 255]])) == 3


def test_a_formula_visitor_is_never_stuck_on_one_shade():
    """Once a visitor gave one shade, the next questions soon find the other (it used to ask dark colours only)."""
    for seed in range(30):
        rng = np.random.default_rng(seed)
        answers = [Answer((30, 30, 30), 0)]
        net = teach.train(answers)
        for _ in range(4):
            rgb = teach.next_colour(net, rng, "active", answers)
            answers.append(Answer(rgb, int(colors.formula_label(rgb))))
            net = teach.train(answers)
        assert {a.label for a in answers} == {0, 1}, seed


def test_running_score_counts_the_last_ten_answers_predicted_beforehand():
    hits = [Answer((i, 0, 0), 1, guessed=1) for i in range(4)]
    misses = [Answer((i, 1, 0), 1, guessed=0) for i in range(8)]
    loaded = [Answer((i, 2, 0), 0) for i in range(5)]
    assert teach.running_score([]) == (0, 0)
    assert teach.running_score(hits) == (4, 4)
    assert teach.running_score(hits + misses) == (2, 10)       # the oldest two hits fell out of the window
    assert teach.running_score(misses + hits + loaded) == (4, 10)  # answers never asked here do not count


# ---- agreement and disagreements ----------------------------------------------------------------
def test_agreement_is_measured_on_twenty_thousand_fixed_colours():
    rgb, f, w = teach.yardstick()
    assert rgb.shape == (20_000, 3) and rgb is teach.yardstick()[0]
    assert np.array_equal(f, colors.formula_label(rgb)) and np.array_equal(w, colors.wcag_label(rgb))
    net = teach.train(random_answers(200, seed=3))
    ag = teach.agreement(net)
    pred = net.predict(data.scale(rgb))
    assert ag.formula == pytest.approx(np.mean(pred == f)) and ag.wcag == pytest.approx(np.mean(pred == w))
    assert teach.agreement_with(net, f) == ag.formula


def test_disagreements_are_the_colours_the_network_most_surely_picks_against_the_formula():
    contrarian = [Answer(a.rgb, 1 - a.label) for a in random_answers(40, seed=6)]
    net = teach.train(contrarian)
    rgb, p = teach.disagreements(net, k=8)
    assert len(rgb) == 8
    f = colors.formula_label(rgb)
    assert np.all((p >= 0.5) != (f == 1))                    # each is a disagreement
    against = np.where(f == 1, 1 - p, p)
    assert np.all(np.diff(against) <= 0)                      # most sure first
    all_rgb, all_f, _ = teach.yardstick()
    all_p = net.predict_proba(data.scale(all_rgb))[:, 1]
    assert against[0] == pytest.approx(np.max(np.where(all_f == 1, 1 - all_p, all_p)))
    gaps = [np.sqrt(((rgb[i] - rgb[j]) ** 2).sum()) for i in range(8) for j in range(i)]
    assert min(gaps) >= teach.DISAGREE_SPREAD                # spread out, not eight near-copies
    agreeing = teach.train(random_answers(200, seed=3))
    every = teach.disagreements(agreeing, k=10_000, spread=0)[0]
    assert len(every) == round((1 - teach.agreement(agreeing).formula) * 20_000)
    assert len(teach.disagreements(agreeing, k=10_000)[0]) < len(every)


# ---- share links --------------------------------------------------------------------------------
def test_share_link_encodes_and_decodes():
    answers = [Answer((255, 192, 203), 1), Answer((0, 0, 128), 0)]
    assert teach.encode_link(answers) == "ffc0cb.d,000080.l"
    assert teach.decode_link("ffc0cb.d,000080.l") == (answers, [])
    assert teach.decode_link(" #FFC0CB.D , 000080.l ,") == (answers, [])
    many = random_answers(200, seed=8)
    unique = list({a.rgb: a for a in many}.values())
    assert teach.decode_link(teach.encode_link(unique))[0] == unique
    assert teach.decode_link("") == ([], [])


@pytest.mark.parametrize("link,kept,problem", [
    ("ffc0cb.d,zzzzzz.l,000080.l", 2, "'zzzzzz.l' is not a colour"),
    ("ffc0cb.d,fff.l", 1, "'fff.l' is not a colour"),
    ("ffc0cb.d,000080", 1, "'000080' is not a colour"),
    ("ffc0cb.d,000080.x", 1, "'000080.x' has an unknown label letter"),
    ("ffc0cb.d,000080.dark", 1, "unknown label letter"),
    ("ffc0cb.d,<script>.d", 1, "is not a colour"),
])
def test_share_link_keeps_the_valid_part_and_names_each_problem(link, kept, problem):
    answers, notices = teach.decode_link(link)
    assert len(answers) == kept and answers[0] == Answer((255, 192, 203), 1)
    assert len(notices) == 1 and problem in notices[0]


def test_share_link_duplicates_last_answer_wins():
    answers, notices = teach.decode_link("ffc0cb.d,000080.l,ffc0cb.l")
    assert answers == [Answer((0, 0, 128), 0), Answer((255, 192, 203), 0)]
    assert len(notices) == 1 and "more than once" in notices[0] and "#ffc0cb" in notices[0] and "last" in notices[0]


def test_share_link_with_too_many_answers_keeps_the_first_two_hundred():
    rgb = data.uniform_colours(400, seed=1)
    unique = list({a.rgb: a for a in formula_answers(rgb)}.values())[:250]
    answers, notices = teach.decode_link(teach.encode_link(unique))
    assert answers == unique[:200]
    assert len(notices) == 1 and "250 answers" in notices[0] and "first 200" in notices[0]


def test_share_link_notices_are_short_even_for_long_junk():
    answers, notices = teach.decode_link(",".join(["x" * 1000] * 50 + ["ffc0cb.d"]))
    assert answers == [Answer((255, 192, 203), 1)]
    assert len(notices) == 1 and len(notices[0]) < 300 and "47 more" in notices[0]


def test_the_link_gives_the_canonical_values_in_use():
    assert TEACH.read({}) == ({}, [])
    values, notices = TEACH.read({"labels": ["000000.l", "#FFC0CB.d,qq.d"], "ask": ["random"]})
    assert values == {"labels": "ffc0cb.d", "ask": "random"} and len(notices) == 1 and "'qq.d'" in notices[0]
    assert notices[0].endswith("using the 1 answer kept.")
    values, notices = TEACH.read({"ask": ["<b>greedy</b>"]})
    assert values == {"ask": "active"} and notices == ["ask='<b>greedy</b>' is not one of active, random; using the "
                                                      "default, active."]
    assert TEACH.read({"labels": [""]}) == ({"labels": ""}, [])


# ---- CSV ----------------------------------------------------------------------------------------
def test_csv_round_trips_in_the_train_pages_format():
    answers = random_answers(30, seed=11)
    text = teach.to_csv(answers)
    assert text.splitlines()[0] == "red,green,blue,label"
    assert teach.from_csv(text) == (answers, [])
    assert teach.from_csv(text.encode()) == (answers, [])
    ds = data.read_csv(text)  # the Train page reads it
    assert ds.rgb.tolist() == [list(a.rgb) for a in answers] and ds.labels.tolist() == [a.label for a in answers]


def test_csv_with_one_class_duplicates_or_too_many_rows_keeps_the_valid_part():
    assert teach.from_csv("red,green,blue,label\n255,255,255,1\n") == ([Answer((255, 255, 255), 1)], [])
    answers, notices = teach.from_csv("red,green,blue,label\n1,2,3,1\n4,5,6,0\n1,2,3,0\n")
    assert answers == [Answer((4, 5, 6), 0), Answer((1, 2, 3), 0)] and "more than once" in notices[0]
    rgb = data.uniform_colours(300, seed=2)
    unique = list({a.rgb: a for a in formula_answers(rgb)}.values())[:210]
    answers, notices = teach.from_csv(teach.to_csv(unique))
    assert answers == unique[:200] and "first 200" in notices[0]


@pytest.mark.parametrize("text,problem", [
    ("", "empty"), ("a,b,c\n1,2,3\n", "missing columns"), ("red,green,blue,label\n1,2,300,1\n", "outside 0–255"),
    ("red,green,blue,label\n1,2,3,7\n", "not 0 or 1"), (b"\xff\xfe\x00", "not UTF-8"),
])
def test_unreadable_csv_raises_a_named_problem(text, problem):
    with pytest.raises(data.DataError, match=problem):
        teach.from_csv(text)


# ---- the simulated visitor ----------------------------------------------------------------------
def test_a_formula_visitor_teaches_the_network_in_a_few_dozen_answers():
    needed = teach.answers_needed(teach.formula_visitor, "active", seed=0, max_answers=60)
    assert needed <= 60
    # the count is honest: retraining on that many of the same questions reaches the target, one fewer does not
    rng = np.random.default_rng(0)
    answers, net = [], teach.starting_network()
    for _ in range(needed):
        rgb = teach.next_colour(net, rng, "active", answers)
        answers.append(Answer(rgb, int(colors.formula_label(rgb))))
        net = teach.train(answers)
    assert teach.agreement(net).formula >= 0.95
    assert needed == 1 or teach.agreement(teach.train(answers[:-1])).formula < 0.95


def test_noisy_visitor_flips_about_the_asked_share():
    rng = np.random.default_rng(0)
    rgb = teach.yardstick()[0]
    noisy = teach.noisy_visitor(teach.formula_visitor, 0.1, rng)(rgb)
    assert 0.08 < np.mean(noisy != colors.formula_label(rgb)) < 0.12
