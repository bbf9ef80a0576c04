"""What the training figures share: the page legends name each line in the colour the charts draw it, and the
network's P = 0.5 line is found where P crosses one half, closed lines included."""


import numpy as np

from fontnet.figures import live, maps
from fontnet.figures.training import LOSS_LEGEND, MAP_LEGEND, contour_segments, legend_html
from fontnet.training import TrainingRun, TrainingSettings


def test_the_boundary_follows_p_dark_equal_one_half():
    axis = np.linspace(0, 255, 40)
    gx, gy = np.meshgrid(axis, axis)
    z = 1 / (1 + np.exp(-(gx + gy - 255) / 20))        # P = 0.5 exactly on the line x + y = 255
    segs = np.array(contour_segments(axis, z))
    pts = segs.reshape(-1, 2)
    assert len(segs) > 40 and np.allclose(pts[:, 0] + pts[:, 1], 255, atol=1.0)
    assert contour_segments(axis, np.full((40, 40), 0.9)) == []
    ring = np.hypot(gx - 128, gy - 128)                  # a closed line: a circle of radius 60
    pts = np.array(contour_segments(axis, ring, 60)).reshape(-1, 2)
    assert np.allclose(np.hypot(pts[:, 0] - 128, pts[:, 1] - 128), 60, atol=2)


def test_the_page_legends_name_every_line_in_its_colour():
    run = TrainingRun(TrainingSettings(iterations=2000))
    html = legend_html(LOSS_LEGEND)   # beside the live loss chart, which draws no legend of its own
    series = live.loss_spec(run.settings.iterations)["series"]
    assert len(series) == len(LOSS_LEGEND)
    for s, (name, color, dash) in zip(series, LOSS_LEGEND):
        assert s["label"] == name and s["color"] == color and s["dash"] == dash and name in html
        assert f'stroke="{color}"' in html
    # the maps draw the formula's line and the network's in the colours and dashes the map legend names
    (formula, f_colour, f_dash), (network, n_colour, n_dash) = MAP_LEGEND[:2]
    assert (f_colour, f_dash, n_colour, n_dash) == (maps.FORMULA_LINE, "solid", maps.NETWORK_LINE, "dash")
    assert "formula" in formula and "0.5" in network
    spec = live.map_spec("R", "G", 8)   # the live map's canvas draws them in the colours its spec sends
    assert (spec["boundary_colour"], spec["line"]) == (maps.FORMULA_LINE, maps.NETWORK_LINE)
