// A visitor's first script run draws only the top of the page, down to its main control (app/first_paint.py).
// Once the browser has drawn it (the script run has ended and no element still waits for its code), ask the
// server for the rest: one trigger, which reruns the script with the whole page.
const MAX_FRAMES = 600;  // about ten seconds of frames: past that, ask anyway
const STILL_FRAMES = 30; // the whole page is settled once its height has not changed for this many frames
const HELD = '[data-testid="stMain"] [class*="st-key-fontnet_later_"]';  // the held-back parts' containers

// A light run leaves empty space where each held-back part goes (about its height on a wide screen), so the main
// control is drawn where the whole page will have it. The whole run then fills each part in a piece at a time:
// to keep the control from jumping up and back meanwhile, each part keeps its light run's height as a minimum
// until the whole page has been drawn and has stopped growing, and then takes its own height.
// A held-back part's container that holds only the light run's spacer: the room kept for the part.
const spacerOnly = (el) =>
  el.querySelectorAll('[data-testid="stElementContainer"]').length === 1 && !!el.querySelector('[data-testid="stSpace"]');
// Keep each room drawn so far at its height (called on every frame of the light run, as its rooms appear).
const hold = () => {
  for (const el of document.querySelectorAll(HELD)) {
    if (el.dataset.fontnetHeld || !spacerOnly(el)) continue;
    const h = el.getBoundingClientRect().height;
    if (h > 0) {
      el.style.minHeight = `${h}px`;
      el.dataset.fontnetHeld = "1";
    }
  }
};
// how tall the parts held at a minimum height are inside, and the page: unchanged while nothing more arrives
const size = () => {
  let total = document.querySelector('[data-testid="stMain"]')?.scrollHeight ?? 0;
  for (const el of document.querySelectorAll(HELD + "[data-fontnet-held]")) {
    const kids = el.children;
    if (kids.length) total += kids[kids.length - 1].getBoundingClientRect().bottom - kids[0].getBoundingClientRect().top;
  }
  return Math.round(total);
};
const release = () => {
  for (const el of document.querySelectorAll(HELD)) {
    if (el.dataset.fontnetHeld) {
      el.style.minHeight = "";
      delete el.dataset.fontnetHeld;
    }
  }
};

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  // Streamlit calls this again on the same element when a run sends new data, without calling what the earlier
  // call returned: end that call's wait here (a light run's, when a whole run came first: a press, or two runs
  // asked for at once), or it would ask for the rest again once the page is drawn, and mark it light
  window.__fontnetFirstPaintEnd?.();
  window.__fontnetFirstPaintEnd = null;
  parentElement.setAttribute("data-first-paint", data.light ? "waiting" : "whole");  // for tests
  let gone = false;
  let frames = 0;
  // the light run has ended (Streamlit's own record of the script's state, which the status widget shows only
  // after a moment) and nothing it drew still waits for its code
  const drawn = () =>
    document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === "notRunning" &&
    !document.querySelector('[data-testid="stStatusWidget"]') &&
    !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]');
  if (!data.light) {
    hold();   // rooms drawn since the light run's last frame (this component comes first in the run, before them)
    if (!document.querySelector(HELD + "[data-fontnet-held]")) return;
    let height = -1;
    let still = 0;
    const settle = () => {
      if (gone) return;
      const h = size();
      still = drawn() && h === height ? still + 1 : 0;
      height = h;
      if (still >= STILL_FRAMES || ++frames > MAX_FRAMES) release();
      else requestAnimationFrame(settle);
    };
    requestAnimationFrame(settle);
    return (window.__fontnetFirstPaintEnd = () => { gone = true; release(); });
  }
  const check = () => {
    if (gone) return;
    hold();
    if (window.__fontnetRerunAsked) {  // session_reset.js asked for a run as this one was drawn: that run is whole
      window.__fontnetRerunAsked = false;
      parentElement.setAttribute("data-first-paint", "asked");
      return;
    }
    if (drawn() || ++frames > MAX_FRAMES) {
      parentElement.setAttribute("data-first-paint", "asked");
      setTriggerValue("painted", true);
      // rooms the light run draws after this (a short run can end before its elements are drawn)
      const more = () => { if (!gone) { hold(); requestAnimationFrame(more); } };
      requestAnimationFrame(more);
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(() => requestAnimationFrame(check));
  return (window.__fontnetFirstPaintEnd = () => { gone = true; });
}
