"""A run as a script: one self-contained Python file that reproduces it with NumPy alone.

`train_script(run)` writes the Train page's run as the chapter's listing with this run's settings, seed, data and
(for "same start") first weights, and one change: each hidden node gets its own gradient. It trains as many
updates as the run has made and prints the test accuracy and the final weights; its last line is JSON with
`test_accuracy` and `weights` (W1, B1, W2, B2, ... as lists).

Which numbers match the page's:
- per-sample runs (the chapter's mode, any activation, loss and depth): the script's loop does the app's
  arithmetic in the app's order (its sums input by input, math's exp and tanh), so its weights equal the page's
  bit for bit; the compiled loop the page uses gives the plain loop's numbers exactly (tests/test_plain.py);
- mini-batch and full-batch runs: the script uses matrix products, which add in another order than the compiled
  loop, so the weights agree to a tolerance (measured in `python -m bench learning`), not bit for bit.
The test accuracy is scored as the page scores it (the same matrix products), so it is the page's.

`teach_script(answers)` writes the Teach page's network: the answers embedded, the same full-batch Adam with its
L2 penalty in the same NumPy operations, so the same weights and agreement with the formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import Template

import numpy as np

from . import colors, data, teach
from .parsing import counted
from .training import TrainingRun

# ---- the activations: for one number (the per-sample loop, as the app's compiled loop computes them) and for
# arrays (batches, and scoring, as fontnet.activations computes them) ---------------------------------------------
_SCALAR = {
    "relu": "def f(z):\n    return z if z > 0 else 0.0\n\n\ndef f_prime(z):\n    return 1.0 if z > 0 else 0.0\n",
    "leaky_relu": "def f(z):\n    return z if z > 0 else 0.01 * z\n\n\ndef f_prime(z):\n    return 1.0 if z > 0 else 0.01\n",
    "tanh": "def f(z):\n    return math.tanh(z)\n\n\ndef f_prime(z):\n    t = math.tanh(z)\n    return 1.0 - t * t\n",
    "logistic": "def f(z):\n    return logistic(z)\n\n\ndef f_prime(z):\n    s = logistic(z)\n    return s * (1.0 - s)\n",
    "linear": "def f(z):\n    return z\n\n\ndef f_prime(z):\n    return 1.0\n",
}
_ARRAY = {
    "relu": "def f_array(Z):\n    return np.maximum(Z, 0.0)\n\n\ndef f_prime_array(Z):\n    return (Z > 0).astype(float)\n",
    "leaky_relu": "def f_array(Z):\n    return np.where(Z > 0, Z, 0.01 * Z)\n\n\n"
                  "def f_prime_array(Z):\n    return np.where(Z > 0, 1.0, 0.01)\n",
    "tanh": "def f_array(Z):\n    return np.tanh(Z)\n\n\ndef f_prime_array(Z):\n    T = np.tanh(Z)\n    return 1.0 - T * T\n",
    "logistic": "def f_array(Z):\n    return logistic_array(Z)\n\n\n"
                "def f_prime_array(Z):\n    S = logistic_array(Z)\n    return S * (1.0 - S)\n",
    "linear": "def f_array(Z):\n    return Z * 1.0\n\n\ndef f_prime_array(Z):\n    return np.ones_like(Z)\n",
}

_HEAD = Template('''#!/usr/bin/env python3
"""$title

$describe.

The chapter's listing (a network that learns whether dark or light text reads better on a background colour)
with every setting, the seed and the data of this run written in, and one change: each hidden node gets its own
gradient. The listing's dC_dA1 @ dA1_dZ1 is a (1,3) @ (3,1) product, one number, so there every hidden node
would move by the same row.

Needs only NumPy. Run: python $file_name. It prints the test accuracy and the final weights; its last line is
JSON: {"test_accuracy": ..., "weights": {"W1": [[...]], "B1": [...], ...}}.
$match
"""

import io
import json
import math

import numpy as np

# ---- this run's settings ----------------------------------------------------------------------------------------
L = $lr                      # learning rate
ITERATIONS = $iterations               # updates (as many as the run has made)
HIDDEN = $hidden                  # nodes per hidden layer
ACTIVATION = "$activation"           # the hidden nodes' activation
LOSS = "$loss"             # squared: (A2 - Y)^2 as in the chapter; or cross_entropy
BATCH = $batch                     # rows per update: 1 is the chapter's; None is every training row
INIT = "$init"              # the first weights: uniform [0, 1) as in the chapter, he or xavier
SEED = $seed                       # draws the split, the first weights and the rows of each update
TEST_SHARE = $test              # held out for testing
START = $start                    # None, or first weights to start from (another run's): W1, B1, W2, B2, ... flat
EXPLODED = 1e8                # a weight beyond this, or a cost that is not a number, stops training

# ---- the data: $data_words ----
$data_code
# ---- the split: a seeded shuffle, a share held out --------------------------------------------------------------
X_all = RGB / 255.0
n_test = int(np.ceil(len(LABELS) * TEST_SHARE))
order = np.random.default_rng(SEED).permutation(len(LABELS))
X_test, Y_test = X_all[order[:n_test]], LABELS[order[:n_test]]
X_train, Y_train = X_all[order[n_test:]], LABELS[order[n_test:]].astype(float)
n = len(X_train)

# ---- the first weights and biases, layer by layer, W (n_out, n_in) and B (n_out, 1) -----------------------------
rng = np.random.default_rng(SEED)
sizes = [3, *HIDDEN, 1]
weights, biases = [], []
for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
    if INIT == "uniform":          # the chapter's np.random.rand
        W, B = rng.random((n_out, n_in)), rng.random((n_out, 1))
    elif INIT == "he":             # and a small positive bias that keeps ReLUs on
        W = rng.normal(0, math.sqrt(2 / n_in), (n_out, n_in))
        B = np.full((n_out, 1), 0.1 if l < len(sizes) - 2 else 0.0)
    else:                          # xavier
        lim = math.sqrt(6 / (n_in + n_out))
        W, B = rng.uniform(-lim, lim, (n_out, n_in)), np.zeros((n_out, 1))
    weights.append(W)
    biases.append(B)
if START is not None:              # the same start as another run: its first weights (the seed still draws the rest)
    values, k = np.array(START, dtype=float), 0
    for W, B in zip(weights, biases):
        for P in (W, B):
            P[...] = values[k:k + P.size].reshape(P.shape)
            k += P.size


# ---- activation functions ---------------------------------------------------------------------------------------
def logistic(z):
    """The output's activation, for one number: the two forms never overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def logistic_array(Z):
    e = np.exp(-np.abs(Z))
    p = 1.0 / (1.0 + e)
    return np.where(Z >= 0, p, e * p)


$scalar

$array

def update(dWs, dBs):
    """W <- W - L dC/dW and B <- B - L dC/dB for every layer; False once a weight has grown past EXPLODED."""
    for W, B, dW, dB in zip(weights, biases, dWs, dBs):
        W -= L * dW
        B -= L * dB
    return all(np.abs(P).max() < EXPLODED for P in (*weights, *biases))
''')

_PER_SAMPLE = '''
# ---- forward and backward, one colour at a time ----------------------------------------------------------------
def forward_prop(x):
    """One colour x (3,) through the network: Z = W @ A + B and A = f(Z) for each layer, A2 = logistic(Z2). The sums
    run input by input, in the order the app adds them, so every number is the app's to the last bit (a matrix
    product may add in another order)."""
    Zs, As = [], [x]
    for l, (W, B) in enumerate(zip(weights, biases)):
        Z = B[:, 0].copy()
        for m in range(W.shape[1]):
            Z += W[:, m] * As[-1][m]
        Zs.append(Z)
        last = l == len(weights) - 1
        As.append(np.array([logistic(Z[0])]) if last else np.array([f(z) for z in Z]))
    return Zs, As


def backward_prop(Zs, As, y):
    """The chain rule, node by node: dC/dZ2 = dC/dA2 * dA2/dZ2; then, layer by layer, dC/dW = dC/dZ A_prev (an
    outer product), dC/dB = dC/dZ, and dC/dZ_prev = (W.T @ dC/dZ) * f'(Z_prev): each hidden node its own slope."""
    A2 = As[-1][0]
    if LOSS == "squared":
        dC_dA2 = 2.0 * (A2 - y)                          # C = (A2 - Y)^2
        dC_dZ = np.array([dC_dA2 * A2 * (1.0 - A2)])     # dA2/dZ2 = A2 (1 - A2)
    else:
        dC_dZ = np.array([A2 - y])                       # cross-entropy's dC/dZ2
    dWs, dBs = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        dWs[l] = np.outer(dC_dZ, As[l])                  # dZ/dW = A_prev
        dBs[l] = dC_dZ[:, None].copy()                   # dZ/dB = 1
        if l > 0:
            dC_dA = np.zeros(weights[l].shape[1])
            for i in range(weights[l].shape[0]):         # dZ/dA_prev = W, added node by node
                dC_dA += weights[l][i] * dC_dZ[i]
            dC_dZ = dC_dA * np.array([f_prime(z) for z in Zs[l - 1]])   # dA/dZ = f'(Z)
    return dWs, dBs


def cost(Z2, A2, y):
    """One colour's cost: (A2 - Y)^2, or cross-entropy from Z2 (log(1 + e^z) written so it cannot overflow)."""
    if LOSS == "squared":
        return (A2 - y) * (A2 - y)
    return y * softplus(-Z2) + (1 - y) * softplus(Z2)


def softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


# ---- gradient descent: one random training row per update, as in the chapter ------------------------------------
rows = (rng.random((ITERATIONS, 1)) * n).astype(np.int64)[:, 0]
stopped = None
for i in range(ITERATIONS):
    x, y = X_train[rows[i]], Y_train[rows[i]]
    Zs, As = forward_prop(x)
    if not math.isfinite(cost(Zs[-1][0], As[-1][0], y)):
        stopped = i
        break
    if not update(*backward_prop(Zs, As, y)):
        stopped = i
        break
'''

_BATCHES = '''
# ---- gradient descent on batches of rows, with matrix products (one row per sample) -----------------------------
if BATCH is None or BATCH >= n:
    rows = None                                          # every row, every update
else:
    rows = (rng.random((ITERATIONS, BATCH)) * n).astype(np.int64)
stopped = None
for i in range(ITERATIONS):
    Xb, Yb = (X_train, Y_train[:, None]) if rows is None else (X_train[rows[i]], Y_train[rows[i]][:, None])
    Zs, As = [], [Xb]
    for W, B in zip(weights[:-1], biases[:-1]):
        Zs.append(As[-1] @ W.T + B.T)                    # Z = A_prev @ W.T + B.T
        As.append(f_array(Zs[-1]))
    Z2 = As[-1] @ weights[-1].T + biases[-1].T
    A2 = logistic_array(Z2)
    if LOSS == "squared":
        C = np.sum((A2 - Yb) ** 2) / len(Xb)
        dC_dZ = 2 * (A2 - Yb) * A2 * (1 - A2)            # dC/dA2 * dA2/dZ2
    else:
        C = np.sum(Yb * np.logaddexp(0, -Z2) + (1 - Yb) * np.logaddexp(0, Z2)) / len(Xb)
        dC_dZ = A2 - Yb
    if not math.isfinite(C):
        stopped = i
        break
    dWs, dBs = [None] * len(weights), [None] * len(weights)
    for l in range(len(weights) - 1, -1, -1):
        dWs[l], dBs[l] = dC_dZ.T @ As[l] / len(Xb), dC_dZ.sum(axis=0)[:, None] / len(Xb)
        if l > 0:
            dC_dZ = (dC_dZ @ weights[l]) * f_prime_array(Zs[l - 1])   # each hidden node its own slope
    if not update(dWs, dBs):
        stopped = i
        break
'''

_TAIL = '''

# ---- how well it does: scored as the app scores, with matrix products over the held-out colours -----------------
def p_dark(X):
    A = X.T
    for W, B in zip(weights[:-1], biases[:-1]):
        A = f_array(W @ A + B)
    return logistic_array(weights[-1] @ A + biases[-1])[0]


if stopped is not None:
    print(f"training stopped at update {stopped + 1:,}: a weight or the cost stopped being a finite number")
test_accuracy = float(np.mean((p_dark(X_test) >= 0.5).astype(int) == Y_test))
print(f"test accuracy {test_accuracy:.4f} ({len(Y_test)} held-out colours), after {ITERATIONS:,} "
      f"update{'' if ITERATIONS == 1 else 's'}")
result = {}
for l, (W, B) in enumerate(zip(weights, biases), start=1):
    print(f"W{l} =", np.array2string(W, precision=4), f"\\nB{l} =", np.array2string(B[:, 0], precision=4))
    result[f"W{l}"], result[f"B{l}"] = W.tolist(), B[:, 0].tolist()
print(json.dumps({"test_accuracy": test_accuracy, "weights": result}))
'''

CHAPTER_WORDS = "the chapter's CSV (1,345 rows, 661 colours), as shipped with FontNet"


def _csv_code(text: str) -> str:
    rows = text.strip("\n")
    return (f'CSV = """\\\n{rows}\n"""\n'
            'values = np.loadtxt(io.StringIO(CSV), delimiter=",", skiprows=1, dtype=np.int64).reshape(-1, 4)\n'
            'RGB, LABELS = values[:, :3], values[:, 3]\n')


_FORMULA = ("# labelled by the chapter's formula: dark text (1) exactly when (0.299 R + 0.587 G + 0.114 B) / 255 > 0.5\n"
            "LABELS = (RGB.astype(float) @ np.array([0.299, 0.587, 0.114]) / 255.0 > 0.5).astype(np.int64)\n")


def data_code(run: TrainingRun) -> tuple[str, str]:
    """(the code that makes RGB and LABELS, the words for it): generated and random colours from their seed, the
    chapter's and uploaded data embedded as CSV."""
    s = run.settings
    if s.data == "random":
        return (f"N = {s.n}\nRGB = np.random.default_rng(SEED).integers(0, 256, size=(N, 3))\n{_FORMULA}",
                f"{s.n:,} uniform random colours drawn from the seed")
    if s.data == "generated":
        fixed = np.vstack([np.array(list(colors.NAMED_COLOURS.values())), data.grey_ramp()])[:data.CHAPTER_ROWS]
        listed = ",\n    ".join(", ".join(f"[{r}, {g}, {b}]" for r, g, b in fixed[k:k + 6].tolist())
                               for k in range(0, len(fixed), 6))
        return (f"FIXED = np.array([\n    {listed},\n])   # the CSS named colours, then a grey ramp\n"
                f"rest = np.random.default_rng(SEED).integers(0, 256, size=({data.CHAPTER_ROWS} - len(FIXED), 3))\n"
                f"RGB = np.vstack([FIXED, rest]).astype(np.int64)\n{_FORMULA}",
                "generated colours: the CSS named colours, a grey ramp, then random colours from the seed")
    words = CHAPTER_WORDS if run.dataset.name.startswith("the chapter's data") else "the uploaded CSV, embedded"
    return _csv_code(data.to_csv(run.dataset)), words


def exportable(run: TrainingRun) -> str | None:
    """Why this run cannot be written as a script, or None when it can."""
    if run.loaded:
        return "an uploaded model has no training to reproduce"
    if run.status == "diverged":
        return ("a run that stopped keeps the weights from before its last chunk, which a script trained update by "
                "update does not")
    return None


def _literal(values) -> str:
    return "None" if values is None else "[" + ", ".join(repr(float(v)) for v in values) + "]"


def train_script(run: TrainingRun, file_name: str = "fontnet_run.py") -> str:
    """The Train page's run as one self-contained Python file (see the module docstring)."""
    if (why := exportable(run)) is not None:
        raise ValueError(why)
    s = run.settings
    code, words = data_code(run)
    per_sample = s.batch_size == 1
    match = ("Its weights are the Train page's bit for bit: its loop adds in the app's order."
             if per_sample else
             "Its weights agree with the Train page's to rounding: its matrix products add in another order than "
             "the app's compiled loop.")
    head = _HEAD.substitute(
        title=f"FontNet: a run of the Train page, exported ({counted(s.iterations, 'iteration')} asked, {run.iteration:,} done).",
        describe=s.describe()[0].upper() + s.describe()[1:], file_name=file_name, match=match, lr=repr(s.lr),
        iterations=run.iteration, hidden=repr(tuple(s.hidden_layer_sizes)), activation=s.activation, loss=s.loss,
        batch=repr(s.batch_size), init=s.init, seed=s.seed, test=repr(s.test), start=_literal(run.start_weights),
        data_words=words, data_code=code, scalar=_SCALAR[s.activation] if per_sample else "",
        array=_ARRAY[s.activation])
    return head + (_PER_SAMPLE if per_sample else _BATCHES) + _TAIL


_TEACH = Template('''#!/usr/bin/env python3
"""FontNet: the network the Teach page trained on your $count answers, exported.

Needs only NumPy. Run: python $file_name. The chapter's network (3 inputs -> 3 ReLU nodes -> 1 logistic output)
trained the way a few answers need: full-batch Adam on cross-entropy with an L2 penalty, $steps steps from the
same small starting weights every time, in the same NumPy operations as the app, so it ends with the same weights.
It prints the weights and how often the network picks the chapter's formula's shade on $colours fixed random
colours (the page's "Formula agrees"); its last line is JSON.
"""

import json

import numpy as np

# your answers: a background colour (R, G, B) and the text you said reads better on it (1: dark, 0: light)
ANSWERS = $answers
STEPS, LR, ALPHA, SEED = $steps, $lr, $alpha, $seed
BETAS, EPS = $betas, $eps

rgb = np.array([a[:3] for a in ANSWERS], dtype=float).reshape(-1, 3)
X = (rgb / 255.0).T                                  # one colour per column, as in the chapter
Y = np.array([a[3] for a in ANSWERS], dtype=float)[None, :]
n = len(ANSWERS)

rng = np.random.default_rng(SEED)                    # small starting weights, every ReLU on
W1, W2 = rng.normal(0, $init_std, (3, 3)), rng.normal(0, $init_std, (1, 3))
B1, B2 = np.full((3, 1), $init_bias), np.zeros((1, 1))
params = [W1, W2, B1, B2]


def relu(Z):
    return np.maximum(Z, 0.0)


def logistic(Z):
    e = np.exp(-np.abs(Z))
    p = 1.0 / (1.0 + e)
    return np.where(Z >= 0, p, e * p)


m = [np.zeros_like(p) for p in params]
v = [np.zeros_like(p) for p in params]
for t in range(1, STEPS + 1 if n else 1):
    Z1 = W1 @ X + B1                                 # forward
    A1 = relu(Z1)
    Z2 = W2 @ A1 + B2
    A2 = logistic(Z2)
    dC_dZ2 = A2 - Y                                  # cross-entropy with a logistic output
    dW2, dB2 = dC_dZ2 @ A1.T / n, dC_dZ2.sum(axis=1, keepdims=True) / n
    dC_dZ1 = (W2.T @ dC_dZ2) * (Z1 > 0).astype(float)   # each hidden node its own slope
    dW1, dB1 = dC_dZ1 @ X.T / n, dC_dZ1.sum(axis=1, keepdims=True) / n
    grads = [dW1 + ALPHA / n * W1, dW2 + ALPHA / n * W2, dB1, dB2]   # with the L2 penalty's slope
    for p, g, mp, vp in zip(params, grads, m, v):
        mp *= BETAS[0]
        mp += (1 - BETAS[0]) * g
        vp *= BETAS[1]
        vp += (1 - BETAS[1]) * g * g
        p -= LR * (mp / (1 - BETAS[0] ** t)) / (np.sqrt(vp / (1 - BETAS[1] ** t)) + EPS)

colours = np.random.default_rng($colour_seed).integers(0, 256, size=($colours, 3))
formula = (colours.astype(float) @ np.array([0.299, 0.587, 0.114]) / 255.0 > 0.5).astype(int)
p = logistic(W2 @ relu(W1 @ (colours / 255.0).T + B1) + B2)[0]
agreement = float(np.mean((p >= 0.5).astype(int) == formula))
print(f"formula agrees on {agreement:.1%} of {len(formula):,} random colours")
print("W1 =", np.array2string(W1, precision=4), "\\nB1 =", np.array2string(B1[:, 0], precision=4))
print("W2 =", np.array2string(W2, precision=4), "\\nB2 =", np.array2string(B2[:, 0], precision=4))
print(json.dumps({"formula_agreement": agreement, "weights": {"W1": W1.tolist(), "B1": B1[:, 0].tolist(),
                                                              "W2": W2.tolist(), "B2": B2[:, 0].tolist()}}))
''')


def teach_script(answers: Sequence[teach.Answer], file_name: str = "fontnet_teach.py") -> str:
    """The Teach page's network, trained on `answers`, as one self-contained Python file."""
    listed = "[" + ",\n    ".join(f"({r}, {g}, {b}, {a.label})" for a in answers for r, g, b in [a.rgb]) + "]"
    return _TEACH.substitute(count=len(answers), file_name=file_name, answers=listed, steps=teach.STEPS,
                             lr=repr(teach.LEARNING_RATE), alpha=repr(teach.ALPHA), seed=teach.SEED,
                             betas=repr(teach.BETAS), eps=repr(teach.EPS), init_std=repr(teach.INIT_STD),
                             init_bias=repr(teach.INIT_BIAS), colour_seed=teach.AGREEMENT_SEED,
                             colours=teach.AGREEMENT_COLOURS)
