import pytest

from fontnet import baselines, data
from fontnet.model import decide, default_model, formula_agreement, p_dark, train_default_model


def test_sklearn_mlp_has_the_chapters_settings():
    mlp = baselines.sklearn_mlp()
    assert (mlp.solver, mlp.hidden_layer_sizes, mlp.activation, mlp.learning_rate_init, mlp.max_iter) == \
        ("sgd", (3,), "relu", 0.05, 100_000)


def test_compare_scores_everything_the_same_way():
    results = {r.name: r for r in baselines.compare(data.split(data.chapter_dataset()))}
    assert set(results) == {"formula", "scikit-learn MLPClassifier", "logistic regression"}
    assert results["formula"].test_accuracy == 1.0 and results["formula"].formula_agreement == 1.0
    for r in results.values():
        assert 0.95 < r.test_accuracy <= 1.0 and 0.95 < r.formula_agreement <= 1.0 and r.seconds >= 0


def test_default_model_is_deterministic_and_decides_the_known_colours():
    a, b = train_default_model(), default_model(cache=False)
    assert all((x == y).all() for x, y in zip(a.weights_, b.weights_))
    assert decide(a, (255, 192, 203)).dark and decide(a, (255, 255, 255)).dark
    assert not decide(a, (0, 0, 128)).dark and not decide(a, (0, 0, 0)).dark
    assert formula_agreement(a.predict) > 0.98


def test_decide_keeps_the_arithmetic_and_second_opinions():
    m = default_model()
    d = decide(m, (255, 0, 0))
    assert d.p_dark == pytest.approx(float(p_dark(m, [255, 0, 0])[0]))
    assert [z.shape for z in d.forward.Z] == [(3, 1), (1, 1)]
    assert d.formula_luminance == pytest.approx(0.299) and not d.formula_dark
    assert d.wcag_dark and d.contrast_dark > d.contrast_light
    assert d.text_rgb != d.other_rgb
