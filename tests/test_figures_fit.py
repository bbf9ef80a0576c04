"""A figure drawn for a wide box and a narrow one (fontnet/figures/fit.py): where the browser switches, and the
markup that holds both."""

import re

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
