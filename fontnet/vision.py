"""How a background and its text shades look to a reader with a colour-vision deficiency, and whether the text
stays readable for them by WCAG 2's contrast ratio.

The simulation is Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of
Color Vision Deficiency", as the colorspacious library implements it: linear sRGB times the paper's 3x3 matrix
for the deficiency and its severity, back to sRGB, clipped to the displayable range. Severity 100 is the
complete loss of one cone type: protanopia (L, red), deuteranopia (M, green), tritanopia (S, blue).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from colorspacious import cspace_convert

from .colors import RGB, WCAG_AA, contrast_ratio

# our name -> (colorspacious's name for the deficiency, the words the page shows)
DEFICIENCIES: dict[str, tuple[str, str]] = {
    "protanopia": ("protanomaly", "Protanopia (no red-sensitive cones)"),
    "deuteranopia": ("deuteranomaly", "Deuteranopia (no green-sensitive cones)"),
    "tritanopia": ("tritanomaly", "Tritanopia (no blue-sensitive cones)"),
}
FULL = 100  # the paper's severity scale, 0-100: 100 is dichromacy


def simulate_srgb1(rgb1, deficiency: str, severity: float = FULL) -> np.ndarray:
    """sRGB values in 0-1 (one colour or an (n, 3) array) as seen with `deficiency` at `severity`, clipped to 0-1."""
    if deficiency not in DEFICIENCIES:
        raise ValueError(f"deficiency must be one of {', '.join(DEFICIENCIES)}, not {deficiency!r}")
    space = {"name": "sRGB1+CVD", "cvd_type": DEFICIENCIES[deficiency][0], "severity": severity}
    return np.clip(cspace_convert(np.asarray(rgb1, dtype=float), space, "sRGB1"), 0.0, 1.0)


def simulate(rgb: RGB, deficiency: str, severity: float = FULL) -> RGB:
    """A 0-255 colour as seen with `deficiency`, rounded to 0-255 (what a screen can show)."""
    out = simulate_srgb1(np.asarray(rgb, dtype=float) / 255.0, deficiency, severity)
    return tuple(int(v) for v in np.rint(out * 255))  # type: ignore[return-value]


@dataclass(frozen=True)
class SeenPair:
    """One way of seeing a background and its text shades: the colours as seen and each shade's contrast."""

    vision: str                  # "typical" or a key of DEFICIENCIES
    label: str
    background: RGB
    shades: dict[str, RGB]       # shade name ("dark", "light") -> the text colour as seen
    ratios: dict[str, float]     # shade name -> WCAG 2 contrast ratio against the background as seen

    def readable(self, shade: str) -> bool:
        """Whether `shade` reaches WCAG AA (4.5:1 for normal text) for this reader."""
        return self.ratios[shade] >= WCAG_AA


def seen_by_all(background: RGB, shades: dict[str, RGB]) -> list[SeenPair]:
    """The background and text shades as typical vision sees them, then as each deficiency does, with WCAG's
    contrast ratio recomputed for each simulated pair."""
    out = [SeenPair("typical", "Typical colour vision", tuple(background), dict(shades),
                    {k: float(contrast_ratio(v, background)) for k, v in shades.items()})]
    for name, (_, label) in DEFICIENCIES.items():
        bg = simulate(background, name)
        seen = {k: simulate(v, name) for k, v in shades.items()}
        out.append(SeenPair(name, label, bg, seen, {k: float(contrast_ratio(v, bg)) for k, v in seen.items()}))
    return out


def hard_to_read(pairs: list[SeenPair], shade: str) -> list[SeenPair]:
    """The simulated readers for whom `shade` falls below WCAG AA (typical vision left out)."""
    return [p for p in pairs if p.vision != "typical" and not p.readable(shade)]
