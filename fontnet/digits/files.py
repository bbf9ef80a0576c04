"""Digits model files: the checks an uploaded model passes, and the default model trained once per server and
kept on disk."""

from __future__ import annotations

from pathlib import Path

from ..model import cache_dir, cached_model, training_fingerprint
from ..network import ModelFileError, Network
from ..parsing import counted
from .data import DIGITS, N_PIXELS
from .learning import DEFAULT, train

MAX_MODEL_BYTES = 1_000_000
TRAINING_FILES = ("model.py", "network.py", "_wide.py", "activations.py", "digits/data.py", "digits/learning.py")


# ---- the default model and model files -------------------------------------------------------------------
def check_model(net: Network) -> Network:
    """A digits model takes 64 pixels and gives the ten digits; ModelFileError names what is wrong."""
    n_in = net.weights_[0].shape[1]
    classes = [str(c) for c in net.classes_.tolist()]
    if n_in == 3 and len(classes) == 2:
        raise ModelFileError("this is a colour model (3 inputs: R, G, B; 2 classes: light or dark text); "
                             "a digits model takes 64 pixels and gives the 10 digits")
    if n_in != N_PIXELS:
        raise ModelFileError(f"the model takes {counted(n_in, 'input')}; a digits model takes {N_PIXELS} "
                             "(8x8 pixels)")
    if classes != [str(d) for d in DIGITS]:
        shown = ", ".join(classes[:12]) + ("..." if len(classes) > 12 else "")
        raise ModelFileError(f"the model has classes {shown[:80]}; a digits model has the ten digits 0–9")
    if len(net.hidden_layer_sizes) > 10 or max(net.hidden_layer_sizes) > 1024:
        raise ModelFileError("the model is larger than this app handles")
    return net


def load_model(raw: bytes | str) -> Network:
    """A digits model from an uploaded JSON file: at most 1 MB, the colour model's format, checked throughout."""
    return check_model(Network.loads(raw, max_bytes=MAX_MODEL_BYTES))


def train_default_model() -> Network:
    return train(DEFAULT)[0]


def default_model_cache() -> Path:
    fp = training_fingerprint(files=TRAINING_FILES,
                              packages=("numpy", "scikit-learn"), extra=repr(DEFAULT))
    return cache_dir() / f"digits-model-{fp}.json"


def default_model(cache: bool = True) -> Network:
    """The default digits model: trained once per server (about a second), then read back from its file."""
    return cached_model(default_model_cache, train_default_model, check=check_model, cache=cache)
