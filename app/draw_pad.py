"""The Digits page's drawing pad: streamlit-drawable-canvas (a maintained components-v2 canvas on Fabric.js,
mouse and touch) in free-drawing mode, read back as stroke points only.

The canvas is given only numbers and colours chosen here; what it sends back is Fabric's description of each
stroke, of which only the path's coordinates (and the stroke's position, scale and angle when it was moved in
the toolbar's edit mode) are read. `fontnet.digits` checks the points and reduces them to 8x8.
"""

from __future__ import annotations

import math

import streamlit as st

from fontnet import parsing

SIZE = 280            # the pad in CSS pixels (35 per cell of the 8x8 image)
PEN = 18              # on the pad; the reduction draws its own pen (fontnet.digits.PEN) after scaling
GENERATION = "digit_pad_generation"
COORD_LIMIT = 1e6     # far beyond the pad: a stroke's coordinates, scale and angle are refused past this


def _numbers(seq) -> list[float]:
    """The numbers of `seq` the pad can hold (the engine's checked parser: finite, within ±COORD_LIMIT); the
    browser sends whatever it likes, so anything else (text, true/false, a 400-digit integer) is skipped."""
    out = []
    for v in seq:
        try:
            out.append(parsing.check_float(v, -COORD_LIMIT, COORD_LIMIT))
        except parsing.SettingsError:
            pass
    return out


def strokes_from_fabric(drawing) -> list[list[list[float]]]:
    """Each free-drawn stroke (a Fabric 'Path') as a list of [x, y] pad coordinates; anything else is skipped.

    A stroke's path holds absolute pad coordinates while it is where it was drawn; a stroke moved, scaled or
    turned in edit mode keeps its path and records the change in left/top (its centre), scaleX/Y and angle.
    """
    if not isinstance(drawing, dict) or not isinstance(drawing.get("objects"), list):
        return []
    strokes = []
    for obj in drawing["objects"][:500]:
        if not isinstance(obj, dict) or obj.get("type") not in ("Path", "path") or not isinstance(obj.get("path"), list):
            continue
        pts = []
        for cmd in obj["path"][:20_000]:
            nums = _numbers(cmd[1:]) if isinstance(cmd, list) else []
            pts += [nums[i:i + 2] for i in range(0, len(nums) - 1, 2)]
        if not pts:
            continue
        sx, sy = (_numbers([obj.get(k, 1)]) or [1.0] for k in ("scaleX", "scaleY"))
        angle = (_numbers([obj.get("angle", 0)]) or [0.0])[0]
        left, top = (_numbers([obj.get(k)]) or [None] for k in ("left", "top"))
        sx, sy = sx[0] * (-1 if obj.get("flipX") is True else 1), sy[0] * (-1 if obj.get("flipY") is True else 1)
        if (sx, sy, angle) != (1, 1, 0) or (left[0] is not None and top[0] is not None and _moved(pts, left[0], top[0])):
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            pts = [[left[0] + c * (x - cx) * sx - s * (y - cy) * sy, top[0] + s * (x - cx) * sx + c * (y - cy) * sy]
                   for x, y in pts]
        strokes.append(pts)
    return strokes


def _moved(pts, left: float, top: float) -> bool:
    """Whether a stroke's centre (left, top) is far from its path's own centre: it was dragged in edit mode."""
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return abs((min(xs) + max(xs)) / 2 - left) > 2 or abs((min(ys) + max(ys)) / 2 - top) > 2


def clear() -> None:
    """Empty the pad: a fresh canvas under a new key (the toolbar's bin does the same in the browser)."""
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def draw_pad(on_change=None) -> list[list[list[float]]]:
    """The pad, inside a container with key `digit_pad`; returns the strokes drawn so far (pad coordinates)."""
    # imported here: the component can only be registered inside a running app (its assets are found then)
    from streamlit_drawable_canvas import st_canvas

    st.space("small")  # room for the canvas's toolbar, which floats above it
    with st.container(key="digit_pad"):
        result = st_canvas(stroke_width=PEN, stroke_color="#111111", background_color="#ffffff", height=SIZE,
                           width=SIZE, drawing_mode="freedraw", key=f"digit_canvas_{st.session_state.get(GENERATION, 0)}",
                           on_change=on_change)
    return strokes_from_fabric(result.json_data)


def preview_html(image) -> str:
    """The 8x8 image the network reads as a grid of grey cells (`#digit-preview`, its values in data-pixels).

    Built from integers only: an empty pad (None) is a blank grid with data-pixels="".
    """
    values = [] if image is None else [int(round(float(v))) for v in image.ravel()]
    cells = "".join(
        f'<div style="background:rgb({g},{g},{g})"></div>'
        for g in ((255 - round(v * 255 / 16)) for v in (values or [0] * 64)))
    return (f'<div id="digit-preview" data-pixels="{",".join(map(str, values))}" style="display:grid;'
            'grid-template-columns:repeat(8,1fr);width:168px;height:168px;border:1px solid #ced4da;'
            f'gap:1px;background:#e9ecef">{cells}</div>')
