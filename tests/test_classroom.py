"""The class engine: the class network on pooled answers, where the class splits, each student, the CSV."""

import numpy as np
import pytest

from fontnet import classroom, colors, data, teach
from fontnet.classroom import Pool, Split
from fontnet.model import p_dark
from fontnet.store import Store, StoredAnswer
from fontnet.teach import Answer


def row(i: int, student: str, rgb, label: int) -> StoredAnswer:
    return StoredAnswer(i, student, f"a{i}", tuple(rgb), label, 0.0)


def formula_rows(n: int, seed: int = 0, students: int = 5, wrong: float = 0.0) -> list[StoredAnswer]:
    """n random colours answered by `students` students by the formula, each answer flipped with prob. `wrong`."""
    rng = np.random.default_rng(seed)
    rgb = data.uniform_colours(n, seed=seed)
    labels = np.where(rng.random(n) < wrong, 1 - colors.formula_label(rgb), colors.formula_label(rgb))
    return [row(i + 1, f"s{i % students}", c, int(y)) for i, (c, y) in enumerate(zip(rgb.tolist(), labels.tolist()))]


# ---- the pool -----------------------------------------------------------------------------------
def test_a_pool_holds_store_rows_and_teach_answers():
    rows = formula_rows(6)
    pool = Pool.of(rows[:4])
    assert len(pool) == 4 and pool.last_id == 4
    assert pool.rgb.tolist() == [list(r.rgb) for r in rows[:4]]
    assert pool.labels.tolist() == [r.label for r in rows[:4]]
    assert pool.students.tolist() == ["s0", "s1", "s2", "s3"]
    more = pool.extend(rows[4:])
    assert len(more) == 6 and more.last_id == 6 and len(pool) == 4   # extending makes a new pool
    assert more.extend([]) is more
    answers = [Answer((1, 2, 3), 1), Answer((250, 250, 250), 0)]
    taught = Pool.of(answers)
    assert taught.students.tolist() == ["", ""] and taught.last_id == 0
    assert taught.answers() == answers
    assert len(Pool.of()) == 0 and Pool.empty().rgb.shape == (0, 3)


@pytest.mark.parametrize("bad", [[Answer((256, 0, 0), 1)], [Answer((1, 2, 3), 2)], [Answer((-1, 0, 0), 0)]])
def test_a_pool_refuses_impossible_rows(bad):
    with pytest.raises(ValueError, match="0–255"):
        Pool.of(bad)


# ---- the class network --------------------------------------------------------------------------
def test_the_class_network_is_teachs_network_on_the_same_answers():
    rows = formula_rows(40, seed=3)
    answers = [Answer(r.rgb, r.label) for r in rows]
    pooled, taught = classroom.train(Pool.of(rows)), teach.train(answers)
    for a, b in zip([*pooled.weights_, *pooled.biases_], [*taught.weights_, *taught.biases_]):
        assert np.array_equal(a, b)
    assert np.array_equal(pooled.loss_curve_, taught.loss_curve_)
    start = classroom.train(Pool.of())
    assert np.array_equal(start.weights_[0], teach.starting_network().weights_[0])


def test_the_class_network_learns_from_more_answers_than_one_visitor_may_give():
    rows = formula_rows(2_000, seed=4, students=30, wrong=0.05)
    assert len(rows) > 5 * teach.MAX_ANSWERS
    net = classroom.train(Pool.of(rows))
    assert np.all(np.isfinite(net.loss_curve_)) and net.loss_curve_[-1] < 0.6 * net.loss_curve_[0]
    assert teach.agreement(net).formula > 0.97       # slips by 5% of the answers average out


# ---- where the class splits ---------------------------------------------------------------------
def test_close_colours_answered_both_ways_are_a_split_with_its_counts():
    rows = [row(1, "ann", (100, 100, 100), 1), row(2, "bob", (104, 98, 101), 1), row(3, "cy", (99, 103, 97), 0),
            row(4, "ann", (240, 240, 10), 1), row(5, "bob", (236, 244, 12), 1),     # agreed: no split
            row(6, "cy", (10, 10, 200), 0), row(7, "dee", (200, 200, 250), 1)]      # far apart: no split
    assert classroom.splits(Pool.of(rows)) == [Split((101, 100, 99), dark=2, light=1, students=3)]
    assert classroom.splits(Pool.of(rows[3:])) == []
    assert classroom.splits(Pool.of()) == []
    assert Split((101, 100, 99), 2, 1, 3).hex == "#656463"


def test_the_same_colour_answered_both_ways_is_a_split():
    pool = Pool.of([row(1, "ann", (128, 64, 200), 1), row(2, "bob", (128, 64, 200), 0)])
    assert classroom.splits(pool) == [Split((128, 64, 200), 1, 1, 2)]


def test_splits_come_most_contested_first_each_place_once():
    rows, i = [], 0
    for centre, dark, light in [((40, 200, 40), 2, 1), ((200, 40, 200), 4, 4), ((120, 120, 250), 3, 1)]:
        for label, count in ((1, dark), (0, light)):
            for _ in range(count):
                i += 1
                rows.append(row(i, f"s{i}", (centre[0] + i % 3, centre[1], centre[2]), label))
    found = classroom.splits(Pool.of(rows))
    assert [(s.dark, s.light) for s in found] == [(4, 4), (2, 1), (3, 1)]
    assert [s.students for s in found] == [8, 3, 4]
    assert [(s.dark, s.light) for s in classroom.splits(Pool.of(rows), k=2)] == [(4, 4), (2, 1)]
    for a, b in zip(found, found[1:]):
        assert max(abs(x - y) for x, y in zip(a.rgb, b.rgb)) > classroom.SPLIT_CELL


def test_neighbouring_places_of_one_split_are_shown_once():
    # a line of answers alternating dark and light, each 4 units from the next, across four cells of 16
    rows = [row(i + 1, f"s{i}", (60 + 4 * i, 128, 128), i % 2) for i in range(12)]
    found = classroom.splits(Pool.of(rows))
    assert 1 <= len(found) <= 2                                   # places 3 cells apart at least
    assert sum(s.dark + s.light for s in found) <= len(rows)      # so no answer is counted twice
    assert found[0].dark + found[0].light >= 8                    # the first holds most of the line


# ---- each student -------------------------------------------------------------------------------
def test_each_student_is_measured_against_the_class_and_the_formula():
    rgb = data.uniform_colours(60, seed=9)
    formula = colors.formula_label(rgb)
    rows = ([row(i + 1, "zed", c, int(y)) for i, (c, y) in enumerate(zip(rgb[:30].tolist(), formula[:30]))]
            + [row(i + 31, "ann", c, int(1 - y)) for i, (c, y) in enumerate(zip(rgb[30:40].tolist(), formula[30:40]))]
            + [row(i + 41, "bob", c, int(y)) for i, (c, y) in enumerate(zip(rgb[40:].tolist(), formula[40:]))])
    pool = Pool.of(rows)
    net = classroom.train(pool)
    scores = classroom.student_scores(pool, net)
    assert [(s.student, s.answers) for s in scores] == [("zed", 30), ("ann", 10), ("bob", 20)]
    assert [s.with_formula for s in scores] == [1.0, 0.0, 1.0]
    picks = (p_dark(net, pool.rgb) >= 0.5).astype(int)
    for s in scores:
        mine = pool.students == s.student
        assert s.with_class == pytest.approx(np.mean(picks[mine] == pool.labels[mine]))
    assert scores[0].with_class > scores[1].with_class     # the contrarian is outvoted by the class
    assert classroom.student_scores(Pool.of(), net) == []


# ---- the whole view and the file ----------------------------------------------------------------
def test_the_view_gathers_the_network_agreement_splits_and_students():
    pool = Pool.of(formula_rows(300, seed=2, students=6, wrong=0.15))
    v = classroom.view(pool)
    assert v.answers == 300
    assert v.agreement == teach.agreement(v.net)
    assert v.splits == classroom.splits(pool) and v.splits
    assert v.students == classroom.student_scores(pool, v.net) and len(v.students) == 6


def test_the_csv_is_what_the_train_page_reads():
    rows = formula_rows(25, seed=1)
    text = classroom.to_csv(Pool.of(rows))
    assert text.splitlines()[0] == "red,green,blue,label"
    assert text.splitlines()[1] == ",".join(map(str, [*rows[0].rgb, rows[0].label]))
    back = data.read_csv(text)
    assert back.rgb.tolist() == [list(r.rgb) for r in rows] and back.labels.tolist() == [r.label for r in rows]


def test_a_live_view_built_from_what_is_new_equals_the_whole_room(tmp_path):
    db = Store(f"sqlite:///{tmp_path / 'class.sqlite3'}")
    code, key = db.create_room()
    for s in ("ann", "bob"):
        db.join(code, s, s)
    pool = Pool.of()
    for i, r in enumerate(formula_rows(20, seed=6)):
        db.add_answer(code, ("ann", "bob")[i % 2], f"a{i}", r.rgb, r.label)
        if i % 7 == 3:
            pool = pool.extend(db.answers_since(code, key, pool.last_id))
    pool = pool.extend(db.answers_since(code, key, pool.last_id))
    whole = Pool.of(db.answers(code, key))
    assert len(pool) == 20 and pool.last_id == whole.last_id
    for name in ("rgb", "labels", "students"):
        assert np.array_equal(getattr(pool, name), getattr(whole, name))
    db.close()
