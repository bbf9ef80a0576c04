import numpy as np
import pytest

from fontnet import colors


@pytest.mark.parametrize("text", ["#ffc0cb", "ffc0cb", "#FFC0CB", " 255,192,203 ", "255, 192, 203"])
def test_parse_pink(text):
    assert colors.parse_colour(text) == (255, 192, 203)


def test_parse_short_hex_and_format():
    assert colors.parse_colour("#FFF") == (255, 255, 255)
    assert colors.parse_colour("0f8") == (0, 255, 136)
    assert colors.to_hex((255, 192, 203)) == "#ffc0cb"


def test_parse_every_css_colour_name_in_any_case_and_spacing():
    for name, rgb in colors.NAMED_COLOURS.items():
        assert colors.parse_colour(name) == colors.parse_colour(f" {name.upper()} ") == rgb
    assert colors.parse_colour("Rebecca Purple") == (102, 51, 153)
    assert colors.parse_colour("dark orange") == (255, 140, 0)


@pytest.mark.parametrize("alias,name", [("cyan", "aqua"), ("magenta", "fuchsia"), ("grey", "gray"),
                                        ("darkslategrey", "darkslategray"), ("LightGrey", "lightgray")])
def test_parse_the_other_css_spellings(alias, name):
    assert colors.parse_colour(alias) == colors.NAMED_COLOURS[name]


@pytest.mark.parametrize("text", ["notacolour", "bluee", "light", "#zzz", "300,0,0", "12345", "", "<script>", "1,2", "-1,0,0", "#ffc0cb0"])
def test_parse_rejects_with_a_message(text):
    with pytest.raises(colors.ColourError, match="colour"):
        colors.parse_colour(text)


@pytest.mark.parametrize("rgb,label", [((255, 255, 255), 1), ((0, 0, 0), 0), ((255, 192, 203), 1), ((0, 0, 128), 0)])
def test_formula_labels_well_known_colours(rgb, label):
    assert colors.formula_label(rgb) == label


def test_formula_is_the_chapter_weighting():
    assert colors.formula_luminance((255, 0, 0)) == pytest.approx(0.299)
    assert colors.formula_label(np.array([[128, 128, 128], [127, 127, 127]])).tolist() == [1, 0]


def test_wcag_contrast():
    assert colors.contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert colors.contrast_ratio((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert colors.relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert colors.wcag_verdict(7.2) == "AAA" and colors.wcag_verdict(5) == "AA" and colors.wcag_verdict(3) == "fail"


def test_pure_red_is_where_wcag_and_the_formula_disagree():
    assert colors.formula_label((255, 0, 0)) == 0
    assert colors.wcag_label((255, 0, 0)) == 1


def test_readable_text_reaches_aa_on_every_background():
    rng = np.random.default_rng(0)
    backgrounds = np.vstack([rng.integers(0, 256, (20_000, 3)), [[g, g, g] for g in range(256)]])
    best = np.array([colors.contrast_ratio(colors.readable_text(bg), bg) for bg in backgrounds])
    assert best.min() >= 4.58  # the worst background is where black and white tie, at 4.58:1
    assert colors.readable_text((255, 255, 0)) == (0, 0, 0) and colors.readable_text((0, 0, 128)) == (255, 255, 255)
