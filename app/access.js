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

export default function (component) {
  component.parentElement.setAttribute("data-access", "ready");  // for tests: the script is live
  if (window.__fontnetAccess) return;
  window.__fontnetAccess = true;
  fixNavigation();
  // only attributes change here, and the observer watches for elements added: it never wakes itself
  new MutationObserver(() => fixNavigation()).observe(document.body, { subtree: true, childList: true });
}
