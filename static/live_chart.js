// Live charts that stay mounted and receive only what is new (see app/live_chart.py, which mounts a small loader
// that imports this module once per page from the app's static files).

import uPlot from "./vendor/uplot/uPlot.esm.js";

// uPlot's stylesheet, once per page. The module (and so every chart) is ready only once it applies: before it
// does, a chart's canvas shows at its pixel size, twice its width on a phone's screen, past the page's edge. A
// stylesheet that fails to load does not hold the charts back.
await new Promise((resolve) => {
  if (document.querySelector("link[data-fontnet-uplot]")) return resolve();
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("./vendor/uplot/uPlot.min.css", import.meta.url).href;
  link.dataset.fontnetUplot = "";
  link.addEventListener("load", resolve, { once: true });
  link.addEventListener("error", resolve, { once: true });
  document.head.appendChild(link);
});
//
// Each payload carries `run` (which run the points belong to), `start` (the index of its first point) and the
// points themselves. A payload that continues what this chart holds is appended; anything else (`full`, a new
// run, a gap) replaces the chart's data with the payload. The server sends the whole history on every page
// run, so a chart that somehow missed points is whole again at the next Pause, reload or finished run.
// Everything here is numbers and colours the server chose; nothing is written into the page as text except
// the server's own axis titles and series names (set as textContent, never as HTML).

// Streamlit's own face ("Source Sans", loaded by the page) first, as fontnet/figures/network.py's FONT_FAMILY
const FONT = '13px "Source Sans", "Source Sans Pro", "Source Sans 3", sans-serif';
const INK = "#31333f";
const GRID = "#ebe9e3";
const PAPER = "#fcfbf8";   // the theme's background (.streamlit/config.toml), behind a table's fixed headings

function dashOf(d) {
  return { solid: [], dot: [2, 3], dash: [6, 4] }[d] || [];
}

function percent(v) {
  return Math.round(v * 100) + "%";
}

function compact(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1000) return (v / 1000).toLocaleString("en", { maximumFractionDigits: 1 }) + "k";
  return Number(v.toPrecision(3)).toString();
}

// A log axis that asks for `decades` (one spanning many of them) is ticked at whole decades, at most about seven
// (every k-th when the range is wide), each written as a plain number near 1 and as 1e-6 farther away.
function decades(u, axisIdx, min, max) {
  if (!(min > 0) || !(max > 0)) return [];
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.ceil(Math.log10(max) - 1e-9);
  const step = Math.max(1, Math.ceil((hi - lo) / 7));
  const out = [];
  for (let e = hi; e >= lo; e -= step) out.unshift(10 ** e);
  return out;
}

function decade(v) {
  return v >= 1e-3 && v < 1e4 ? compact(v) : v.toExponential(0).replace("e+", "e");
}

// ---- lines: uPlot ---------------------------------------------------------------------------------------
// A spec with `readout` shows uPlot's legend under the chart: each series' name, its line, and its value where
// the pointer is (x to `x_decimals`, values to `decimals` or `significant` digits).
function readoutFormat(ro) {
  return (v) => (v == null ? "–" : ro.decimals != null ? v.toFixed(ro.decimals)
    : Number(v.toPrecision(ro.significant || 3)).toString());
}

function linesOptions(spec, width) {
  const ro = spec.readout;
  const scales = { x: { time: false, range: [spec.x.min, spec.x.max] } };
  const step = spec.x.step;
  const axes = [{
    scale: "x", label: spec.x.label, stroke: INK, font: FONT, labelFont: FONT, size: 34, labelSize: 18,
    grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, values: (u, vals) => vals.map(compact),
    ...(step ? { incrs: [1, 2, 5, 10, 20, 50].map((k) => k * step) } : {}),
  }];
  for (const [name, ax] of Object.entries(spec.axes)) {
    scales[name] = ax.log ? { distr: 3, log: 10 } : { auto: ax.min == null, range: ax.min == null ? undefined : [ax.min, ax.max] };
    axes.push({
      scale: name, label: ax.label, side: ax.side === "right" ? 1 : 3, stroke: INK, font: FONT, labelFont: FONT,
      size: 54, labelSize: 18, grid: { show: ax.side !== "right", stroke: GRID, width: 1 }, ticks: { stroke: GRID },
      values: (u, vals) => vals.map((v) => (v == null ? "" : ax.percent ? percent(v) : ax.decades ? decade(v) : compact(v))),
      ...(ax.ticks ? { splits: () => ax.ticks } : ax.decades ? { splits: decades, filter: (u, splits) => splits } : {}),
    });
  }
  const value = ro ? readoutFormat(ro) : null;
  const x = { label: spec.x.label };
  if (ro) x.value = (u, v) => (v == null ? "–" : v.toFixed(ro.x_decimals || 0));
  const series = [x].concat(spec.series.map((s) => ({
    label: s.label, scale: s.scale, stroke: s.color, width: s.width || 2, dash: dashOf(s.dash),
    points: s.points ? { show: true, size: 6, fill: s.color, stroke: s.color } : { show: false },
    spanGaps: false, ...(value ? { value: (u, v) => value(v) } : {}),
  })));
  const legend = ro
    ? { show: true, live: true, markers: { width: 3, dash: (u, i) => (u.series[i].dash && u.series[i].dash.length ? "dashed" : "solid") } }
    : { show: false };
  return {
    width, height: spec.height, scales, axes, series, legend,
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    // without a right-hand axis, room for half the last x tick's label ("100k"), which is centred on the edge
    padding: [10, Object.values(spec.axes).some((ax) => ax.side === "right") ? 6 : 20, 0, 6],
  };
}

function linesData(state) {
  return [state.x].concat(state.ys);
}

class Lines {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.x = [];
    this.ys = spec.series.map(() => []);
    this.plot = new uPlot(linesOptions(spec, Math.max(root.clientWidth, 200)), linesData(this), root);
    const canvas = this.plot.root.querySelector("canvas");
    if (spec.alt && canvas) {
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", spec.alt);
    }
    this.resize = new ResizeObserver(() => {
      const w = Math.max(root.clientWidth, 200);
      if (Math.abs(w - this.plot.width) > 1) this.plot.setSize({ width: w, height: spec.height });
    });
    this.resize.observe(root);
  }
  replace(p) {
    this.x = p.x.slice();
    this.ys = p.ys.map((y) => y.slice());
  }
  append(p, skip) {
    for (let k = skip; k < p.x.length; k++) this.x.push(p.x[k]);
    p.ys.forEach((y, i) => { for (let k = skip; k < y.length; k++) this.ys[i].push(y[k]); });
  }
  draw() {
    this.plot.setData(linesData(this));  // rescales y (x keeps its fixed range) and redraws
  }
  get length() {
    return this.x.length;
  }
  destroy() {
    this.resize.disconnect();
    this.plot.destroy();
  }
}

// ---- map: P(dark) over a slice of the RGB cube, on a canvas ------------------------------------------------
function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function colourScale(stops) {
  const s = stops.map(([t, c]) => [t, hexToRgb(c)]);
  return (t) => {
    for (let i = 1; i < s.length; i++) {
      if (t <= s[i][0]) {
        const [t0, c0] = s[i - 1];
        const [t1, c1] = s[i];
        const f = (t - t0) / (t1 - t0 || 1);
        return c0.map((v, k) => Math.round(v + f * (c1[k] - v)));
      }
    }
    return s[s.length - 1][1];
  };
}

// A size x size grid of 0-255 values through the colour scale into the square at (x0, y0): row j is the y
// channel's j-th value (drawn upwards), column i the x channel's.
function paintGrid(ctx, scale, grid, size, x0, y0, side) {
  const cell = side / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const [r, g, b] = scale(grid[j * size + i] / 255);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x0 + i * cell, y0 + side - (j + 1) * cell, cell + 0.5, cell + 0.5);
    }
  }
}

class MapChart {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.scale = colourScale(spec.scale);
    this.canvas = document.createElement("canvas");
    this.canvas.style.width = "100%";
    this.canvas.style.height = spec.height + "px";
    if (spec.alt) {
      this.canvas.setAttribute("role", "img");
      this.canvas.setAttribute("aria-label", spec.alt);
    }
    root.appendChild(this.canvas);
    if (spec.legend) this.addLegend(spec.legend);
    if (spec.readout) this.addReadout(spec.readout);
    this.state = null;
    this.dots = null;   // a history of dots ([x, y, r, g, b, label]) that updates append to, when the server sends `dots`
    this.count = 0;
    // Redrawn at a new width; the canvas's own height follows its width (draw), which the observer then sees as
    // the root's new size: only a change of width redraws, a frame later, so that the observer never loops.
    this.width = 0;
    this.resize = new ResizeObserver(() => {
      if (this.root.clientWidth !== this.width) requestAnimationFrame(() => this.draw(true));
    });
    this.resize.observe(root);
  }
  replace(p) {
    if (p.dots) this.dots = [];
    this.append(p, 0);
  }
  append(p, skip) {
    // The grid has no history: a payload brings the latest one (or none: the map keeps its own), and the data
    // points on a full one. Dots do: a payload brings those from `start` on, and the map appends what it lacks.
    const { dots, ...rest } = p;
    this.state = { ...(this.state || {}), ...rest };
    if (dots) {
      this.dots = (this.dots || []).concat(skip ? dots.slice(skip) : dots);
      this.count = this.dots.length;
    } else {
      this.count = this.dots ? this.dots.length : p.length;
    }
    this.dirty = this.dirty || "grid" in p || "points" in p || (dots && dots.length > skip);
  }
  get length() {
    return this.count;
  }
  draw(force = false) {
    const s = this.state;
    if (!s || !s.grid || !(this.dirty || force)) return;
    this.dirty = false;
    const dpr = window.devicePixelRatio || 1;
    this.width = this.root.clientWidth;
    const W = Math.max(this.width, 200);
    const m = { l: 52, r: 10, t: 8, b: 40 };
    // the map is square: in a box narrower than it is tall (a phone), the canvas is only as tall as the square
    // and its axes, so that the key under it follows it without a gap
    const H = Math.min(this.spec.height, W - m.l - m.r + m.t + m.b);
    if (this.canvas.style.height !== H + "px") this.canvas.style.height = H + "px";
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const side = Math.min(W - m.l - m.r, H - m.t - m.b);
    const n = this.spec.size;
    const px = (v) => m.l + (v / 255) * side;
    const py = (v) => m.t + side - (v / 255) * side;
    this.geom = { m, side, px, py };
    paintGrid(ctx, this.scale, s.grid, n, m.l, m.t, side);
    ctx.lineWidth = 2;
    ctx.strokeStyle = this.spec.line;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    for (const [x0, y0, x1, y1] of s.contour || []) {
      ctx.moveTo(px(x0), py(y0));
      ctx.lineTo(px(x1), py(y1));
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = this.spec.boundary_colour;
    if (s.boundary && s.boundary.length === 2) {
      ctx.beginPath();
      ctx.moveTo(px(s.boundary[0][0]), py(s.boundary[0][1]));
      ctx.lineTo(px(s.boundary[1][0]), py(s.boundary[1][1]));
      ctx.stroke();
    }
    ctx.lineWidth = 1;
    const fade = this.spec.fade;
    for (const dot of (s.points || []).concat(this.dots || [])) {
      const [x, y, r, g, b, label] = dot;
      // a colour far from the slice is drawn faintly: the map's background is not its network's answer
      ctx.globalAlpha = fade && Math.abs(dot[2 + fade.channel] - fade.at) > fade.within ? 0.3 : 1;
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.strokeStyle = this.spec.dot_edges[label ? 1 : 0];
      ctx.beginPath();
      if (label) {
        ctx.arc(px(x), py(y), 3.5, 0, 2 * Math.PI);
      } else {
        ctx.moveTo(px(x), py(y) - 4.5);
        ctx.lineTo(px(x) + 4.5, py(y));
        ctx.lineTo(px(x), py(y) + 4.5);
        ctx.lineTo(px(x) - 4.5, py(y));
        ctx.closePath();
      }
      ctx.fill();
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    if (this.cell) {
      // the keyboard's cell cursor: ink and white, seen on either end of the colour scale
      const c = side / n;
      const [ci, cj] = this.cell;
      for (const [colour, w] of [["#ffffff", 4], [INK, 2]]) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = w;
        ctx.strokeRect(m.l + ci * c - 2, m.t + side - (cj + 1) * c - 2, c + 4, c + 4);
      }
      ctx.lineWidth = 1;
    }
    this.canvas.dataset.dots = String(this.dots ? this.dots.length : 0);   // for tests and scripts
    // axes
    ctx.strokeStyle = GRID;
    ctx.strokeRect(m.l, m.t, side, side);
    ctx.fillStyle = INK;
    ctx.font = FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of [0, 64, 128, 192, 255]) {
      ctx.fillText(String(v), px(v), m.t + side + 4);
    }
    ctx.fillText(this.spec.x_label, m.l + side / 2, m.t + side + 20);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of [0, 64, 128, 192, 255]) {
      ctx.fillText(String(v), m.l - 6, py(v));
    }
    ctx.save();
    ctx.translate(12, m.t + side / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(this.spec.y_label, 0, 0);
    ctx.restore();
  }
  // The readout: P(dark) and the channels of the cell under the pointer (the cell as painted), and the colour of
  // a dot within a few pixels. The server's exact P (`p`, three decimals) when it sent one, else the grid's. From
  // the keyboard, the focused map's arrow keys move a cell cursor (outlined on the map) and the readout, a polite
  // live region, says the same for it.
  // The key to the map's lines, right under it: each line's sample in its colour and dash, and its name as text
  // (the server's words). Colours only from #rrggbb values.
  addLegend(items) {
    const key = document.createElement("div");
    key.className = "fontnet-map-legend";
    key.style.cssText = "font-size:0.85rem;line-height:1.6;color:" + INK + ";display:flex;flex-wrap:wrap;" +
      "gap:0 1.1em;margin:0.2rem 0 0 0;";
    const SVG = "http://www.w3.org/2000/svg";
    for (const item of items) {
      const entry = document.createElement("span");
      entry.style.whiteSpace = "nowrap";
      const svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("width", "26");
      svg.setAttribute("height", "10");
      svg.setAttribute("aria-hidden", "true");
      svg.style.marginRight = "0.3em";
      const line = document.createElementNS(SVG, "line");
      for (const [k, v] of [["x1", 1], ["y1", 5], ["x2", 25], ["y2", 5], ["stroke-width", 2.5]]) line.setAttribute(k, v);
      line.setAttribute("stroke", colour(item.colour, INK));
      line.setAttribute("stroke-dasharray", dashOf(item.dash).join(" "));
      svg.appendChild(line);
      entry.append(svg, String(item.name));
      key.appendChild(entry);
    }
    this.root.appendChild(this.legend = key);
  }
  addReadout(rest) {
    const out = document.createElement("div");
    out.className = "fontnet-map-readout";
    out.setAttribute("aria-live", "polite");
    out.style.cssText = "font-size:0.85rem;line-height:1.4;min-height:2.8em;color:" + INK + ";";
    out.textContent = rest;
    this.root.appendChild(this.readout = out);
    this.cell = null;
    const c = this.canvas;
    c.tabIndex = 0;
    c.addEventListener("pointermove", (e) => {
      const r = c.getBoundingClientRect();
      this.read(e.clientX - r.left, e.clientY - r.top);
    });
    c.addEventListener("pointerleave", () => this.read(null, null));
    c.addEventListener("keydown", (e) => {
      const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
      const g = this.geom;
      if (!step || !g) return;
      e.preventDefault();
      const n = this.spec.size;
      const clamp = (v) => Math.max(0, Math.min(n - 1, v));
      const [i, j] = this.cell ? [clamp(this.cell[0] + step[0]), clamp(this.cell[1] + step[1])]
        : [Math.floor(n / 2), Math.floor(n / 2)];
      this.cell = [i, j];
      this.draw(true);
      this.read(g.px(((i + 0.5) * 255) / n), g.py(((j + 0.5) * 255) / n));
    });
    c.addEventListener("blur", () => {
      if (!this.cell) return;
      this.cell = null;
      this.draw(true);
      this.read(null, null);
    });
  }
  // (x, y): a point on the canvas, in CSS pixels; null when the pointer left it
  read(x, y) {
    const out = this.readout;
    const g = this.geom;
    const s = this.state;
    const fx = g && x != null ? (x - g.m.l) / g.side : -1;
    const fy = g && y != null ? (g.m.t + g.side - y) / g.side : -1;
    if (!s || !s.grid || fx < 0 || fx > 1 || fy < 0 || fy > 1) {
      out.textContent = this.spec.readout;
      delete out.dataset.p;
      return;
    }
    const n = this.spec.size;
    const i = Math.min(n - 1, Math.floor(fx * n));
    const j = Math.min(n - 1, Math.floor(fy * n));
    const p = s.p ? s.p[j * n + i] : s.grid[j * n + i] / 255;
    const cx = Math.round((i * 255) / (n - 1));
    const cy = Math.round((j * 255) / (n - 1));
    let text = `${this.spec.x_label} = ${cx}, ${this.spec.y_label} = ${cy}: P(dark text) = ${p.toFixed(3)}`;
    let near = null;
    let best = Math.max(7, g.side / n);
    for (const d of (s.points || []).concat(this.dots || [])) {
      const dist = Math.hypot(g.px(d[0]) - x, g.py(d[1]) - y);
      if (dist < best) [best, near] = [dist, d];
    }
    if (near) text += ` · the dot here: rgb(${near[2]}, ${near[3]}, ${near[4]}), ${near[5] ? "dark" : "light"} text`;
    out.textContent = text;
    Object.assign(out.dataset, { p: p.toFixed(3), x: String(cx), y: String(cy),
      dot: near ? `${near[2]},${near[3]},${near[4]},${near[5]}` : "" });
  }
  destroy() {
    this.resize.disconnect();
    this.canvas.remove();
    if (this.legend) this.legend.remove();
    if (this.readout) this.readout.remove();
  }
}

// ---- text: figures, a table and colour swatches ------------------------------------------------------------
// Each payload brings the whole content (small: a class's figures, its students, a few swatches), which
// replaces what is shown. Every word and number is set as textContent; colours only from #rrggbb values.
const HEX = /^#[0-9a-fA-F]{6}$/;

function colour(value, fallback) {
  return typeof value === "string" && HEX.test(value) ? value : fallback;
}

class TextKind {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.el = document.createElement("div");
    root.appendChild(this.el);
    this.payload = null;
  }
  replace(p) {
    this.payload = p;
  }
  append(p) {
    this.payload = p;
  }
  get length() {
    return 0;
  }
  draw() {
    if (this.payload) this.fill(this.payload);
  }
  destroy() {
    this.el.remove();
  }
}

class Stats extends TextKind {
  fill(p) {
    this.el.replaceChildren();
    this.el.style.cssText = "display:flex;flex-wrap:wrap;gap:0.5rem 2rem;margin:0.2rem 0 0.8rem 0;";
    for (const item of p.items || []) {
      const box = document.createElement("div");
      box.dataset.stat = String(item.key);
      const label = document.createElement("div");
      label.style.cssText = "font-size:0.85rem;color:" + INK + ";";
      label.textContent = String(item.label);
      const value = document.createElement("div");
      value.className = "fontnet-stat-value";
      value.style.cssText = "font-size:1.9rem;line-height:1.2;color:" + INK + ";";
      value.textContent = String(item.value);
      box.append(label, value);
      this.el.appendChild(box);
    }
  }
}

class Table extends TextKind {
  fill(p) {
    const numeric = this.spec.numeric || [];
    const table = document.createElement("table");
    table.style.cssText = "border-collapse:collapse;width:100%;font-size:0.9rem;color:" + INK + ";";
    const head = table.createTHead().insertRow();
    this.spec.columns.forEach((c, i) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = String(c);
      // the headings stay in view while a long table scrolls in its box (`maxHeight`): a sticky cell on the
      // page's background, its rule drawn as a shadow (a collapsed border would scroll away)
      th.style.cssText = "text-align:" + (numeric[i] ? "right" : "left") + ";padding:0.25rem 0.5rem;" +
        "box-shadow:inset 0 -1px 0 " + GRID + ";font-weight:600;vertical-align:bottom;" +
        "position:sticky;top:0;background:" + PAPER + ";";
      head.appendChild(th);
    });
    const body = table.createTBody();
    for (const row of p.rows || []) {
      const tr = body.insertRow();
      row.forEach((cell, i) => {
        const td = tr.insertCell();
        td.textContent = String(cell);
        // a long name (24 characters, no space) breaks rather than widening its column; a short one ("Student
        // 12") keeps to one line, not squeezed by the long headings beside it
        td.style.cssText = "text-align:" + (numeric[i] ? "right" : "left") + ";padding:0.2rem 0.5rem;" +
          "border-bottom:1px solid " + GRID + ";overflow-wrap:anywhere;" + (numeric[i] ? "" : "min-width:6.5rem;");
      });
    }
    this.el.replaceChildren(table);
    // a table wider than a phone scrolls in its own box, not the page, and one taller than `maxHeight` (a class
    // of 30) scrolls down in it, so what comes after it stays near; the box is a named region that takes
    // focus, so the keyboard can scroll it too
    this.el.style.overflowX = "auto";
    if (this.spec.maxHeight) {
      this.el.style.maxHeight = String(this.spec.maxHeight);
      this.el.style.overflowY = "auto";
      this.watchHeight();
    }
    this.el.tabIndex = 0;
    this.el.setAttribute("role", "region");
    // named by its chart's title (the box's first child; the table's own box sits in the second)
    const title = this.el.closest("[data-chart]")?.querySelector(":scope > .fontnet-live-title");
    this.el.setAttribute("aria-label", title?.textContent || "table");
    this.el.dataset.rows = String((p.rows || []).length);
  }
  // While the table is taller than its box, a line under it says so (`spec.more`): a scroll bar alone is easy to
  // miss, and on many screens it shows only while scrolling.
  watchHeight() {
    if (!this.more) {
      this.more = document.createElement("p");
      this.more.className = "fontnet-table-more";
      this.more.style.cssText = "font-size:0.85rem;color:" + INK + ";margin:0.3rem 0 0.5rem 0;";
      this.more.textContent = String(this.spec.more || "");
      this.root.appendChild(this.more);
      if (window.ResizeObserver) {
        this.resize = new ResizeObserver(() => this.showMore());
        this.resize.observe(this.el);
      }
    }
    this.showMore();
  }
  showMore() {
    this.more.hidden = !this.spec.more || this.el.scrollHeight <= this.el.clientHeight + 1;
  }
  destroy() {
    this.resize?.disconnect();
    this.more?.remove();
    super.destroy();
  }
}

class Swatches extends TextKind {
  fill(p) {
    this.el.replaceChildren();
    this.el.style.cssText = "display:flex;flex-wrap:wrap;gap:6px;";
    const items = p.items || [];
    if (!items.length) {
      const none = document.createElement("p");
      none.style.cssText = "font-size:0.9rem;color:" + INK + ";margin:0.3rem 0;";
      none.textContent = String(this.spec.empty || "");
      this.el.appendChild(none);
    }
    for (const item of items) {
      const box = document.createElement("div");
      box.className = "fontnet-swatch";
      box.style.cssText = "border-radius:0.4rem;padding:0.5rem 0.7rem;min-width:8.5rem;font-size:0.9rem;" +
        "border:1px solid rgba(0,0,0,0.12);font-weight:600;";
      box.style.background = colour(item.bg, "#ffffff");
      box.style.color = colour(item.fg, INK);
      box.textContent = String(item.text);
      box.title = String(item.title || "");
      this.el.appendChild(box);
    }
    this.el.dataset.items = String(items.length);
  }
}

// ---- maps: small multiples, one per hidden node (its activation A over the slice) ----------------------------
// Each payload with `grids` brings every node's latest map: A as 0-255 of that node's own range, its largest
// value (`tops`), its Z = 0 line (`contours`) and the formula's line (`boundary`). Like the map, no history.
class NodeMaps extends MapChart {
  constructor(root, spec) {
    super(root, spec);
    this.canvas.setAttribute("role", "img");
  }
  append(p, skip) {
    super.append(p, skip);
    this.dirty = this.dirty || "grids" in p;
  }
  draw(force = false) {
    const s = this.state;
    if (!s || !s.grids || !(this.dirty || force)) return;
    this.dirty = false;
    const n = s.grids.length;
    const per = Math.max(1, Math.min(n, this.spec.per_row));
    const rows = Math.ceil(n / per);
    const gap = 12;
    const head = 18;
    const W = Math.max(this.root.clientWidth, 200);
    const side = Math.max(40, Math.min((W - gap * (per - 1)) / per, this.spec.height));
    const H = rows * (side + head + gap);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.style.height = H + "px";
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const labels = [];
    for (let k = 0; k < n; k++) {
      const x0 = (k % per) * (side + gap);
      const y0 = Math.floor(k / per) * (side + head + gap) + head;
      const px = (v) => x0 + (v / 255) * side;
      const py = (v) => y0 + side - (v / 255) * side;
      paintGrid(ctx, this.scale, s.grids[k], this.spec.size, x0, y0, side);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = this.spec.line;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      for (const [a, b, c, d] of (s.contours || [])[k] || []) {
        ctx.moveTo(px(a), py(b));
        ctx.lineTo(px(c), py(d));
      }
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.lineWidth = 1;
      ctx.strokeStyle = this.spec.boundary_colour;
      ctx.beginPath();
      for (const [a, b, c, d] of s.boundary || []) {
        ctx.moveTo(px(a), py(b));
        ctx.lineTo(px(c), py(d));
      }
      ctx.stroke();
      ctx.strokeStyle = GRID;
      ctx.strokeRect(x0, y0, side, side);
      const top = (s.tops || [])[k];
      const label = `node ${k + 1}: A up to ${top == null ? "?" : compact(top)}`;
      labels.push(label);
      ctx.fillStyle = INK;
      ctx.font = FONT;
      ctx.textAlign = "left";
      ctx.textBaseline = "bottom";
      ctx.fillText(label, x0, y0 - 3);
    }
    this.canvas.setAttribute("aria-label", "Each hidden node's activation over the slice: " + labels.join("; "));
  }
  destroy() {
    this.resize.disconnect();
    this.canvas.remove();
  }
}

// ---- picture: a figure the server draws (an SVG of the app's own making) -------------------------------------
// Each payload with `svg` brings the whole new picture, which replaces the old one; one without it keeps what is
// shown. The cost surface follows a playing run this way, about once a second (app/cost_surface.py).
class Picture {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.length = 0;
    this.svg = null;
    this.made = null;
    this.dirty = false;
  }
  replace(p) {
    this.append(p);
  }
  append(p) {
    this.length = p.length;
    if (typeof p.svg === "string") {
      this.svg = p.svg;
      this.made = typeof p.made === "number" ? p.made : null;  // a live picture: the server's clock when made
      this.dirty = true;
    }
  }
  draw() {
    if (!this.dirty) return;
    this.dirty = false;
    this.root.innerHTML = this.svg;
  }
  destroy() {
    this.root.innerHTML = "";
  }
}

const KINDS = { lines: Lines, map: MapChart, maps: NodeMaps, stats: Stats, table: Table, swatches: Swatches,
  picture: Picture };

// The panel's grid: its columns and areas, or, while the panel is narrower than `layout.narrow.below` pixels (a
// laptop with the sidebar open, a phone), the narrow layout: one chart under another, each as wide as the panel,
// so that no chart is squeezed into a column too narrow for it (the class's table of students scrolled sideways
// in a fifth of a 1,024-pixel screen). The grid's own width does not depend on its columns, so switching cannot
// loop; each chart redraws at its new width by its own ResizeObserver.
function setLayout(grid, layout) {
  grid.__fontnetLayout = layout;
  const apply = () => {
    const l = grid.__fontnetLayout;
    const narrow = !!l.narrow && grid.clientWidth > 0 && grid.clientWidth < l.narrow.below;
    const use = narrow ? l.narrow : l;
    grid.style.gridTemplateColumns = use.columns;
    grid.style.gridTemplateAreas = use.areas.map((row) => `"${row}"`).join(" ");
    grid.dataset.layout = narrow ? "narrow" : "wide";
  };
  apply();
  if (!grid.__fontnetResize && window.ResizeObserver) {
    grid.__fontnetResize = new ResizeObserver(apply);
    grid.__fontnetResize.observe(grid);
  }
}

// One chart of a panel: its own box (with the server's title, as text) and its own state.
function chartBox(root, name, title, area) {
  let box = root.querySelector(`:scope > .fontnet-live-grid > [data-chart="${name}"]`);
  if (!box) {
    box = document.createElement("div");
    box.dataset.chart = name;
    box.style.gridArea = area || name;
    box.style.minWidth = "0";
    const h = document.createElement("div");
    h.className = "fontnet-live-title";
    h.style.cssText = "font-size:0.9rem;font-weight:600;margin:0.2rem 0 0.1rem 0;color:" + INK;
    box.appendChild(h);
    const plot = document.createElement("div");
    box.appendChild(plot);
    root.querySelector(":scope > .fontnet-live-grid").appendChild(box);
  }
  if (title !== undefined) box.firstChild.textContent = title || "";
  if (area !== undefined) box.style.gridArea = area || name;
  return box;
}

// ---- reduced motion ---------------------------------------------------------------------------------------
// A reader who asks for less motion (prefers-reduced-motion) sees a playing run redrawn at most every
// REDUCED_MS instead of on every update: the data is appended as it comes, and the last update is always drawn,
// so the chart ends in the same state. A page run's data (a pause, a finished run, a reload) is drawn at once.
const REDUCED_MS = 1500;
const reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;

function paint(box, chart, live) {
  const draw = () => {
    clearTimeout(box.__fontnetDrawTimer);
    box.__fontnetDrawTimer = null;
    box.__fontnetDrawnAt = performance.now();
    chart.draw();
    box.dataset.draws = String(Number(box.dataset.draws || 0) + 1);
    // for tests: when, whether live, and (a picture) when the server made what was drawn
    const times = (box.__fontnetDrawTimes = box.__fontnetDrawTimes || []);
    if (times.length < 500) times.push([box.__fontnetDrawnAt, live, chart.made ?? null]);
  };
  if (!live || !reducedMotion || !reducedMotion.matches) return draw();
  const wait = REDUCED_MS - (performance.now() - (box.__fontnetDrawnAt || -Infinity));
  if (wait <= 0) return draw();
  if (!box.__fontnetDrawTimer) box.__fontnetDrawTimer = setTimeout(() => box.isConnected && draw(), wait);
}

function update(component, box, data, live = false) {
  const t0 = performance.now();
  let chart = box.__fontnetChart;
  // a feed's appends carry no spec: the chart keeps its own (a chart that has none asks for everything)
  const specKey = data.spec ? JSON.stringify(data.spec) : chart ? chart.specKey : null;
  if (specKey === null) {
    if (component.setTriggerValue) component.setTriggerValue("resync", true);
    return;
  }
  if (!chart || chart.specKey !== specKey) {
    if (chart) chart.destroy();
    chart = new KINDS[data.spec.kind](box.lastChild, data.spec);
    chart.specKey = specKey;
    chart.run = null;
    box.__fontnetChart = chart;
    box.dataset.mounts = String(Number(box.dataset.mounts || 0) + 1);
  }
  // A payload holds the points from `start` to `length` - 1: the new ones and those of the last few updates,
  // because the browser may skip a render when updates come quickly. Whatever this chart lacks is appended.
  const have = chart.run === data.run ? chart.length : -1;
  const continues = !data.full && have >= data.start && have <= data.length;
  if (continues) {
    chart.append(data, have - data.start);
  } else if (data.full || data.start === 0) {
    chart.replace(data);
    chart.run = data.run;
  } else {
    // a gap (the chart missed more than the overlap, or holds another run): ask the server for everything
    if (component.setTriggerValue) component.setTriggerValue("resync", true);
    box.dataset.resyncs = String(Number(box.dataset.resyncs || 0) + 1);
    return;
  }
  paint(box, chart, live);
  // for tests and scripts: what this chart holds now, and how it got there
  box.dataset.run = String(data.run);
  box.dataset.points = String(chart.length);
  box.dataset.length = String(data.length);
  box.dataset.lastX = chart.x && chart.x.length ? String(chart.x[chart.x.length - 1]) : "";
  box.dataset.updates = String(Number(box.dataset.updates || 0) + 1);
  box.dataset.appended = String(Number(box.dataset.appended || 0) + (continues ? 1 : 0));
  // main-thread time this chart has spent on its updates (data handling and drawing), for the benchmarks
  box.dataset.drawMs = (Number(box.dataset.drawMs || 0) + performance.now() - t0).toFixed(2);
}

// ---- the progress bar, while a run plays -----------------------------------------------------------------
// No script run redraws the page while the feed plays a run, so the panel shows the progress bar itself: the
// server's numbers and its own words ("running: iteration N of M · ..."), set as text. It carries the test id
// of Streamlit's progress bar, which it stands in for, so tests and scripts read either the same way.
function setProgress(root, progress) {
  let bar = root.querySelector(":scope > .fontnet-progress");
  if (!progress) {
    if (bar) bar.remove();
    return;
  }
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "fontnet-progress";
    bar.dataset.testid = "stProgress";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    // Streamlit's own bar, measured: 14 px text, 8 px under it, an 8 px track with rounded ends, in the theme's colours
    bar.style.cssText = "margin:0 0 1rem 0;";
    const text = document.createElement("p");
    text.style.cssText = "margin:0 0 8px 0;font-size:14px;line-height:19px;color:var(--st-text-color, #0e1117);";
    const track = document.createElement("div");
    track.style.cssText = "height:8px;border-radius:4px;overflow:hidden;" +
      "background:var(--st-secondary-background-color, #f1efe9);";
    const fill = document.createElement("div");
    fill.style.cssText = "height:100%;background:var(--st-primary-color, #b93e0c);";
    track.appendChild(fill);
    bar.appendChild(text);
    bar.appendChild(track);
    root.insertBefore(bar, root.firstChild);
  }
  const pct = Math.max(0, Math.min(100, Math.round(progress.value * 100)));
  bar.firstChild.textContent = progress.text;
  bar.lastChild.firstChild.style.width = pct + "%";
  bar.setAttribute("aria-valuenow", String(pct));
}

// ---- words for screen readers ----------------------------------------------------------------------------
// A polite live region says the latest numbers: the progress bar's words while a run plays, else the last values
// of each line chart with a few series (a chart of every weight is left to the eye). It speaks at most every ANNOUNCE_MS; the newest words wait for their turn, so the last
// state is always said and nothing in between piles up.
const ANNOUNCE_MS = 5000;
const MAX_SAID_SERIES = 6;

function latestWords(root) {
  const parts = [];
  for (const box of root.querySelectorAll(":scope > .fontnet-live-grid > [data-chart]")) {
    const chart = box.__fontnetChart;
    // a chart with a readout is read where the pointer is, and is described by the page's own text
    if (!chart || !chart.x || !chart.x.length || chart.spec.readout || chart.spec.series.length > MAX_SAID_SERIES) continue;
    const spec = chart.spec;
    const values = spec.series.map((s, i) => {
      const v = chart.ys[i][chart.ys[i].length - 1];
      const ax = spec.axes[s.scale] || {};
      return v == null ? null : `${s.label} ${ax.percent ? (v * 100).toFixed(1) + "%" : compact(v)}`;
    }).filter((v) => v !== null);
    const title = box.firstChild.textContent || spec.axes.y?.label || "chart";
    parts.push(`${title} at ${spec.x.label} ${chart.x[chart.x.length - 1].toLocaleString("en")}: ${values.join(", ")}`);
  }
  return parts.join(". ");
}

function announce(root, text) {
  let region = root.querySelector(":scope > .fontnet-live-status");
  if (!region) {
    region = document.createElement("div");
    region.className = "fontnet-live-status";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.dataset.everyMs = String(ANNOUNCE_MS);
    // read, not seen: the same words are on the page (the progress bar) or drawn (the charts)
    region.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;" +
      "clip:rect(0 0 0 0);white-space:nowrap;border:0;";
    root.appendChild(region);
  }
  root.__fontnetAnnounce = text;
  const say = () => {
    region.__timer = null;
    const next = root.__fontnetAnnounce;
    if (!next || next === region.textContent) return;
    region.__saidAt = performance.now();
    region.textContent = next;
    region.dataset.said = String(Number(region.dataset.said || 0) + 1);  // for tests: how often, and when
    region.dataset.saidAt = region.__saidAt.toFixed(1);
  };
  const wait = ANNOUNCE_MS - (performance.now() - (region.__saidAt ?? -Infinity));
  if (wait <= 0) say();
  else if (!region.__timer) region.__timer = setTimeout(say, wait);
}

// ---- the feed: live updates over HTTP while a run plays (see app/live_feed.py) --------------------------
// A panel never goes quiet without a word. When the feed cannot be reached, answers with something that is not
// the feed's data (a proxy or base path that sends the request elsewhere answers with a web page), no longer
// knows the panel, or keeps answering "running" without progress, the panel stops asking, says so under its
// progress bar, and asks for a page run, which draws the run whole and, if it still plays, starts a new feed.
// It asks once per run and address, so a feed that keeps failing cannot rerun the page in a loop; a page run
// whose data is unchanged does not redraw the panel, and the message stays.
const FAILURES_IN_A_ROW = 5;   // failed requests (no answer, an HTTP error, not the feed's JSON) before giving up
const STILL_IN_A_ROW = 10;     // "running" answers bringing no new point and no progress before giving up
// a reload starts a new session: the run is gone, its settings are not
const AGAIN = "Reload the page to try again: the settings are in its link.";

function stopFeed(root) {
  const feed = root.__fontnetFeed;
  if (feed) {
    feed.stopped = true;
    clearTimeout(feed.timer);
    root.__fontnetFeed = null;
  }
}

// The panel's own words about its feed, as text, with the alert role (read out by screen readers). When several
// panels of a page stop for the same reason (the Train page's run and its cost surface, when the server is out
// of reach), the first on the page says it in full and the others say only that they stopped too.
function setProblem(root, problem) {
  let box = root.querySelector(":scope > .fontnet-feed-problem");
  if (!problem) {
    if (box) box.remove();
    arrangeProblems();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.className = "fontnet-feed-problem";
    box.setAttribute("role", "alert");
    // dark red on pale red: 8.9:1
    box.style.cssText = "margin:0 0 1rem 0;padding:0.75rem 1rem;border-radius:0.5rem;font-size:14px;" +
      "line-height:1.4;background:#fdeceb;color:#7d1d17;";
    root.insertBefore(box, root.querySelector(":scope > .fontnet-live-grid"));
  }
  box.dataset.reason = problem.reason;
  box.dataset.text = problem.text;
  arrangeProblems();
}

function arrangeProblems() {
  const shown = new Set();
  for (const box of document.querySelectorAll(".fontnet-feed-problem")) {
    const same = box.dataset.reason + "\n" + box.dataset.text;
    const twin = shown.has(same);
    shown.add(same);
    const words = twin ? box.dataset.text.split(":")[0] + " here too, for the same reason as above." : box.dataset.text;
    if (box.textContent !== words) box.textContent = words;
    box.setAttribute("role", twin ? "status" : "alert");
    box.toggleAttribute("data-twin", twin);
  }
}

function giveUp(component, root, feed, reason, text) {
  stopFeed(root);
  const key = feed.url + " " + holding(root).run;
  if (root.__fontnetResynced !== key && component.setTriggerValue) {
    root.__fontnetResynced = key;
    root.dataset.feedResyncs = String(Number(root.dataset.feedResyncs || 0) + 1);  // for tests
    component.setTriggerValue("resync", true);
  }
  setProblem(root, { reason, text: "Live updates stopped: " + text });
}

// What the browser holds: the run and length of the panel's first line chart (all of them grow together). A
// watching panel holds what the server's token (`held`) says it sent, and the points of the chart it names.
function holding(root) {
  const feed = root.__fontnetFeed;
  if (feed && feed.watch) {
    const box = root.querySelector(`:scope > .fontnet-live-grid > [data-chart="${feed.have}"]`);
    const chart = box && box.__fontnetChart;
    return { run: root.__fontnetHeld || "", have: chart ? chart.length : 0 };
  }
  for (const box of root.querySelectorAll(":scope > .fontnet-live-grid > [data-chart]")) {
    const chart = box.__fontnetChart;
    if (chart && chart.x) return { run: chart.run == null ? "" : String(chart.run), have: chart.length };
  }
  return { run: "", have: 0 };
}

// One request: {status, body} with the feed's JSON, or {status, problem} saying why there is none. `page` marks
// an answer that is not the app's at all (a web page where the feed should be, or a 404 that is not the feed's).
async function ask(url) {
  let response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (e) {
    return { status: 0, problem: "no answer from the server" };
  }
  const { status } = response;
  if (status === 204) return { status };
  const type = (response.headers.get("Content-Type") || "").split(";")[0];
  if (type !== "application/json") {
    return status === 200 || status === 404
      ? { status, page: true, problem: `HTTP ${status} with ${type || "no content type"} instead of the feed's data` }
      : { status, problem: `HTTP ${status}` };
  }
  try {
    const body = await response.json();
    return status === 200 ? { status, body } : { status, problem: `HTTP ${status}` };
  } catch (e) {
    return { status, problem: `HTTP ${status} with an answer that is not the feed's data` };
  }
}

function startFeed(component, root, spec) {
  stopFeed(root);
  const feed = { url: new URL(spec.url, document.baseURI).href, every: spec.every_ms, timer: null, stopped: false,
    failures: 0, still: 0, last: null, watch: Boolean(spec.watch), have: spec.have || "", root };
  root.__fontnetFeed = feed;
  const path = new URL(feed.url).pathname.replace(/[^/]+$/, "");   // the feed's address without the token
  // `next` (ms): when the server said to ask next (a watching feed's answer may say), else the feed's own pace
  const again = (t0, next) => {
    const every = Number.isFinite(next) ? Math.min(Math.max(next, feed.every), 30000) : feed.every;
    feed.timer = setTimeout(tick, Math.max(0, every - (performance.now() - t0)));
  };
  const tick = async () => {
    if (feed.stopped) return;
    if (!root.isConnected) return stopFeed(root);
    const t0 = performance.now();
    const { run, have } = holding(root);
    const answer = await ask(`${feed.url}?run=${encodeURIComponent(run)}&have=${have}`);
    if (feed.stopped) return;  // a page run replaced this panel's data meanwhile: its answer is stale
    if (!root.isConnected) return stopFeed(root);  // the panel left the page meanwhile
    // nothing served: a page run stopped the run (Pause, another page) and draws this panel without a feed
    if (answer.status === 204) return stopFeed(root);
    if (answer.status === 404 && !answer.page) {
      return giveUp(component, root, feed, "gone", "the server no longer knows this page's live panel (its " +
        "session ended, or the request reached another server). " + AGAIN);
    }
    if (answer.page) {
      // a proxy or the server's base path sends the feed's address elsewhere: retrying will not help
      return giveUp(component, root, feed, "misrouted", `the live feed's address (${path}) answered ` +
        answer.problem + ": it does not reach the app, and whoever runs the server must pass it to the app. " +
        AGAIN);
    }
    if (!answer.body) {
      // the network hiccuped: try again a few times, then give up
      if (++feed.failures >= FAILURES_IN_A_ROW) {
        return giveUp(component, root, feed, "unreachable", `the live feed (${path}) failed ${feed.failures} ` +
          `times in a row (${answer.problem}). ` + AGAIN);
      }
      return again(t0);
    }
    const body = answer.body;
    feed.failures = 0;
    for (const c of body.charts) update(component, chartBox(root, c.name, c.title, c.area), c, true);
    if (body.held !== undefined) root.__fontnetHeld = String(body.held);
    setProgress(root, body.progress);
    announce(root, body.progress ? body.progress.text : latestWords(root));
    // a watching panel's server may say it cannot reach what it watches (a database): it says so, and asks again
    setProblem(root, body.problem ? { reason: "server", text: String(body.problem) } : null);
    root.dataset.polls = String(Number(root.dataset.polls || 0) + 1);
    if (feed.watch) {
      // a watched room keeps sending while it is open, often nothing new for a while: that is not a stall
      if (body.status === "open") return again(t0, body.next_ms);
      stopFeed(root);
      if (component.setTriggerValue) component.setTriggerValue("ended", body.status);
      return;
    }
    if (body.status !== "running") {
      // the run stopped (finished, diverged or paused): a page run draws the buttons and charts whole
      stopFeed(root);
      if (component.setTriggerValue) component.setTriggerValue("ended", body.status);
      return;
    }
    const now = JSON.stringify([holding(root), body.progress]);
    feed.still = now === feed.last ? feed.still + 1 : 0;
    feed.last = now;
    if (feed.still >= STILL_IN_A_ROW) {
      return giveUp(component, root, feed, "stalled", `the live feed's last ${feed.still} answers said the run ` +
        "is running but brought no new point and no progress. " + AGAIN);
    }
    if (body.redraw && !feed.redrawn && component.setTriggerValue) {
      feed.redrawn = true;  // once: the page run it causes starts a new feed
      component.setTriggerValue("resync", true);
    }
    again(t0);
  };
  again(performance.now());
  return feed;
}

// data: {layout: {columns, areas, narrow?: {below, columns, areas}}, charts: [{name, title, area, spec, run, start, length, full, ...points}],
//        feed?: {url, every_ms, watch?, have?}, held?, progress?: {value, text}, seq?: [session mark, run number]}
// A watching feed (`watch`: a class room) keeps asking while its answers say "open"; each answer's `held` is the
// server's token for what the panel now holds, which the panel sends back as `run` with its next request, with
// the number of points of the chart named by `have` (the map's dots).
export function render(component) {
  const { data, parentElement } = component;
  if (!data || !data.charts) return;
  const root = parentElement;
  // An earlier page run's data can reach the panel after a later run's (seen under load: the run that pressed
  // Train drew a playing panel, then the run before it, with none, was applied): Streamlit calls the element's
  // code once per data, each call waiting for the code's module, and the calls can end in another order than
  // their data came. Each page run numbers its data (`seq`: the session's mark and the run's number); older data
  // than the panel holds is not drawn, and the panel goes on with what it holds, its feed untouched.
  const [epoch, seq] = Array.isArray(data.seq) ? data.seq : [null, 0];
  if (epoch !== null && epoch === root.__fontnetEpoch && seq < root.__fontnetSeq) {
    root.dataset.staleSkipped = String(Number(root.dataset.staleSkipped || 0) + 1);   // for tests
    return null;
  }
  root.__fontnetEpoch = epoch;
  root.__fontnetSeq = seq;
  root.__fontnetData = data;   // what the panel holds (tests hand it older data from this)
  stopFeed(root);  // this page run's data is the truth now; a feed starts again below if the run plays
  let grid = root.querySelector(":scope > .fontnet-live-grid");
  if (!grid) {
    grid = document.createElement("div");
    grid.className = "fontnet-live-grid";
    grid.style.display = "grid";
    grid.style.columnGap = "1.5rem";
    root.appendChild(grid);
  }
  setLayout(grid, data.layout);
  const names = new Set(data.charts.map((c) => c.name));
  for (const box of [...grid.children]) {
    if (!names.has(box.dataset.chart)) {
      if (box.__fontnetChart) box.__fontnetChart.destroy();
      box.remove();
    }
  }
  for (const c of data.charts) update(component, chartBox(root, c.name, c.title, c.area), c);
  root.__fontnetHeld = data.held === undefined ? null : String(data.held);
  setProgress(root, data.progress);
  announce(root, data.progress ? data.progress.text : latestWords(root));
  // A page run's data is news: a feed that failed before is tried again. Its message stays until that feed's
  // first answer says whether it works (a panel that stopped, asked for a page run and got one still said so,
  // not nothing, while the new feed was failing again); data with no feed is the run drawn whole, and clears it.
  if (!data.feed) setProblem(root, null);
  root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
  return data.feed ? startFeed(component, root, data.feed) : null;
}

// The element's cleanup for one call of `render`: Streamlit runs it when the element is unmounted, and also at
// once for a call whose data a newer one had already replaced by the time it returned. That call may have come
// last (see `render`), and its feed may be the panel's only one: so the cleanup stops a feed only once its panel
// has left the page. A panel on the page stops its feed itself, when new data replace it or the run ends, and a
// feed whose panel is gone stops at its next request in any case.
export function stopped(feed) {
  if (feed && !feed.root.isConnected) {
    feed.stopped = true;
    clearTimeout(feed.timer);
  }
}
