"""A figure drawn for a wide box and a narrow one (fontnet/figures/fit.py): where the browser switches, and the
markup that holds both."""

import re

import numpy as np

from fontnet.figures.fit import MIN_TEXT_PX, below, drawings, fitted


def test_the_switch_is_where_the_wide_drawings_smallest_text_would_fall_below_the_minimum():
    assert below(720, 12) == 600   # 12 units in 720 are 10 px in a 600-pixel box
    assert below(378, 11) == 344 and below(640, 11) == 582   # rounded up: at the switch the text is never smaller
    for width, text in [(720, 12), (378, 11), (640, 11), (426, 11)]:
        assert text * below(width, text) / width >= MIN_TEXT_PX > text * (below(width, text) - 1) / width


def test_the_markup_holds_both_drawings_and_shows_one_by_the_box_width():
    markup = fitted('<svg class="a"></svg>', '<svg class="b"></svg>', 600)
    assert "\n" not in markup   # one line: Markdown would end an HTML block at a blank line
    assert drawings(markup) == {"wide": '<svg class="a"></svg>', "narrow": '<svg class="b"></svg>'}
    assert 'style="container-type: inline-size"' in markup   # the query asks the figure's own box, not the window
    style = re.search(r"<style data-fontnet-fit>(.*?)</style>", markup).group(1)
    # the narrow drawing hidden by default (a browser without container queries shows the wide one, as before),
    # and below 600 px the other way round: exactly one of the two is shown at any width
    assert style == (".fontnet-fit-600 > .fit-narrow { display: none } @container (max-width: 599.98px) { "
                     ".fontnet-fit-600 > .fit-wide { display: none } .fontnet-fit-600 > .fit-narrow { display: block } }")


PHONE_COLUMN = 328   # a 360-pixel phone's column (Streamlit's 16 px of padding each side): the narrowest box drawn for


def smallest_px(svg: str, box: float) -> float:
    """The smallest text of `svg` in CSS px, shown in a box `box` px wide (or at its own max-width, if narrower)."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    cap = re.search(r"max-width: ([\d.]+)px", svg)
    shown = min(box, float(cap.group(1))) if cap else box
    return min(float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)) * shown / width


def test_every_figure_keeps_ten_pixel_text_in_a_360_pixel_phones_column():
    """The drawing a phone shows (the narrow one of a figure drawn twice) at MIN_TEXT_PX or more in 328 px. Before,
    the cost surface's narrow drawing had 9.3-px text there, Figure 7-8's 9.4 and the digit probabilities 9.5."""
    from fontnet import digits, training, tuning
    from fontnet.figures.activations import softmax_svg
    from fontnet.figures.backprop import cost_svg
    from fontnet.figures.compare import loss_chart_svg
    from fontnet.figures.digits import network_svg, probabilities_svg
    from fontnet.figures.maps import decision_map_svg
    from fontnet.figures.surface import surface_svg
    from fontnet.surface import surface
    from tests.test_surface import checkpoints, finished

    run = finished(iterations=600)
    model = digits.DigitsSettings(hidden=(12, 8), iterations=50).network().fit(*digits.split(0)[::2])
    reading = digits.read(model, digits.split(0)[1][0].reshape(8, 8) * 16)
    curve = (np.array([0, 300, 600]), np.array([0.3, 0.2, 0.1]))
    figures = {
        "cost surface": surface_svg(surface(run.net, run.X_train, run.y_train, checkpoints(run))),
        "loss chart": loss_chart_svg([curve, curve], ["run 1", "run 2"], 600),
        "costs of N steps": cost_svg(np.linspace(0.4, 0.01, 30)),
        "softmax": softmax_svg(np.full(8, 1 / 8)),
        "Figure 7-8": network_svg(model, reading),
        "decision map": decision_map_svg(training.decision_slice(tuning.network(tuning.START), "B", 128), side=320),
    }
    shown = {name: drawings(markup)["narrow"] for name, markup in figures.items()}
    shown["digit probabilities"] = probabilities_svg(reading.proba)   # drawn once, 380 units
    sizes = {name: round(smallest_px(svg, PHONE_COLUMN), 2) for name, svg in shown.items()}
    assert min(sizes.values()) >= MIN_TEXT_PX, sizes
