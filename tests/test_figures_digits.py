import base64
import re
import zlib

import numpy as np
import pytest

from fontnet import digits
from fontnet.figures import digits as figs
from fontnet.figures.fit import drawings
from fontnet.figures.network import NEGATIVE, POSITIVE
from fontnet.figures.raster import hex_rgb


@pytest.fixture(scope="module")
def model():
    return digits.DigitsSettings(hidden=(12, 8), iterations=200).network().fit(*digits.split(0)[::2])


@pytest.fixture(scope="module")
def reading(model):
    return digits.read(model, digits.split(0)[1][0].reshape(8, 8) * 16)


def attrs(markup: str, cls: str, tag: str = "[a-z]+") -> list[dict[str, str]]:
    """The attributes of every element of class `cls`, in document order."""
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', m)) | {"title": t}
            for m, t in re.findall(rf'<{tag} class="{cls}"([^>]*)>(?:<title>([^<]*)</title>)?', markup)]


def test_the_output_bars_are_the_ten_probabilities_each_printed_with_the_winner_marked(reading):
    svg = figs.probabilities_svg(reading.proba)
    bars = attrs(svg, "bar")
    assert [int(b["data-digit"]) for b in bars] == list(range(10))
    assert [float(b["data-p"]) for b in bars] == pytest.approx(reading.proba.tolist())
    assert [b["title"] for b in bars] == [f"P({d}) = {p:.3f}" for d, p in enumerate(reading.proba)]
    for p in reading.proba:
        assert f">{p:.0%}</text>" in svg
    assert re.findall(r'data-digit="(\d)"[^>]*data-chosen', svg) == [str(reading.digit)]
    assert f'fill="{figs.CHOSEN}"' in svg
    assert 'role="img"' in svg and f"most likely {reading.digit}" in svg


def test_before_anything_is_read_no_bar_is_marked():
    svg = figs.probabilities_svg(np.zeros(10))
    assert "data-chosen" not in svg and f'fill="{figs.CHOSEN}"' not in svg and "no image read yet" in svg


@pytest.mark.parametrize("drawing", ["wide", "narrow"])   # for a laptop's column and for a phone's
def test_figure_7_8_shows_the_inputs_every_node_and_the_outputs(model, reading, drawing):
    svg = drawings(figs.network_svg(model, reading))[drawing]
    pixels = attrs(svg, "pixel", "rect")
    assert len(pixels) == 64
    image = np.zeros((8, 8))
    for p in pixels:
        image[int(p["data-row"]), int(p["data-column"])] = float(p["data-value"])
    assert np.array_equal(image, reading.image)
    nodes = attrs(svg, "node", "g")
    by_layer = [[n for n in nodes if n["data-layer"] == str(k)] for k in (1, 2, 3)]
    assert [len(n) for n in by_layer] == [12, 8, 10]
    for k in (0, 1):
        assert [float(n["data-a"]) for n in by_layer[k]] == pytest.approx(reading.forward.A[k][:, 0].tolist())
    assert [float(n["data-p"]) for n in by_layer[2]] == pytest.approx(reading.proba.tolist())
    assert by_layer[2][3]["title"] == f"P(3) = {reading.proba[3]:.3f}"
    edges = attrs(svg, "edge", "line")
    assert 0 < len(edges) <= 2 * figs.MAX_EDGES
    for e in edges:  # each is a real contribution w·a, coloured by its sign
        layer, i, j = int(e["data-layer"]), int(e["data-to"]), int(e["data-from"])
        c = model.weights_[layer][i, j] * reading.forward.A[layer - 1][j, 0]
        assert float(e["data-contribution"]) == pytest.approx(c)
        assert e["stroke"] == (POSITIVE if c > 0 else NEGATIVE)
    # the strongest contribution into the outputs is drawn
    contrib = np.abs(model.weights_[2] * reading.forward.A[1][:, 0][None, :])
    i, j = np.unravel_index(np.argmax(contrib), contrib.shape)
    assert any(e["data-layer"] == "2" and e["data-to"] == str(i) and e["data-from"] == str(j) for e in edges)
    ids = "digits-network" + ("-narrow" if drawing == "narrow" else "")   # each drawing names itself by its own ids
    assert f"the network reads {reading.digit}" in svg and f'aria-describedby="{ids}-desc"' in svg
    assert f'<desc id="{ids}-desc">' in svg and f'<title id="{ids}-title">' in svg


def png_pixels(uri: str) -> np.ndarray:
    """An 8x8 RGB PNG data URI (unfiltered rows, as raster.png writes them) back to its pixels."""
    data = base64.b64decode(uri.split(",", 1)[1])
    idat = data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8]
    rows = zlib.decompress(idat)
    return np.frombuffer(rows, dtype=np.uint8).reshape(8, 1 + 8 * 3)[:, 1:].reshape(8, 8, 3)


def test_weight_tiles_hold_each_first_layer_nodes_64_weights_on_one_scale(model):
    W1 = model.weights_[0]
    html = figs.weight_tiles_html(W1)
    lim = float(np.abs(W1).max())
    assert float(re.search(r'data-limit="([^"]+)"', html).group(1)) == lim
    tiles = attrs(html, "tile", "div")
    images = re.findall(r'<img class="weights" src="([^"]+)"', html)
    assert len(tiles) == len(images) == W1.shape[0] == 12
    pos, neg = hex_rgb(POSITIVE), hex_rgb(NEGATIVE)
    for k, (tile, uri) in enumerate(zip(tiles, images)):
        assert float(tile["data-min"]) == W1[k].min() and float(tile["data-max"]) == W1[k].max()
        rgb = png_pixels(uri).astype(float)
        # read each pixel back as a signed weight: how far from white towards orange (+) or blue (-)
        w = W1[k].reshape(8, 8)
        end = np.where(w[..., None] >= 0, pos, neg)
        c = np.argmax(255 - end, axis=-1)[..., None]  # the channel that moves furthest from white
        span = np.take_along_axis(255 - end, c, -1)[..., 0]
        back = np.sign(w) * lim * (255 - np.take_along_axis(rgb, c, -1)[..., 0]) / span
        assert np.allclose(back, w, atol=lim * 0.51 / span.min()), k
    assert f">node {W1.shape[0]}</div>" in html


def test_the_live_chart_gets_loss_and_both_accuracies_from_the_runs_history():
    from fontnet.figures.live import history_points

    run = digits.DigitsRun(digits.DigitsSettings(hidden=(8,), iterations=40))
    run.start()
    run.advance()
    spec = figs.live_spec(40)
    assert [s["label"] for s in spec["series"]] == ["loss (mean per chunk)", "train accuracy", "test accuracy"]
    pts = history_points(run.history, figs.LIVE_COLUMNS, 1)
    assert pts["x"] == [run.iteration] and pts["ys"][2] == [pytest.approx(run.history[-1].test_accuracy)]
