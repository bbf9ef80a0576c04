"""Accessibility checks shared by the browser tests: axe-core's WCAG 2.1 A/AA audit, horizontal overflow, and
phone/tablet contexts.

axe-core is vendored for the tests only (tests/browser/vendor/axe-core, with its licence) and injected into the
page under test; the app never loads it.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")

# Violations that cannot be fixed from the app, each as its exact rule and the selector of the element it names,
# with the reason in docs/accessibility.md. Everything else fails the audit.
KNOWN: set[tuple[str, str]] = set()

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}
DEVICES = {"phone": PHONE, "tablet": TABLET}
# The narrowest common phone (360 px, many Android phones): its column is 328 px. The figures' text is checked here too.
SMALL_PHONE = {"viewport": {"width": 360, "height": 780}, "has_touch": True, "is_mobile": True, "device_scale_factor": 3}

# A specimen (fontnet/figures/vision.py) is text whose colours are what the page shows, often meant to be hard to
# read; it is marked data-specimen and its accessible name states its colours and contrast ratio.
_RUN = """async tags => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                                     elementRef: true});
  const specimen = el => !!(el && el.closest && el.closest('[data-specimen][role=img][aria-label*="contrast"]'));
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.map(String).join(' '), html: n.html.slice(0, 200),
                              summary: n.failureSummary, specimen: specimen(n.element)}))}));
}"""


def axe_violations(page) -> list[dict]:
    """Every WCAG 2.1 A/AA violation axe-core finds in the page as it is now, one dict per (rule, element):
    {id, impact, help, target, html, summary, specimen}."""
    # the app's accessibility script (app/access.js) loads with the page's components, after the script run
    page.wait_for_selector('[data-access="ready"]', state="attached", timeout=30_000)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found = []
    for v in page.evaluate(_RUN, WCAG_TAGS):
        for n in v["nodes"]:
            found.append({"id": v["id"], "impact": n["impact"] or v["impact"], "help": v["help"],
                          "target": n["target"], "html": n["html"], "summary": n["summary"],
                          "specimen": n["specimen"]})
    return found


def exempt(v: dict) -> bool:
    """A specimen's own colours (the contrast it shows is the content), or a documented upstream violation."""
    return (v["id"] == "color-contrast" and v["specimen"]) or (v["id"], v["target"]) in KNOWN


def serious(page) -> list[dict]:
    """The serious and critical violations, less the exempt ones."""
    return [v for v in axe_violations(page) if v["impact"] in SERIOUS and not exempt(v)]


def describe(violations: list[dict]) -> str:
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['impact']} {v['id']} at {v['target']}: {v['html']}\n    {v['summary']}" for v in violations)


def assert_accessible(page, state: str) -> None:
    """Fail with every serious or critical violation axe finds on the page in `state`."""
    found = serious(page)
    assert not found, f"{len(found)} serious/critical axe violations ({state}):\n{describe(found)}"


# The page scrolls sideways where the document, Streamlit's main area or the sidebar does: each is a scroll
# container, so content wider than the screen makes it scroll rather than the document.
OVERFLOW_JS = """() => {
  const boxes = [['document', document.scrollingElement || document.documentElement],
                 ['main', document.querySelector('[data-testid=stMain]')],
                 ['sidebar', document.querySelector('[data-testid=stSidebarContent]')]];
  const out = {over: 0, where: {}, wide: []};
  for (const [name, el] of boxes) {
    if (!el) continue;
    const over = el.scrollWidth - el.clientWidth;
    out.where[name] = over;
    out.over = Math.max(out.over, over);
    if (over > 0) {
      const right = el === boxes[0][1] ? el.clientWidth : el.getBoundingClientRect().right;
      for (const child of el.querySelectorAll('*')) {
        const r = child.getBoundingClientRect();
        if (r.width > 0 && r.right > right + 1 && out.wide.length < 12) {
          out.wide.push(name + ': ' + (child.dataset.testid || child.id || child.className || child.tagName)
            .toString().slice(0, 60) + ' right ' + Math.round(r.right) + ' > ' + Math.round(right));
        }
      }
    }
  }
  return out;
}"""


def horizontal_overflow(page) -> dict:
    """How many CSS pixels the page scrolls sideways: {over: the most, where: {document, main, sidebar},
    wide: the elements sticking out}."""
    return page.evaluate(OVERFLOW_JS)


# Text on screen that is shown only in part: a label, button or number ended with "…" (Streamlit cuts a label or
# a metric that does not fit its box), or a box whose value is wider than the box. Off-screen elements (a closed
# sidebar) are left out.
CUT_SHORT_JS = """() => {
  const shown = e => { const r = e.getBoundingClientRect();
                       return e.offsetParent !== null && e.clientWidth > 0 && r.right > 0 && r.left < innerWidth; };
  const boxes = [...document.querySelectorAll('input')].filter(e => !e.type || ['text', 'number'].includes(e.type))
    .filter(e => e.value && shown(e) && e.scrollWidth > e.clientWidth + 1)
    .map(e => `box ${e.getAttribute('aria-label') || e.id}: "${e.value}" (${e.scrollWidth} px in ${e.clientWidth})`);
  const cut = [...document.querySelectorAll('*')]
    .filter(e => getComputedStyle(e).textOverflow === 'ellipsis' && shown(e) && e.scrollWidth > e.clientWidth + 1)
    .map(e => `"${e.textContent.trim()}" (${e.scrollWidth} px in ${e.clientWidth})`);
  return [...boxes, ...cut];
}"""


# A box on screen that scrolls sideways inside the page (a wide table or figure in its own box): what it holds is
# partly out of view until the reader scrolls it. Each as "tag.class: its width in the box's". A few pixels are
# not counted: KaTeX's typeset equations overhang their own box by 2 px.
BOXES_SCROLLING_JS = """() => {
  const shown = e => { const r = e.getBoundingClientRect();
                       return e.offsetParent !== null && e.clientWidth > 0 && r.right > 0 && r.left < innerWidth; };
  return [...document.querySelectorAll('*')]
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && shown(e)
                 && e.scrollWidth > e.clientWidth + 4)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].filter(c => !c.startsWith('st-emotion')).join('.')}: `
              + `${e.scrollWidth} px in ${e.clientWidth}`);
}"""


def boxes_scrolling(page) -> list[str]:
    """The boxes on screen that scroll sideways inside the page (BOXES_SCROLLING_JS)."""
    return page.evaluate(BOXES_SCROLLING_JS)


# Text of a server-drawn SVG figure that sticks out of the figure, which clips it ("255" cut to "25" at a map's
# edge): each as "figure: "text" N px", measured on screen (so rotated labels count as drawn).
SVG_TEXT_OUTSIDE_JS = """() => { const out = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const r = svg.getBoundingClientRect();
    if (r.width < 40) continue;   // icons
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      if (!b.width) continue;
      const over = Math.max(r.left - b.left, b.right - r.right, r.top - b.top, b.bottom - r.bottom);
      if (over > 0.5) out.push((svg.getAttribute('class') || 'svg') + ': "' + t.textContent.slice(0, 20) + '" ' + over.toFixed(1) + ' px');
    }
  }
  return out; }"""


def svg_text_outside(page) -> list[str]:
    """Every text of an SVG figure on the page that reaches past the figure's edge (SVG_TEXT_OUTSIDE_JS)."""
    return page.evaluate(SVG_TEXT_OUTSIDE_JS)


# The Digits confusion grid (a table in its component's shadow root) as drawn: the opened cell's ring, its smallest
# button (WCAG 2.2's target size is 24 px), how far the grid's own box scrolls sideways.
GRID_DRAWN = ("t => { const pressed = t.querySelector('button[aria-pressed=true]'); const ring = pressed && getComputedStyle(pressed);"
              " const sizes = [...t.querySelectorAll('button')].map(b => b.getBoundingClientRect());"
              " return {opened: ring ? [ring.outlineStyle, ring.outlineWidth] : null,"
              " smallest: Math.min(...sizes.map(r => Math.min(r.width, r.height))),"
              " over: t.parentElement.scrollWidth - t.parentElement.clientWidth}; }")

# The smallest text of an SVG figure as drawn: its font size in the SVG's units, scaled to the figure's width.
SVG_TEXT_PX = ("sel => { const s = document.querySelector(sel);"
               " const least = Math.min(...[...s.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize)));"
               " return s.getBoundingClientRect().width / s.viewBox.baseVal.width * least; }")


def svg_text_px(page, selector: str) -> float:
    """The smallest text of the SVG figure `selector` as drawn, in CSS pixels (SVG_TEXT_PX)."""
    return page.evaluate(SVG_TEXT_PX, selector)


# Every SVG figure on screen that has text: its class, its smallest text as drawn (CSS px) and whether it scrolls in
# its own box (a wide figure kept at a legible size). A figure drawn twice (fontnet/figures/fit.py) counts once: the
# drawing not shown has no width.
FIGURE_TEXT_JS = """() => [...document.querySelectorAll('svg[viewBox]')]
  .filter(s => s.getBoundingClientRect().width > 0 && s.querySelector('text'))
  .map(s => ({figure: s.getAttribute('class') || 'svg', scrolls: !!s.closest('.fontnet-scroll-x'),
              px: +(Math.min(...[...s.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize)))
                   * s.getBoundingClientRect().width / s.viewBox.baseVal.width).toFixed(2)}))"""
LEGIBLE_PX, SCROLLING_PX = 10, 9.5   # fontnet.figures.fit.MIN_TEXT_PX; a figure that scrolls in its own box


def figure_text(page) -> list[dict]:
    """Every SVG figure on screen with text, its smallest text in CSS px (FIGURE_TEXT_JS)."""
    return page.evaluate(FIGURE_TEXT_JS)


def small_figure_text(page) -> list[dict]:
    """The figures on screen whose smallest text is below LEGIBLE_PX (SCROLLING_PX for one that scrolls), and any
    figure drawn for a wide and a narrow box that shows other than exactly one of its drawings."""
    shown = page.evaluate("() => [...document.querySelectorAll('.fontnet-fit')].map(f => [...f.children]"
                          ".filter(c => c.matches('.fit-wide, .fit-narrow') && c.getBoundingClientRect().height > 0)"
                          ".map(c => c.className))")
    twice = [{"figure drawn": drawn} for drawn in shown if len(drawn) != 1]
    return twice + [f for f in figure_text(page) if f["px"] < (SCROLLING_PX if f["scrolls"] else LEGIBLE_PX)]


# Streamlit draws a grey skeleton where a kind of control's code is still loading (it loads each kind when it first
# appears), and text is measured in its own font only once that font has loaded.
ALL_DRAWN = "() => !document.querySelector('[data-testid=stSkeleton]') && document.fonts.status === 'loaded'"


def cut_short(page) -> list[str]:
    """The text on screen that is shown only in part (CUT_SHORT_JS), each with its width and its box's, once every
    control on the page is drawn in its font."""
    page.wait_for_function(ALL_DRAWN, timeout=30_000)
    return page.evaluate(CUT_SHORT_JS)


# The room between an element and whatever is drawn next below it on the page: the next element with a height, in
# its parent or, at the end of the parent, after an ancestor (a block drawn last in a container is followed by what
# comes after the container).
GAP_BELOW_JS = """sel => { const el = document.querySelector(sel); let node = el.closest('[data-testid=stElementContainer]');
  while (node) {
    for (let next = node.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.getBoundingClientRect().height > 0) return next.getBoundingClientRect().top - el.getBoundingClientRect().bottom;
    }
    node = node.parentElement;
  }
  return null; }"""


def gap_below(page, selector: str) -> float | None:
    """How many pixels separate the element `selector` from what is drawn next below it (None: nothing is)."""
    return page.evaluate(GAP_BELOW_JS, selector)
