// The Predict page's preview, repainted in the browser the moment a colour button is pressed.
//
// The server stays the source of truth: pressing a button still reruns the page, which redraws the preview
// (with the same colours), the charts and everything else. This only spares the reader the round trip for
// the one thing they are looking at. The shade comes from the same weights the server uses, through the same
// forward pass: inputs / 255, W @ A + B with the hidden activation per layer, then logistic (one output) or
// softmax (two, P(dark) is the second) at the end.

const ACTIVATIONS = {
  linear: (z) => z,
  logistic: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
  relu: (z) => Math.max(z, 0),
  leaky_relu: (z, slope) => (z > 0 ? z : slope * z),  // slope: the engine's LEAKY_SLOPE, sent with the model
};

export function pDark(model, rgb) {
  let a = rgb.map((v) => v / 255);
  const last = model.weights.length - 1;
  for (let l = 0; l <= last; l++) {
    const W = model.weights[l];
    const b = model.biases[l];
    const z = W.map((row, i) => row.reduce((s, w, j) => s + w * a[j], 0) + b[i]);
    if (l < last) {
      a = z.map((v) => ACTIVATIONS[model.activation](v, model.leaky_slope));
    } else if (z.length === 1) {
      return ACTIVATIONS.logistic(z[0]);
    } else {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      return e[1] / e.reduce((s, v) => s + v, 0);
    }
  }
  return NaN;
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// What the latest page run sent: the model, the text shades and each button's colour (by its st-key class).
let current = null;

export function paint(hex) {
  const s = current;
  const preview = document.getElementById("font-preview");
  if (!s || !preview) return null;
  const p = pDark(s.model, hexToRgb(hex));
  const dark = p >= s.threshold;
  preview.style.backgroundColor = hex;
  preview.style.color = dark ? s.dark_text : s.light_text;
  const other = document.getElementById("font-preview-other");
  if (other) {
    other.style.backgroundColor = hex;
    other.style.color = dark ? s.light_text : s.dark_text;
  }
  return p;
}

function onClick(event) {
  if (!current || !(event.target instanceof Element)) return;
  const button = event.target.closest("button");
  const box = button && button.closest('[class*="st-key-"]');
  if (!box || button.disabled) return;
  for (const cls of box.classList) {
    if (Object.hasOwn(current.targets, cls)) {
      paint(current.targets[cls]);
      return;
    }
  }
}

export default function (component) {
  current = component.data;
  component.parentElement.setAttribute("data-instant-preview", "ready");  // for tests: the script is live
  // capture: before Streamlit's own handler sends the press to the server
  document.addEventListener("click", onClick, true);
  return () => {
    document.removeEventListener("click", onClick, true);
  };
}
