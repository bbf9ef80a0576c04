// Tells the server when the session drawing this page is not the one that drew it before, without a reload:
// the server process that held the visitor's session stopped and Streamlit's reconnect put them on another
// one, which starts a fresh session. The page keeps the token of the session that last drew it in its own
// memory (gone on a reload, which the visitor asked for) and reports one boolean, nothing else.
//
// For that, a session has to run the script once the connection is back. Streamlit's page asks for a run then
// only if one was going (session_reset.py says why that is not enough), so this script asks in the other case:
// exactly one run is asked for. It reads the page's connection and script states from the attributes Streamlit
// keeps on its app element.

const CONNECTION = "data-test-connection-state";
const SCRIPT = "data-test-script-state";

function watchReconnects() {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || window.__fontnetReconnectWatch) return;
  let state = app.getAttribute(CONNECTION);
  window.__fontnetReconnectWatch = new MutationObserver(() => {
    const now = app.getAttribute(CONNECTION);
    if (now === state) return;
    const wasLost = state !== "CONNECTED" && state !== "INITIAL" && state !== null;  // the connection had gone
    state = now;
    if (now !== "CONNECTED" || !wasLost) return;
    window.__fontnetReconnects = (window.__fontnetReconnects || 0) + 1;  // for tests: a reconnect was seen
    const script = app.getAttribute(SCRIPT);
    if (script !== "running" && script !== "rerunRequested") window.__fontnetAskRun?.();  // Streamlit will not
  });
  window.__fontnetReconnectWatch.observe(app, { attributes: true, attributeFilter: [CONNECTION] });
}

export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const before = window.__fontnetSessionToken;
  window.__fontnetSessionToken = data.token;
  window.__fontnetAskRun = () => setTriggerValue("reconnected", true);  // a run, and no callback: nothing else
  watchReconnects();
  parentElement.setAttribute("data-session-check", "ready");  // for tests: the script is live
  if (before && before !== data.token) {
    window.__fontnetRerunAsked = true;  // first_paint.js: this run draws the whole page, no second trigger
    setTriggerValue("reset", true);
  }
}
