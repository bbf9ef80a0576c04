"""The colour-blind view's markup: one row per reader with the simulated colours, each shade's recomputed
contrast, specimens named with their colours, and a sentence naming who would find a shade hard to read."""

import re
import xml.etree.ElementTree as ET

import pytest

from fontnet import colors, vision
from fontnet.figures.vision import colour_vision_html, specimen_attrs, vision_summary

SHADES = {"dark": colors.DARK_TEXT, "light": colors.LIGHT_TEXT}


def pairs(rgb):
    return vision.seen_by_all(rgb, SHADES)


def test_every_reader_gets_a_row_with_the_simulated_background_and_both_ratios():
    seen = pairs((236, 70, 185))
    root = ET.fromstring(colour_vision_html(seen, "dark"))
    rows = root.findall(".//tbody/tr")
    assert [r.get("data-vision") for r in rows] == ["typical", "protanopia", "deuteranopia", "tritanopia"]
    for row, p in zip(rows, seen):
        assert row.find("th").text == p.label
        assert f"background: {colors.to_hex(p.background)}" in row.find("td/div").get("style")
        ratios = [float(td.get("data-ratio")) for td in row.findall("td[@data-ratio]")]
        assert ratios == pytest.approx([p.ratios["dark"], p.ratios["light"]], abs=1e-4)
        for span, shade in zip(row.findall("td/div/span"), ("dark", "light")):
            assert span.get("role") == "img" and "data-specimen" in span.attrib
            assert f"{colors.to_hex(p.shades[shade])} on {colors.to_hex(p.background)}" in span.get("aria-label")
    assert [th.text for th in root.findall(".//thead/tr/th")] == ["Vision", "As seen", "dark text (the choice)",
                                                                  "light text"]
    assert root.find(".//p").text == vision_summary(seen, "dark")


@pytest.mark.parametrize("rgb,shade,expected", [
    ((236, 70, 185), "dark", r"dark text, becomes hard to read for protanopia \(4\.\d\d:1\): below WCAG AA's 4\.5:1, "
                             r"although typical vision gets 5\.\d\d:1\."),
    ((255, 192, 203), "dark", r"dark text, stays at 4\.5:1 or more for all three simulated readers\."),
    ((255, 0, 0), "light", r"light text, is below 4\.5:1 already for typical vision \(3\.83:1\), and also for "
                           r"deuteranopia \(3\.07:1\) and tritanopia \(3\.83:1\)\."),
])
def test_the_sentence_says_plainly_who_would_struggle(rgb, shade, expected):
    text = vision_summary(pairs(rgb), shade)
    assert text.startswith("The network's choice, ") and re.search(expected, text), text


def test_without_a_choice_both_shades_are_described():
    text = vision_summary(pairs((255, 0, 0)))
    assert text.startswith("Dark text becomes hard to read for protanopia (2.96:1)")
    assert "Light text is below 4.5:1 already for typical vision" in text


def test_a_specimens_words_are_escaped():
    attrs = specimen_attrs(colors.DARK_TEXT, (255, 255, 255), 'the sample "<b>x</b>"')
    assert "<b>" not in attrs and "&lt;b&gt;" in attrs and "&quot;" in attrs
    assert attrs.endswith('#111111 on #ffffff, contrast 18.88:1"')
