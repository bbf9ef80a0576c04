// Live charts that stay mounted and receive only what is new (see live_chart.py).
//
// Each payload carries `run` (which run the points belong to), `start` (the index of its first point) and the
// points themselves. A payload that continues what this chart holds is appended; anything else (`full`, a new
// run, a gap) replaces the chart's data with the payload. The server sends the whole history on every page
// run, so a chart that somehow missed points is whole again at the next Pause, reload or finished run.
// Everything here is numbers and colours the server chose; nothing is written into the page as text except
// the server's own axis titles and series names (set as textContent, never as HTML).

const FONT = '13px "Source Sans Pro", "Source Sans 3", sans-serif';
const INK = "#31333f";
const GRID = "#ebe9e3";

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

// ---- lines: uPlot ---------------------------------------------------------------------------------------
function linesOptions(spec, width) {
  const scales = { x: { time: false, range: [spec.x.min, spec.x.max] } };
  const axes = [{
    scale: "x", label: spec.x.label, stroke: INK, font: FONT, labelFont: FONT, size: 34, labelSize: 18,
    grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, values: (u, vals) => vals.map(compact),
  }];
  for (const [name, ax] of Object.entries(spec.axes)) {
    scales[name] = ax.log ? { distr: 3, log: 10 } : { auto: ax.min == null, range: ax.min == null ? undefined : [ax.min, ax.max] };
    axes.push({
      scale: name, label: ax.label, side: ax.side === "right" ? 1 : 3, stroke: INK, font: FONT, labelFont: FONT,
      size: 54, labelSize: 18, grid: { show: ax.side !== "right", stroke: GRID, width: 1 }, ticks: { stroke: GRID },
      values: (u, vals) => vals.map((v) => (v == null ? "" : ax.percent ? percent(v) : compact(v))),
      ...(ax.ticks ? { splits: () => ax.ticks } : {}),
    });
  }
  const series = [{ label: spec.x.label }].concat(spec.series.map((s) => ({
    label: s.label, scale: s.scale, stroke: s.color, width: s.width || 2, dash: dashOf(s.dash), points: { show: false },
    spanGaps: false,
  })));
  return {
    width, height: spec.height, scales, axes, series, legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    padding: [10, 6, 0, 6],
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

class MapChart {
  constructor(root, spec) {
    this.root = root;
    this.spec = spec;
    this.scale = colourScale(spec.scale);
    this.canvas = document.createElement("canvas");
    this.canvas.style.width = "100%";
    this.canvas.style.height = spec.height + "px";
    root.appendChild(this.canvas);
    this.state = null;
    this.count = 0;
    this.resize = new ResizeObserver(() => this.draw());
    this.resize.observe(root);
  }
  replace(p) {
    this.append(p);
  }
  // eslint-disable-next-line no-unused-vars
  append(p, skip) {
    // a map has no history: each payload brings the latest grid (or nothing new), and the data points on a full one
    this.state = { ...(this.state || {}), ...p };
    this.count = p.length;
  }
  get length() {
    return this.count;
  }
  draw() {
    const s = this.state;
    if (!s || !s.grid) return;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(this.root.clientWidth, 200);
    const H = this.spec.height;
    this.canvas.width = Math.round(W * dpr);
    this.canvas.height = Math.round(H * dpr);
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const m = { l: 52, r: 10, t: 8, b: 40 };
    const side = Math.min(W - m.l - m.r, H - m.t - m.b);
    const n = this.spec.size;
    const cell = side / n;
    const px = (v) => m.l + (v / 255) * side;
    const py = (v) => m.t + side - (v / 255) * side;
    // the grid: row j is the y channel's j-th value, column i the x channel's
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const [r, g, b] = this.scale(s.grid[j * n + i] / 255);
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(m.l + i * cell, m.t + side - (j + 1) * cell, cell + 0.5, cell + 0.5);
      }
    }
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#c92a2a";
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    for (const [x0, y0, x1, y1] of s.contour || []) {
      ctx.moveTo(px(x0), py(y0));
      ctx.lineTo(px(x1), py(y1));
    }
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#111111";
    if (s.boundary && s.boundary.length === 2) {
      ctx.beginPath();
      ctx.moveTo(px(s.boundary[0][0]), py(s.boundary[0][1]));
      ctx.lineTo(px(s.boundary[1][0]), py(s.boundary[1][1]));
      ctx.stroke();
    }
    ctx.lineWidth = 1;
    for (const [x, y, r, g, b, label] of s.points || []) {
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.strokeStyle = label ? "#111111" : "#ffffff";
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
  destroy() {
    this.resize.disconnect();
    this.canvas.remove();
  }
}

const KINDS = { lines: Lines, map: MapChart };

export default function (component) {
  const { data, parentElement } = component;
  if (!data || !data.spec) return;
  const root = parentElement;
  let chart = root.__fontnetChart;
  const specKey = JSON.stringify(data.spec);
  if (!chart || chart.specKey !== specKey) {
    if (chart) chart.destroy();
    let box = root.querySelector(".fontnet-live-chart");
    if (!box) {
      box = document.createElement("div");
      box.className = "fontnet-live-chart";
      root.appendChild(box);
    }
    chart = new KINDS[data.spec.kind](box, data.spec);
    chart.specKey = specKey;
    chart.run = null;
    root.__fontnetChart = chart;
    root.dataset.mounts = String(Number(root.dataset.mounts || 0) + 1);
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
    root.dataset.resyncs = String(Number(root.dataset.resyncs || 0) + 1);
    return;
  }
  chart.draw();
  // for tests and scripts: what this chart holds now, and how it got there
  root.dataset.run = String(data.run);
  root.dataset.points = String(chart.length);
  root.dataset.length = String(data.length);
  root.dataset.lastX = chart.x && chart.x.length ? String(chart.x[chart.x.length - 1]) : "";
  root.dataset.updates = String(Number(root.dataset.updates || 0) + 1);
  root.dataset.appended = String(Number(root.dataset.appended || 0) + (continues ? 1 : 0));
}
