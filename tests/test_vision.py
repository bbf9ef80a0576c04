"""The colour-vision simulation against the library's own reference values and Machado et al.'s matrices."""

import numpy as np
import pytest
from colorspacious import gold_values

from fontnet import colors, vision

# Machado, Oliveira & Fernandes (2009), severity 1.0 (dichromacy): the published matrices on linear sRGB.
MACHADO_FULL = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def srgb_decode(c):
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def srgb_encode(c):
    c = np.asarray(c, dtype=float)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.abs(c) ** (1 / 2.4) - 0.055)


@pytest.mark.parametrize("deficiency,severity,reference", [
    ("deuteranopia", 50, gold_values.CVD_deut50_to_sRGB1_silver),
    ("protanopia", 95, gold_values.CVD_prot95_to_sRGB1_silver),
])
def test_the_librarys_reference_values(deficiency, severity, reference):
    for given, expected in reference:
        np.testing.assert_allclose(vision.simulate_srgb1(given, deficiency, severity), expected, atol=1e-7)


@pytest.mark.parametrize("deficiency", sorted(MACHADO_FULL))
@pytest.mark.parametrize("rgb", [(255, 140, 0), (135, 173, 68), (250, 59, 254), (28, 126, 214), (255, 0, 0)])
def test_full_severity_is_machados_published_matrix(deficiency, rgb):
    linear = srgb_decode(np.array(rgb) / 255)
    expected = srgb_encode(np.clip(np.array(MACHADO_FULL[deficiency]) @ linear, 0, 1))
    np.testing.assert_allclose(vision.simulate_srgb1(np.array(rgb) / 255, deficiency), expected, atol=1e-6)
    assert vision.simulate(rgb, deficiency) == tuple(int(v) for v in np.rint(expected * 255))


def test_greys_stay_grey_and_the_text_shades_barely_move():
    # each matrix row sums to 1, so neutral colours keep their value for every deficiency
    for d in vision.DEFICIENCIES:
        for g in (0, 17, 128, 250, 255):
            assert max(abs(a - g) for a in vision.simulate((g, g, g), d)) <= 1


def test_red_and_green_collapse_for_red_green_deficiencies():
    # the classic confusion: pure red and a mid green look alike without L or M cones, not without S cones
    red, green = (200, 30, 30), (90, 110, 30)
    for d in ("protanopia", "deuteranopia"):
        a, b = np.array(vision.simulate(red, d)), np.array(vision.simulate(green, d))
        assert np.abs(a - b).max() < np.abs(np.array(red) - np.array(green)).max() / 2


def test_seen_by_all_recomputes_the_contrast_for_each_reader():
    bg = (255, 0, 0)
    pairs = vision.seen_by_all(bg, {"dark": colors.DARK_TEXT, "light": colors.LIGHT_TEXT})
    assert [p.vision for p in pairs] == ["typical", "protanopia", "deuteranopia", "tritanopia"]
    typical = pairs[0]
    assert typical.ratios["dark"] == pytest.approx(colors.contrast_ratio(colors.DARK_TEXT, bg))
    for p in pairs[1:]:
        assert p.background == vision.simulate(bg, p.vision)
        assert p.ratios["light"] == pytest.approx(colors.contrast_ratio(p.shades["light"], p.background))
    # without red cones, pure red loses most of its brightness: dark text, 4.7:1 for typical vision, falls
    # below AA for protanopia alone
    assert typical.readable("dark")
    assert [p.vision for p in vision.hard_to_read(pairs, "dark")] == ["protanopia"]
    assert pairs[1].ratios["dark"] < 3 < pairs[1].ratios["light"]


def test_an_unknown_deficiency_is_named():
    with pytest.raises(ValueError, match="protanopia"):
        vision.simulate((1, 2, 3), "monochromacy")
