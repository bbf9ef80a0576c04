// A visitor's first script run draws only the top of the page, down to its main control (app/first_paint.py).
// Once the browser has drawn it (the script run has ended and no element still waits for its code), ask the
// server for the rest: one trigger, which reruns the script with the whole page.
const MAX_FRAMES = 600;  // about ten seconds of frames: past that, ask anyway

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  parentElement.setAttribute("data-first-paint", data.light ? "waiting" : "whole");  // for tests
  if (!data.light) return;
  let gone = false;
  let frames = 0;
  const drawn = () =>
    !document.querySelector('[data-testid="stStatusWidget"]') &&
    !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]');
  const check = () => {
    if (gone) return;
    if (window.__fontnetRerunAsked) {  // session_reset.js asked for a run as this one was drawn: that run is whole
      window.__fontnetRerunAsked = false;
      parentElement.setAttribute("data-first-paint", "asked");
      return;
    }
    if (drawn() || ++frames > MAX_FRAMES) {
      parentElement.setAttribute("data-first-paint", "asked");
      setTriggerValue("painted", true);
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(() => requestAnimationFrame(check));
  return () => { gone = true; };
}
