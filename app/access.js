// What every page needs for WCAG 2.1 AA that Streamlit's own markup does not give (see docs/accessibility.md).
//
// The sidebar's sectioned navigation: Streamlit renders each section as a <div> (its <header> and its <li>
// links) directly inside the <ul>, so a screen reader meets list items outside any list and a list of
// non-items. This gives the same markup the roles it means: the <ul> is only a wrapper (role="none"), each
// section is a list named by its header, and the header, whose words that name now carries, is not read
// twice. Nothing moves and nothing is restyled; React keeps the elements, and an observer applies the roles
// again to any navigation Streamlit draws afresh (another page, a resized window).

const NAV = '[data-testid="stSidebarNavItems"]';

export function fixNavigation(doc = document) {
  for (const ul of doc.querySelectorAll(NAV)) {
    const sections = [...ul.children].filter((c) => c.tagName !== "LI");
    if (!sections.length) continue;
    ul.setAttribute("role", "none");
    for (const section of sections) {
      const header = section.querySelector(":scope > header");
      if (section.getAttribute("role") !== "list") section.setAttribute("role", "list");
      if (header) {
        const label = header.querySelector('[data-testid="stMarkdownContainer"]') || header;
        const name = label.textContent.trim();
        if (section.getAttribute("aria-label") !== name) section.setAttribute("aria-label", name);
        if (header.getAttribute("aria-hidden") !== "true") header.setAttribute("aria-hidden", "true");
      }
    }
    ul.dataset.fontnetAccess = "fixed";  // for tests
  }
}

// A button with a keyboard shortcut shows it as <kbd aria-label="Shortcut D">, which becomes part of the button's
// name ("Dark reads better Shortcut D"). ARIA's own attribute for a shortcut is aria-keyshortcuts: the button keeps
// the name it shows, and a screen reader still announces the key.
export function exposeShortcuts(doc = document) {
  for (const kbd of doc.querySelectorAll('button kbd[aria-label^="Shortcut"]:not([aria-hidden])')) {
    kbd.closest("button").setAttribute("aria-keyshortcuts", kbd.textContent.trim());
    kbd.setAttribute("aria-hidden", "true");
  }
}

// A Markdown table wider than its column scrolls inside its own box (access.css), as do an `st.table` (the
// Activations page's Table 7-1 on a 320-pixel screen, WCAG's reflow width), a figure in a `.fontnet-scroll-x` box
// (the Backprop page's computation graph, kept at a legible size) and an equation KaTeX draws (`st.latex`:
// Predict's matrix arithmetic on a phone). A box that scrolls must be reachable by keyboard to be scrolled by one:
// while it is wider than the screen it is a named, focusable region (a figure's box names itself in
// data-scroll-label). KaTeX's glyphs overhang their box by a pixel or two at any width: an equation
// counts as scrolling from 12 px on, as axe-core counts a region.
const SCROLL_BOXES = '[data-testid="stMarkdownContainer"]:has(> table), [data-testid="stTable"] > div:has(> table), ' +
  '.fontnet-scroll-x, .katex-display';

export function scrollableTables(doc = document) {
  for (const box of doc.querySelectorAll(SCROLL_BOXES)) {
    const equation = box.classList.contains("katex-display");
    const scrolls = box.scrollWidth > box.clientWidth + (equation ? 12 : 1);
    const marked = box.dataset.fontnetScroll === "";
    if (scrolls && !marked && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", box.dataset.scrollLabel || (equation ? "Equation, scrolls sideways"
                                                                           : "Table, scrolls sideways"));
      box.dataset.fontnetScroll = "";
    } else if (!scrolls && marked) {
      for (const a of ["tabindex", "role", "aria-label", "data-fontnet-scroll"]) box.removeAttribute(a);
    }
  }
}

// A component that isolates its markup in a shadow root (the Digits page's drawing pad and its toolbar) is out of
// the page stylesheet's reach: its buttons get the same visible focus ring through a shared sheet of their own.
let ringSheet = null;

export function ringInComponents(colour, doc = document) {
  for (const host of doc.querySelectorAll('[data-testid="stBidiComponentIsolated"]')) {
    const root = host.shadowRoot;
    if (!root || root.__fontnetRing) continue;
    if (!ringSheet) {
      ringSheet = new CSSStyleSheet();
      ringSheet.replaceSync(`button:focus-visible, [role="button"]:focus-visible, [tabindex]:focus-visible
        { outline: 2px solid ${colour} !important; outline-offset: 1px; }`);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, ringSheet];
    root.__fontnetRing = true;
  }
}

// A key press on a control that the page then takes away or turns off drops keyboard focus to the page: Open a
// room becomes the room, Delete for good a message, Pause turns off when pressed, and a message shown above a
// control makes Streamlit draw the control again as a new element (Backprop's Apply this step, the "Room open"
// switch). Focus goes instead, in this order, to:
// 1. the same control drawn afresh (the same widget key), so a second press needs no Tab;
// 2. for a control turned off, the control its press turned on in its row (Pause's Resume, Resume's Pause), else
//    the next control on in its row (Undo's Skip), where it was;
// 3. the message the press left: the first Streamlit message (success, info, warning, error) in the main area
//    whose words were not on the page when the key went down, once the page has settled.
// Only after a key press (a mouse or touch user has no focus to follow), and only while the page has not put
// focus anywhere else, for a few seconds.
const MESSAGES = '[data-testid="stMain"] [data-testid="stAlertContainer"]';
const TABBABLE = 'button:not([disabled]), a[href], input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), ' +
  'select:not([disabled]), [tabindex]:not([tabindex="-1"])';
const FOLLOW_MS = 8000;
// Until the press's script run has ended (Streamlit's own run state on the app's element, or SETTLE_MS where a
// version does not say), only the same control drawn afresh is looked for: a message and the next control wait
// until the page is whole, so that they never win over a control still to be drawn.
const SETTLE_MS = 1000;
const CHECK_MS = 50;

// The same control drawn afresh: the element with its widget key (the class Streamlit puts on a keyed widget's
// own element container, not on a keyed container around it), else the one control of its kind with its name.
function sameControl(doc, lost) {
  const { control } = lost;
  const kind = (el) => el.tagName === control.tagName && el.type === control.type;
  if (lost.key) {
    return [...doc.querySelectorAll(`.${doc.defaultView.CSS.escape(lost.key)} ${control.tagName}`)].find(kind);
  }
  const named = [...doc.querySelectorAll(`[data-testid="stMain"] ${control.tagName}`)]
    .filter((el) => kind(el) && controlName(el) === lost.name);
  return named.length === 1 ? named[0] : null;
}

function controlName(el) {
  return (el.getAttribute("aria-label") || el.textContent || "").trim();
}

function widgetKey(el) {
  const box = el.closest('[data-testid="stElementContainer"]');
  return box ? [...box.classList].find((c) => c.startsWith("st-key-")) || null : null;
}

export function followFocus(doc = document) {
  const w = doc.defaultView;
  const said = () => [...doc.querySelectorAll(MESSAGES)];
  let keyed = null;   // the messages' words when the last key went down; null after a pointer
  let lost = null;
  let timer = null;
  let woke = new Set();  // the names of the controls that were off in the pressed control's row at that key
  doc.addEventListener("keydown", () => {
    keyed = new Set(said().map((m) => m.textContent));
    const row = doc.activeElement?.closest?.('[data-testid="stHorizontalBlock"]');
    woke = new Set(row ? [...row.querySelectorAll("button[disabled], input[disabled]")].map(controlName) : []);
  }, true);
  doc.addEventListener("pointerdown", () => { keyed = null; }, true);
  doc.addEventListener("focusout", (e) => {
    if (e.relatedTarget || !keyed || !e.target.closest?.('[data-testid="stMain"]')) return;
    lost = { control: e.target, key: widgetKey(e.target), name: controlName(e.target), before: keyed, woke,
             at: w.performance.now() };
    follow();
  }, true);
  const land = (el, message = false) => {
    if (message) el.tabIndex = -1;
    el.focus();
    lost = null;
  };
  const decide = (whole) => {
    const active = doc.activeElement;
    if (!lost || w.performance.now() - lost.at > FOLLOW_MS || (active && active !== doc.body)) {
      lost = null;
      return;
    }
    const { control } = lost;
    if (control.isConnected && !control.disabled) return;  // still there and on: focus left for another reason
    // the control itself, or the same widget drawn afresh (on or off)
    const here = control.isConnected ? control : sameControl(doc, lost);
    if (here && !here.disabled) return land(here);
    if (!whole) return;
    // a control turned off, where it was: the control in its row that the press turned on (Pause's Resume,
    // Resume's Pause), else the next one on in its row (Undo's Skip), else the one before it
    const row = here && here.closest('[data-testid="stHorizontalBlock"]');
    if (row) {
      const on = [...row.querySelectorAll(TABBABLE)].filter((el) => el.getClientRects().length);
      const turnedOn = on.find((el) => lost.woke.has(controlName(el)));
      const after = on.find((el) => here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
      const next = turnedOn || after ||
        on.filter((el) => here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING).at(-1);
      if (next) return land(next);
    }
    const message = said().find((m) => !lost.before.has(m.textContent));
    if (message) land(message, true);
  };
  const settled = () => {
    const state = doc.querySelector('[data-testid="stApp"]')?.dataset.testScriptState;
    const waited = w.performance.now() - lost.at;
    return waited >= CHECK_MS && (state ? state !== "running" : waited >= SETTLE_MS);
  };
  // checked on every change to the page and every CHECK_MS while focus is lost (the run's end changes no element)
  const follow = () => {
    if (!lost) return;
    decide(settled());
    if (lost && !timer) timer = w.setTimeout(() => { timer = null; follow(); }, CHECK_MS);
  };
  return follow;
}

export default function (component) {
  component.parentElement.setAttribute("data-access", "ready");  // for tests: the script is live
  if (window.__fontnetAccess) return;
  window.__fontnetAccess = true;
  const colour = /^#[0-9a-fA-F]{6}$/.test(component.data?.primary || "") ? component.data.primary : "#b93e0c";
  let measuring = false;
  const follow = followFocus();
  const apply = () => {
    follow();
    fixNavigation();
    exposeShortcuts();
    ringInComponents(colour);
    if (!measuring) {  // measuring widths forces a layout: once a frame at most
      measuring = true;
      requestAnimationFrame(() => {
        measuring = false;
        scrollableTables();
      });
    }
  };
  apply();
  addEventListener("resize", apply);
  // a web font that loads later (KaTeX's, the theme's) widens text without adding an element: measure again then
  document.fonts?.addEventListener?.("loadingdone", apply);
  // only attributes and style sheets change here, and the observer watches for elements added: it never wakes
  // itself
  new MutationObserver(apply).observe(document.body, { subtree: true, childList: true });
  // a component may attach its shadow root after its element was added: focus entering it is the last call
  document.addEventListener("focusin", () => ringInComponents(colour), true);
}
