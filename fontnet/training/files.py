"""Uploads to the Train page: a colour model (JSON) and a labelled data set (CSV), checked throughout."""

from __future__ import annotations

from .. import data
from ..network import ModelFileError, Network
from ..parsing import counted, shorten

MAX_MODEL_BYTES = 1_000_000


# ---- files ------------------------------------------------------------------------------------------
def load_model(raw: bytes | str) -> Network:
    """A model from an uploaded JSON file: at most 1 MB, 3 inputs, 2 classes, every number finite."""
    net = Network.loads(raw, max_bytes=MAX_MODEL_BYTES)
    if (n_in := net.weights_[0].shape[1]) != 3:
        raise ModelFileError(f"the model takes {counted(n_in, 'input')}; a colour model takes 3 (R, G, B)")
    if len(net.classes_) != 2 or sorted(map(str, net.classes_.tolist())) != ["0", "1"]:
        raise ModelFileError(f"the model has classes {shorten(net.classes_.tolist())}; a colour model has two, 0 and 1")
    if max(net.hidden_layer_sizes) > 1024 or len(net.hidden_layer_sizes) > 10:
        raise ModelFileError("the model is larger than this app handles")
    return net


def load_data(raw: bytes | str, name: str = "uploaded data") -> data.Dataset:
    """A labelled data set from an uploaded CSV: at most 5 MB and 100,000 rows, validated by data.read_csv."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > data.MAX_BYTES:
        raise data.DataError(f"the file is {size / 1e6:.1f} MB; a data file may be at most {data.MAX_BYTES / 1e6:g} MB")
    ds = data.read_csv(raw, name)
    return data.Dataset(ds.rgb, ds.labels, f"{name} ({len(ds):,} rows)")
