"""`python -m fontnet bench`: the numbers in the README, measured side by side in one run.

The chapter's own loop is kept here, and only here, as the reference that chapter mode is timed against.
"""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np

from . import data, digits, teach
from .baselines import sklearn_mlp
from .model import default_model, formula_agreement, p_dark, test_accuracy
from .network import Network, use_compiled_loop

# The chapter reports test accuracies in this band for its network; both loops must land in it.
ACCURACY_BAND = (0.95, 1.0)
FAST_TARGET = 0.998
FAST_CHECK_EVERY = 25
FAST_MAX_STEPS = 4000
TEACH_SEEDS = 20
TEACH_CAP = 100        # the WCAG and slipping visitors: stop counting after this many answers (keeps it cheap)
TEACH_SLIP = 0.1       # the slipping visitor answers wrongly this often
DIGITS_WITHIN = 0.005          # fontnet's digits network "reaches" scikit-learn's accuracy within half a point
DIGITS_CHECK_EVERY = 50
DIGITS_MAX_STEPS = 6000


def chapter_loop(X_train, Y_train, X_test, Y_test, iterations=100_000, L=0.05, seed=None):
    """The chapter's training loop, transcribed as the chapter writes it (shapes, lambdas and all).

    Note the chapter's dC_dW1 line: (1,3) @ (3,1) @ (1,3) gives one 1x3 row that NumPy broadcasts to
    every hidden node. fontnet's `Network.gradients` computes the per-node gradient instead.
    """
    np.random.seed(seed)
    n = X_train.shape[0]
    w_hidden = np.random.rand(3, 3)
    w_output = np.random.rand(1, 3)
    b_hidden = np.random.rand(3, 1)
    b_output = np.random.rand(1, 1)

    relu = lambda x: np.maximum(x, 0)  # noqa: E731
    logistic = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731

    def forward_prop(X):
        Z1 = w_hidden @ X + b_hidden
        A1 = relu(Z1)
        Z2 = w_output @ A1 + b_output
        A2 = logistic(Z2)
        return Z1, A1, Z2, A2

    d_relu = lambda x: x > 0  # noqa: E731
    d_logistic = lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2  # noqa: E731

    def backward_prop(Z1, A1, Z2, A2, X, Y):
        dC_dA2 = 2 * A2 - 2 * Y
        dA2_dZ2 = d_logistic(Z2)
        dZ2_dA1 = w_output
        dZ2_dW2 = A1
        dZ2_dB2 = 1
        dA1_dZ1 = d_relu(Z1)
        dZ1_dW1 = X
        dZ1_dB1 = 1

        dC_dW2 = dC_dA2 @ dA2_dZ2 @ dZ2_dW2.T
        dC_dB2 = dC_dA2 @ dA2_dZ2 * dZ2_dB2
        dC_dA1 = dC_dA2 @ dA2_dZ2 @ dZ2_dA1
        dC_dW1 = dC_dA1 @ dA1_dZ1 @ dZ1_dW1.T
        dC_dB1 = dC_dA1 @ dA1_dZ1 * dZ1_dB1
        return dC_dW1, dC_dB1, dC_dW2, dC_dB2

    for i in range(iterations):  # noqa: B007
        idx = np.random.choice(n, 1, replace=False)
        X_sample = X_train[idx].transpose()
        Y_sample = Y_train[idx]
        Z1, A1, Z2, A2 = forward_prop(X_sample)
        dW1, dB1, dW2, dB2 = backward_prop(Z1, A1, Z2, A2, X_sample, Y_sample)
        w_hidden -= L * dW1
        b_hidden -= L * dB1
        w_output -= L * dW2
        b_output -= L * dB2

    test_predictions = forward_prop(X_test.transpose())[3]
    test_comparisons = np.equal((test_predictions >= .5).flatten().astype(int), Y_test)
    accuracy = sum(test_comparisons.astype(int) / X_test.shape[0])

    def predict(X):
        return (forward_prop(X.T)[3] >= .5).ravel().astype(int)

    return accuracy, predict


def _timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def _steps_to_target(X_train, y_train, seed: int) -> tuple[int, float]:
    """Fewest fast-mode iterations (checked every 25) at which agreement with the formula reaches the target."""
    net = Network(mode="fast", random_state=seed)
    while True:
        net.partial_fit(X_train, y_train, FAST_CHECK_EVERY)
        agreement = formula_agreement(net.predict)
        if agreement >= FAST_TARGET or net.n_iter_ >= FAST_MAX_STEPS:
            return net.n_iter_, agreement


def _digits_steps_to(settings: digits.DigitsSettings, target: float) -> tuple[int, float]:
    """Fewest iterations (checked every 50) at which the digits network's test accuracy reaches `target`."""
    X_train, X_test, y_train, y_test = digits.split(settings.seed)
    net = settings.network()
    while True:
        net.partial_fit(X_train, y_train, DIGITS_CHECK_EVERY)
        accuracy = net.score(X_test, y_test)
        if accuracy >= target or net.n_iter_ >= DIGITS_MAX_STEPS:
            return net.n_iter_, accuracy


def run_digits(seeds=(0, 1, 2, 3, 4), progress=None) -> dict:
    """The digits network with the default settings against scikit-learn's MLPClassifier with the same layers,
    split and seed: test accuracy, fit times, and fontnet's time to come within half a point of the library."""
    say = progress or (lambda msg: None)
    digits.train(digits.DigitsSettings(iterations=5))  # load the data, the split and threadpoolctl once
    rows = []
    for seed in seeds:
        say(f"seed {seed}: digits, fontnet and scikit-learn")
        settings = digits.DigitsSettings(seed=seed)
        X_train, X_test, y_train, y_test = digits.split(seed)
        net, seconds = digits.train(settings)
        base = digits.sklearn_baseline(settings)
        steps, reached = _digits_steps_to(settings, base.accuracy - DIGITS_WITHIN)
        _, to_target = digits.train(digits.DigitsSettings(seed=seed, iterations=steps))
        rows.append(dict(seed=seed, test_accuracy=net.score(X_test, y_test), seconds=seconds,
                         sklearn_accuracy=base.accuracy, sklearn_seconds=base.seconds, steps_to_sklearn=steps,
                         accuracy_at_steps=reached, seconds_to_sklearn=to_target,
                         speedup=base.seconds / to_target))
    med = lambda key: statistics.median(r[key] for r in rows)  # noqa: E731
    return dict(
        digits_per_seed=rows, digits_settings=digits.DEFAULT.describe(seed=False),
        digits_test_accuracy=med("test_accuracy"), digits_min_test_accuracy=min(r["test_accuracy"] for r in rows),
        digits_seconds=med("seconds"), digits_sklearn_accuracy=med("sklearn_accuracy"),
        digits_sklearn_seconds=med("sklearn_seconds"), digits_steps_to_sklearn=med("steps_to_sklearn"),
        digits_seconds_to_sklearn=med("seconds_to_sklearn"), digits_vs_sklearn_speedup=med("speedup"),
    )


DATA_SETS = {"chapter": "the chapter's data", "generated": "the generated colours"}


def _dataset(name: str, seed: int) -> data.Dataset:
    """The chapter's rows (the same for every seed), or the generated colours drawn with the seed."""
    return data.generated_dataset(seed=seed) if name == "generated" else data.chapter_dataset()


def run(seeds=(0, 1, 2, 3, 4), iterations: int = 100_000, progress=None, dataset: str = "chapter") -> dict:
    """Measure everything over `seeds` on the chapter's data (each seed splits its rows and starts the weights),
    or on the generated colours, and return medians and ratios."""
    if dataset not in DATA_SETS:
        raise ValueError(f"dataset must be one of {', '.join(DATA_SETS)}, got {dataset!r}")
    say = progress or (lambda msg: None)
    warm = data.split(_dataset(dataset, 0), seed=0)
    use_compiled_loop()  # chapter mode is timed in the compiled loop, as the Train page runs it

    Network(mode="chapter", random_state=0, max_iter=10).fit(warm[0], warm[2])  # load compiled code once
    Network(mode="fast", random_state=0, max_iter=10).fit(warm[0], warm[2])
    rows = []
    for seed in seeds:
        X_train, X_test, y_train, y_test = data.split(_dataset(dataset, seed), seed=seed)
        say(f"seed {seed}: the chapter's loop ({iterations:,} iterations)")
        t_ref, (acc_ref, predict_ref) = _timed(chapter_loop, X_train, y_train, X_test, y_test, iterations, seed=seed)
        t_ch, net = _timed(Network(mode="chapter", max_iter=iterations, random_state=seed).fit, X_train, y_train)
        say(f"seed {seed}: scikit-learn MLPClassifier and fast mode")
        mlp = sklearn_mlp(random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_sk, _ = _timed(mlp.fit, X_train, y_train)
        steps, agreement = _steps_to_target(X_train, y_train, seed)
        t_fast, fast = _timed(Network(mode="fast", max_iter=steps, random_state=seed).fit, X_train, y_train)
        rows.append(dict(
            seed=seed, chapter_loop_s=t_ref, chapter_mode_s=t_ch,
            chapter_loop_accuracy=float(acc_ref), chapter_mode_accuracy=net.score(X_test, y_test),
            chapter_loop_agreement=formula_agreement(predict_ref), chapter_mode_agreement=formula_agreement(net.predict),
            sklearn_s=t_sk, sklearn_accuracy=test_accuracy(mlp.predict, X_test, y_test),
            sklearn_agreement=formula_agreement(mlp.predict),
            fast_steps=steps, fast_s=t_fast, fast_agreement=formula_agreement(fast.predict),
            fast_accuracy=fast.score(X_test, y_test),
        ))
    say("prediction timings")
    model = default_model()
    one = np.array([[255, 192, 203]])
    p_dark(model, one)
    times = []
    for _ in range(2000):
        t = time.perf_counter()
        p_dark(model, one)
        times.append(time.perf_counter() - t)
    million = data.uniform_colours(1_000_000, seed=7)
    t_million = statistics.median(_timed(p_dark, model, million)[0] for _ in range(5))

    med = lambda key: statistics.median(r[key] for r in rows)  # noqa: E731
    return dict(
        seeds=list(seeds), iterations=iterations, dataset=dataset, per_seed=rows,
        chapter_loop_s=med("chapter_loop_s"), chapter_mode_s=med("chapter_mode_s"),
        chapter_speedup=med("chapter_loop_s") / med("chapter_mode_s"),
        chapter_loop_accuracy=med("chapter_loop_accuracy"), chapter_mode_accuracy=med("chapter_mode_accuracy"),
        chapter_mode_min_accuracy=min(r["chapter_mode_accuracy"] for r in rows),
        chapter_loop_min_accuracy=min(r["chapter_loop_accuracy"] for r in rows),
        accuracy_band=list(ACCURACY_BAND),
        sklearn_s=med("sklearn_s"), sklearn_agreement=med("sklearn_agreement"),
        fast_s=med("fast_s"), fast_steps=med("fast_steps"),
        fast_vs_sklearn_speedup=med("sklearn_s") / med("fast_s"),
        fast_min_agreement=min(r["fast_agreement"] for r in rows),
        predict_one_us=statistics.median(times) * 1e6, predict_million_s=t_million,
        **run_digits(seeds, progress),
    )


def report(res: dict) -> str:
    """The benchmark as a Markdown table (what the README shows)."""
    lo, hi = res["accuracy_band"]
    lines = [
        f"Medians over seeds {res['seeds']} on {DATA_SETS[res.get('dataset', 'chapter')]} "
        f"({res['iterations']:,} iterations).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| the chapter's NumPy loop | {res['chapter_loop_s']:.2f} s, accuracy {res['chapter_loop_accuracy']:.3f} (min {res['chapter_loop_min_accuracy']:.3f}) | |",
        f"| fontnet chapter mode, same settings | {res['chapter_mode_s'] * 1000:.0f} ms, accuracy {res['chapter_mode_accuracy']:.3f} (min {res['chapter_mode_min_accuracy']:.3f}) | band {lo}-{hi} |",
        f"| `chapter_speedup` | {res['chapter_speedup']:.0f}x | >= 20x |",
        f"| scikit-learn MLPClassifier (chapter settings) | {res['sklearn_s'] * 1000:.0f} ms, agreement {res['sklearn_agreement']:.4f} | |",
        f"| fontnet fast mode to 99.8% agreement | {res['fast_s'] * 1000:.0f} ms ({res['fast_steps']:.0f} full-batch Adam steps) | |",
        f"| `fast_vs_sklearn_speedup` | {res['fast_vs_sklearn_speedup']:.1f}x | >= 10x |",
        f"| `fast_min_agreement` (all seeds) | {res['fast_min_agreement']:.4f} | >= 0.998 |",
        f"| `predict_one_us` (one colour, `p_dark`) | {res['predict_one_us']:.1f} µs | <= 50 µs |",
        f"| `predict_million_s` (1,000,000 colours) | {res['predict_million_s']:.3f} s | <= 0.5 s |",
        f"| `digits_test_accuracy` ({res['digits_settings']}) | {res['digits_test_accuracy']:.4f} "
        f"(min {res['digits_min_test_accuracy']:.4f}) in {res['digits_seconds'] * 1000:.0f} ms | >= 0.97 |",
        f"| scikit-learn MLPClassifier, same layers | {res['digits_sklearn_accuracy']:.4f} in "
        f"{res['digits_sklearn_seconds'] * 1000:.0f} ms | |",
        f"| `digits_vs_sklearn_speedup` (to within 0.5 point: {res['digits_steps_to_sklearn']:.0f} iterations, "
        f"{res['digits_seconds_to_sklearn'] * 1000:.0f} ms) | {res['digits_vs_sklearn_speedup']:.1f}x | >= 3x |",
    ]
    return "\n".join(lines)


def run_teach(seeds=tuple(range(TEACH_SEEDS)), progress=None) -> dict:
    """The Teach page's numbers: answers a simulated visitor needs until the network agrees with them on
    >= 95% of the 20,000 yardstick colours (medians over `seeds`), and the time of one retraining."""
    say = progress or (lambda msg: None)
    timings: list[float] = []
    counts: dict[str, list[int]] = {}
    slips = lambda s: teach.noisy_visitor(teach.formula_visitor, TEACH_SLIP, np.random.default_rng(1000 + s))  # noqa: E731
    runs = {
        "active": lambda s: teach.answers_needed(teach.formula_visitor, "active", s, timings=timings),
        "random": lambda s: teach.answers_needed(teach.formula_visitor, "random", s, timings=timings),
        "wcag": lambda s: teach.answers_needed(teach.wcag_visitor, "active", s, max_answers=TEACH_CAP),
        "slips": lambda s: teach.answers_needed(slips(s), "active", s, truth=teach.formula_visitor,
                                                max_answers=TEACH_CAP),
    }
    for name, fn in runs.items():
        say(f"teach: a simulated visitor, {name} ({len(seeds)} seeds)")
        counts[name] = [fn(s) for s in seeds]
    full = teach.yardstick()[0][:teach.MAX_ANSWERS]
    answers = [teach.Answer(tuple(c), int(teach.formula_visitor(np.array([c]))[0])) for c in full.tolist()]
    t200 = statistics.median(_timed(teach.train, answers)[0] for _ in range(10))
    med = lambda key: statistics.median(counts[key])  # noqa: E731
    return dict(
        teach_seeds=list(seeds), teach_per_seed=counts, teach_target=teach.TARGET_AGREEMENT, teach_cap=TEACH_CAP,
        teach_labels_active=med("active"), teach_labels_random=med("random"),
        teach_labels_wcag=med("wcag"), teach_labels_slips=med("slips"),
        teach_reached_wcag=sum(c <= TEACH_CAP for c in counts["wcag"]),
        teach_reached_slips=sum(c <= TEACH_CAP for c in counts["slips"]),
        teach_retrain_ms=statistics.median(timings) * 1000, teach_retrain_200_ms=t200 * 1000,
        teach_retrains=len(timings),
    )


def _answers(res: dict, key: str) -> str:
    value = res[f"teach_labels_{key}"]
    return f"more than {res['teach_cap']}" if value > res["teach_cap"] and key in ("wcag", "slips") else f"{value:g}"


def teach_report(res: dict) -> str:
    """The Teach numbers as a Markdown table."""
    n = len(res["teach_seeds"])
    return "\n".join([
        f"Teach: answers until the network agrees with a simulated visitor on >= {res['teach_target']:.0%} of "
        f"20,000 random colours (medians over {n} seeds).",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| `teach_labels_active` (formula visitor, the network picks the colour) | {_answers(res, 'active')} | <= 20, fewer than random |",
        f"| `teach_labels_random` (formula visitor, uniformly random colours) | {_answers(res, 'random')} | |",
        f"| WCAG visitor, the network picks | {_answers(res, 'wcag')} (reached in {res['teach_reached_wcag']} of {n} within {res['teach_cap']}) | |",
        f"| formula visitor who answers wrongly {TEACH_SLIP:.0%} of the time, measured against the formula | {_answers(res, 'slips')} (reached in {res['teach_reached_slips']} of {n} within {res['teach_cap']}) | |",
        f"| `teach_retrain_ms` (one retraining, median of the {res['teach_retrains']:,} above) | {res['teach_retrain_ms']:.1f} ms | <= 200 ms |",
        f"| retraining on {teach.MAX_ANSWERS} answers (median of 10) | {res['teach_retrain_200_ms']:.1f} ms | <= 200 ms |",
    ])
