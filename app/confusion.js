// The Digits page's confusion matrix: a table of real buttons, one per cell (rows the true digit, columns the
// prediction), each labelled with its count and, for a screen reader, with what it holds. Pressing one reports
// "true,predicted" to the server; only numbers the server sent are written, as text.

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const counts = data.counts;
  let top = 1;
  counts.forEach((row, t) => row.forEach((n, p) => { if (t !== p) top = Math.max(top, n); }));
  const table = document.createElement("table");
  table.className = "confusion";
  table.setAttribute("aria-label", "Confusion matrix: rows the true digit, columns the prediction");
  const head = table.createTHead().insertRow();
  const corner = document.createElement("th");
  corner.textContent = "true ↓ predicted →";
  corner.className = "corner";
  head.appendChild(corner);
  for (let p = 0; p < counts.length; p++) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = String(p);
    head.appendChild(th);
  }
  const body = table.createTBody();
  counts.forEach((row, t) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = String(t);
    tr.appendChild(th);
    row.forEach((n, p) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = String(n);
      button.dataset.true = String(t);
      button.dataset.predicted = String(p);
      button.setAttribute("aria-label", `true ${t}, predicted ${p}: ${n} test image${n === 1 ? "" : "s"}`);
      button.title = button.getAttribute("aria-label");
      button.setAttribute("aria-pressed", String(Boolean(data.open && data.open[0] === t && data.open[1] === p)));
      button.disabled = n === 0;
      // the diagonal (right) pale green; the rest from white to red by count; dark text on every shade
      const g = Math.round(255 - 120 * n / top);
      button.style.background = t === p ? "#d3f9d8" : n ? `rgb(255,${g},${g})` : "#ffffff";
      button.addEventListener("click", () => setTriggerValue("cell", `${t},${p}`));
      tr.insertCell().appendChild(button);
    });
  });
  // the grid's own box (confusion.css: narrower than 600 px, the ten columns share its width; never the page scrolls)
  const box = document.createElement("div");
  box.className = "confusion-scroll";
  box.appendChild(table);
  // replace only the grid drawn before: the component's stylesheet (confusion.css) sits beside it, and
  // replacing every child removed it
  for (const old of [...parentElement.children]) if (old.classList.contains("confusion-scroll")) old.remove();
  parentElement.appendChild(box);
}
