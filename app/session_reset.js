// Tells the server when the session drawing this page is not the one that drew it before, without a reload:
// the server process that held the visitor's session stopped and Streamlit's reconnect put them on another
// one, which starts a fresh session. The page keeps the token of the session that last drew it in its own
// memory (gone on a reload, which the visitor asked for) and reports one boolean, nothing else.

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const before = window.__fontnetSessionToken;
  window.__fontnetSessionToken = data.token;
  parentElement.setAttribute("data-session-check", "ready");  // for tests: the script is live
  if (before && before !== data.token) {
    window.__fontnetRerunAsked = true;  // first_paint.js: this run draws the whole page, no second trigger
    setTriggerValue("reset", true);
  }
}
