"""The command line: `python -m fontnet train | predict | digits | backprop | bench | prepare`.

Every bad input exits with status 2 and one line naming the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import errno
import io
import json
import os
import sys
import time

from . import backprop, bench, colors, data, settings
from . import digits as digits_data
from .model import decide, default_model, formula_agreement, p_dark, wants_dark
from .network import (
    MODES,
    DivergenceError,
    ModelFileError,
    Network,
    NetworkError,
    use_compiled_loop,
)
from .parsing import counted, duration_text


class UsageError(Exception):
    """Bad command-line input; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(message)


# The command line's own settings, read by the same kinds as every page's (fontnet.settings).
_positive_int = settings.cli_type(settings.Whole(1), "positive_int")
_positive_float = settings.cli_type(settings.Number(0, above_lo=True), "positive_float")
_hidden = settings.cli_type(settings.LayerWidths(layers=8, lo=1, hi=1024), "hidden")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m fontnet", description="Dark or light text on a background colour: the chapter's neural network.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a network and report test accuracy and agreement with the formula")
    t.add_argument("--mode", choices=list(MODES), default="chapter")
    t.add_argument("--iterations", type=_positive_int, help="updates to run (default: the mode's)")
    t.add_argument("--lr", type=_positive_float, help="learning rate (default: the mode's)")
    t.add_argument("--hidden", type=_hidden, default=(3,), help="hidden layer widths, e.g. 3 or 8,4")
    settings.TRAIN.add_argument(t, "activation")
    settings.TRAIN.add_argument(t, "seed")
    t.add_argument("--data", metavar="DATA", default="chapter",
                   help="training data: 'chapter' (the chapter's CSV, the default), 'generated' (CSS names, a grey "
                        "ramp and random colours drawn with --seed) or a CSV file")
    t.add_argument("--save", metavar="model.json", help="write the trained model as JSON")
    t.add_argument("--json", action="store_true", help="print one JSON object")

    q = sub.add_parser("predict", help="P(dark text) for colours")
    q.add_argument("colours", nargs="*", metavar="COLOUR", help="#ffc0cb, ffc0cb, 255,192,203 or a CSS name (pink)")
    q.add_argument("--csv", metavar="FILE", help="read colours from a CSV with columns red,green,blue")
    q.add_argument("--model", metavar="model.json", help="a saved model (default: the project's default model)")
    q.add_argument("--json", action="store_true")

    d = sub.add_parser("digits", help="train the digits network (Figure 7-8) and compare scikit-learn's MLPClassifier")
    settings.DIGITS.add_arguments(d)
    d.add_argument("--save", metavar="model.json", help="write the trained model as JSON")
    d.add_argument("--json", action="store_true", help="print one JSON object")

    g = sub.add_parser("backprop", help="one step of learning on one colour: every chain-rule term, the chapter's "
                                        "printed update, and the cost before and after")
    g.add_argument("colour", metavar="COLOUR", nargs="+", help="#ffc0cb, ffc0cb, 255,192,203 or a CSS name (pink)")
    settings.BACKPROP.add_argument(g, "label", help="the target: formula (the default), dark or light")
    settings.BACKPROP.add_argument(g, "seed", default=None, help="fresh weights, uniform in [0, 1) from this seed "
                                                                 "(default: the default model)")
    g.add_argument("--model", metavar="model.json", help="a saved 3-3-1 model instead of the default model")
    settings.BACKPROP.add_argument(g, "act", "--activation", dest="activation", default=None,
                                   help="hidden activation (default: the model's)")
    settings.BACKPROP.add_argument(g, "loss")
    settings.BACKPROP.add_argument(g, "lr", help="learning rate of the step (default 0.05)")
    g.add_argument("--json", action="store_true", help="print one JSON object")

    b = sub.add_parser("bench", help="measure speed and accuracy against the chapter's loop and scikit-learn")
    b.add_argument("--seeds", type=_positive_int, default=5, help="number of seeds (default 5)")
    b.add_argument("--iterations", type=_positive_int, default=100_000)
    b.add_argument("--data", choices=list(bench.DATA_SETS), default="chapter",
                   help="the chapter's rows (default) or the generated colours, drawn with each seed")
    b.add_argument("--teach-seeds", type=_positive_int, default=bench.TEACH_SEEDS,
                   help=f"seeds for the Teach page's simulated visitors (default {bench.TEACH_SEEDS})")
    b.add_argument("--fast-seeds", type=_positive_int, default=bench.FAST_SEEDS,
                   help=f"seeds for fast mode against scikit-learn at equal quality (default {bench.FAST_SEEDS})")
    b.add_argument("--only", choices=["engine", "fast", "teach"], help="run one part (default: all three)")
    b.add_argument("--json", action="store_true")

    sub.add_parser("prepare", help="a setup step before serving: keep the default model's file, compile the "
                                   "training loop and measure the Backprop page's comparison, so no visitor waits")
    return p


def _read_bytes(path: str) -> bytes:
    """A file's bytes, at most data.MAX_BYTES; UsageError names a file that cannot be read or is too large."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(data.MAX_BYTES + 1)
    except OSError as e:
        raise UsageError(f"cannot read {path!r}: {e.strerror}") from None
    if len(raw) > data.MAX_BYTES:
        raise UsageError(f"{path!r} is larger than {data.MAX_BYTES // 1_000_000} MB")
    return raw


def _training_data(name: str, seed: int) -> data.Dataset:
    """--data: the chapter's rows, the generated colours (drawn with the seed) or a CSV file by its path."""
    if name == "chapter":
        return data.chapter_dataset()
    if name == "generated":
        return data.generated_dataset(seed=seed)
    return data.read_csv(_read_bytes(name), name)


def _check_save(path: str | None) -> None:
    """Before any training: a --save path that plainly cannot be written is a usage error now, not after the run
    (a directory, or a folder that does not exist or cannot be written to). `_save` still reports anything else."""
    if not path:
        return
    folder = os.path.dirname(os.path.abspath(path))
    problem = (errno.EISDIR if os.path.isdir(path) else errno.ENOENT if not os.path.isdir(folder)
               else errno.EACCES if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK))
               else None)
    if problem is not None:
        raise UsageError(f"cannot write {path!r}: {os.strerror(problem)}")


def _save(net: Network, path: str) -> str:
    """Write the model file for --save; a path that cannot be written is a usage error (one line, exit 2)."""
    try:
        net.save(path)
    except OSError as e:
        raise UsageError(f"cannot write {path!r}: {e.strerror}") from None
    return path


def cmd_train(a, out) -> None:
    _check_save(a.save)
    from .training import diagnose  # here: the live-run package is not needed by the other commands

    ds = _training_data(a.data, a.seed)
    X_train, X_test, y_train, y_test = data.split(ds, seed=a.seed)
    net = Network(a.hidden, a.activation, mode=a.mode, learning_rate=a.lr, max_iter=a.iterations, random_state=a.seed)
    warm = Network(a.hidden, a.activation, mode=a.mode, max_iter=1, random_state=a.seed)
    warm.fit(X_train, y_train)  # load the compiled training loop so `seconds` times training alone
    t = time.perf_counter()
    net.fit(X_train, y_train)
    seconds = time.perf_counter() - t
    res = dict(mode=a.mode, iterations=net.n_iter_, hidden=list(a.hidden), activation=a.activation, seed=a.seed,
               data=ds.name, rows=len(ds), test_accuracy=net.score(X_test, y_test),
               formula_agreement=formula_agreement(net.predict), seconds=seconds,
               warnings=diagnose(net, X_train, where="cli"))
    if a.save:
        res["saved"] = _save(net, a.save)
    if a.json:
        print(json.dumps(res), file=out)
    else:
        print(f"trained {a.mode} mode, {counted(net.n_iter_, 'iteration')} on {ds.name} in {duration_text(seconds)}",
              file=out)
        print(f"test accuracy:      {res['test_accuracy']:.4f}  ({len(y_test)} held-out rows)", file=out)
        print(f"formula agreement:  {res['formula_agreement']:.4f}  (100,000 random colours)", file=out)
        for w in res["warnings"]:
            print(f"warning: {w}", file=out)
        if a.save:
            print(f"saved to {a.save}", file=out)


def _load_model(path: str | None) -> Network:
    model = Network.load(path) if path else default_model()
    if model.weights_[0].shape[1] != 3 or len(model.classes_) != 2:
        raise ModelFileError(f"model {path!r} does not take 3 colour inputs and give P(dark text)")
    return model


def _read_colours(words: list[str]) -> list:
    """Each word a colour. Whole numbers of up to three digits, three at a time ('255 255 255'), are red, green
    and blue written with spaces, not colours of their own ('255' alone reads as #255, teal): the shell split
    them, so they are refused with the way to write them (commas, or a # for hex)."""
    if len(words) % 3 == 0 and all(w.strip().isdigit() and len(w.strip()) <= 3 for w in words):
        triples = " ".join(",".join(w.strip() for w in words[i:i + 3]) for i in range(0, len(words), 3))
        raise colors.ColourError(f"{' '.join(words)!r} reads as red, green and blue: join them with commas "
                                 f"({triples}), or write hex colours with a # (#{words[0].strip()})")
    rgbs = [colors.parse_colour(c) for c in words]
    for word, rgb in zip(words, rgbs):   # '255' alone is the hex colour #255, as in CSS: say so, in case a number was meant
        if (w := word.strip()).isdigit() and len(w) == 3:
            print(f"note: {w!r} reads as the hex colour #{w} ({colors.to_hex(rgb)}); red, green and blue are "
                  f"written with commas, as {w},{w},{w}", file=sys.stderr)
    return rgbs


def cmd_predict(a, out) -> None:
    if a.csv and a.colours:
        raise UsageError("give colours or --csv FILE, not both")
    if not a.csv and not a.colours:
        raise UsageError("give at least one COLOUR (#ffc0cb, ffc0cb, 255,192,203 or a CSS name) or --csv FILE")
    rgbs = data.read_rows(_read_bytes(a.csv), want_label=False)[0] if a.csv else _read_colours(a.colours)
    model = _load_model(a.model)
    if a.csv:
        p = p_dark(model, rgbs)
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["red", "green", "blue", "p_dark", "text"])
        for (r, g, b), pd in zip(rgbs.tolist(), p):
            w.writerow([r, g, b, f"{pd:.6f}", "dark" if wants_dark(pd) else "light"])
        return
    results = []
    for rgb in rgbs:
        d = decide(model, rgb)
        results.append(dict(colour=colors.to_hex(rgb), rgb=list(rgb), p_dark=d.p_dark, text=d.shade,
                            contrast_dark=round(d.contrast_dark, 3), contrast_light=round(d.contrast_light, 3),
                            wcag_prefers="dark" if d.wcag_dark else "light", formula="dark" if d.formula_dark else "light"))
    if a.json:
        print(json.dumps(results if len(results) > 1 else results[0]), file=out)
        return
    for r in results:
        print(f"{r['colour']}  P(dark text) = {r['p_dark']:.4f}  -> {r['text']} text   "
              f"contrast dark {r['contrast_dark']:.2f}:1, light {r['contrast_light']:.2f}:1 "
              f"(WCAG prefers {r['wcag_prefers']})", file=out)


def cmd_digits(a, out) -> None:
    _check_save(a.save)
    settings = digits_data.DigitsSettings(a.hidden, a.activation, a.lr, a.iterations, a.seed)
    digits_data.train(digits_data.DigitsSettings(a.hidden, a.activation, a.lr, 2, a.seed))  # load what training needs
    net, seconds = digits_data.train(settings)
    _, X_test, _, y_test = digits_data.split(a.seed)
    res = dict(settings=settings.describe(), hidden=list(a.hidden), activation=a.activation, lr=a.lr,
               iterations=net.n_iter_, seed=a.seed, test_images=len(y_test),
               test_accuracy=net.score(X_test, y_test), seconds=seconds)
    try:
        base = digits_data.sklearn_baseline(settings)
        res.update(sklearn_accuracy=base.accuracy, sklearn_seconds=base.seconds)
    except ValueError as e:  # an activation scikit-learn lacks
        res.update(sklearn_accuracy=None, sklearn_seconds=None, sklearn_note=str(e))
    if a.save:
        res["saved"] = _save(net, a.save)
    if a.json:
        print(json.dumps(res), file=out)
        return
    print(f"trained {settings.describe()} in {duration_text(seconds)}", file=out)
    print(f"test accuracy:             {res['test_accuracy']:.4f}  ({len(y_test)} held-out images)", file=out)
    if res["sklearn_accuracy"] is None:
        print(f"scikit-learn: {res['sklearn_note']}", file=out)
    else:
        print(f"scikit-learn MLPClassifier: {res['sklearn_accuracy']:.4f} in {duration_text(res['sklearn_seconds'])} "
              "(same layers, split and seed)", file=out)
    if a.save:
        print(f"saved to {a.save}", file=out)


def _matrix(M) -> str:
    return "[" + "; ".join(" ".join(f"{v: .6g}" for v in row) for row in M) + "]"


def cmd_backprop(a, out) -> None:
    if a.seed is not None and a.model:
        raise UsageError("give --seed (fresh weights) or --model FILE, not both")
    rgbs = _read_colours(a.colour)
    if len(rgbs) != 1:
        raise UsageError(f"give one COLOUR, got {len(rgbs)}: {' '.join(a.colour)!r}")
    rgb = rgbs[0]
    net = (backprop.fresh_network(a.seed) if a.seed is not None
           else _load_model(a.model) if a.model else default_model())
    try:
        bp = backprop.explain(net, rgb, a.label, activation=a.activation, loss=a.loss)
    except backprop.BackpropError as e:
        raise UsageError(str(e)) from None
    res = backprop.summary(bp, a.lr)
    if a.json:
        print(json.dumps(res), file=out)
        return
    say = lambda *parts: print(*parts, file=out)  # noqa: E731
    say(f"{res['colour']} labelled {res['label']} (Y = {bp.label}); {res['activation']} hidden nodes, "
        f"{backprop.LOSS_NAMES[res['loss']]}")
    for t in bp.forward:
        say(f"{t.name:8} = {t.formula:36} {str(t.shape):7} {_matrix(t.value)}")
    say(f"cost C   = {res['cost']:.6g}")
    for t in (*bp.factors, *bp.products):
        say(f"{t.name:8} = {t.formula:36} {str(t.shape):7} {_matrix(t.value)}")
    say("as printed in the chapter (one row for every hidden node):")
    for t in bp.printed[2:]:
        say(f"  {t.name:18} {_matrix(t.value)}")
    if res["cost_after"] is None:
        say(res["problem"])
    else:
        say(f"one step with learning rate {a.lr:g}: cost {res['cost']:.6g} -> {res['cost_after']:.6g}")


def cmd_bench(a, out) -> None:
    progress = None if a.json else lambda m: print(m, file=sys.stderr, flush=True)
    res, parts = {}, []
    if a.only in (None, "engine"):
        res.update(bench.run(seeds=tuple(range(a.seeds)), iterations=a.iterations, dataset=a.data,
                             progress=progress))
        parts.append(bench.report(res))
    if a.only in (None, "fast"):
        res.update(bench.run_fast(seeds=tuple(range(a.fast_seeds)), progress=progress, dataset=a.data))
        parts.append(bench.fast_report(res))
    if a.only in (None, "teach"):
        res.update(bench.run_teach(seeds=tuple(range(a.teach_seeds)), progress=progress))
        parts.append(bench.teach_report(res))
    print(json.dumps(res) if a.json else "\n\n".join(parts), file=out)


def cmd_prepare(a, out) -> None:
    t = time.perf_counter()
    model = default_model()
    use_compiled_loop()  # the runs below compile the loop (or read it from Numba's cache)

    X_train, _, y_train, _ = data.split(data.chapter_dataset())
    for mode in MODES:
        Network((3,), mode=mode, max_iter=2, random_state=0).fit(X_train, y_train)
    from .printed_update import cached_comparison
    from .training import warm_up  # every kind of run the Train page makes

    warm_up()
    print(f"default model ready ({model.n_iter_:,} iterations) and training loop compiled "
          f"in {duration_text(time.perf_counter() - t)}", file=out)
    t = time.perf_counter()
    cached_comparison()
    print("the Backprop page's printed-vs-per-node comparison measured and kept in "
          f"{duration_text(time.perf_counter() - t)}", file=out)


def main(argv=None, out=None) -> int:
    if out is None and hasattr(sys.stdout, "reconfigure"):
        # a terminal that cannot show a character (−, ≤, an en dash) gets it as \u2212, not a traceback; the
        # errors already go out this way (Python's stderr)
        sys.stdout.reconfigure(errors="backslashreplace")
    out = out or sys.stdout
    try:
        a = build_parser().parse_args(argv)
        commands = {"train": cmd_train, "predict": cmd_predict, "digits": cmd_digits, "backprop": cmd_backprop,
                    "bench": cmd_bench, "prepare": cmd_prepare}
        commands[a.command](a, out)
    except (UsageError, colors.ColourError, data.DataError, ModelFileError, NetworkError, DivergenceError,
            digits_data.SettingsError) as e:
        print(f"fontnet: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def run_captured(argv) -> tuple[int, str]:
    """Run the CLI in-process and return (exit status, stdout) — for tests."""
    buf = io.StringIO()
    return main(argv, buf), buf.getvalue()
