// Descent Lab — the live three-panel chart: (a) the data and the fit line, (b) the loss as one weight
// varies, (c) that slice's gradient. It follows the learning-rate, initial-weight and initial-bias
// sliders while they move, without asking the server.
//
// It never runs a descent. The numpy core shipped, for every rate of the slider's grid, the powers
// (1 − ηλᵢ)ᵏ at the recorded epochs and the quadratic's eigenvectors Q, eigenvalues λ and optimum θ*
// (gd_core/live.py); a run from a start θ₀ is θₖ = θ* + Q·(pₖ ⊙ Qᵀ(θ₀ − θ*)): look-ups and products.
// The scene rules (frames, fixed or following axes, the clipped fit line) are those of
// gd_ui/figures/descent.py, line for line.
const G = (window.__descentLab = window.__descentLab || { tables: new Map(), waiters: new Map() });
const GROWS_ABOVE = 4, CURVE_POINTS = 61, SPEEDS = { slow: 160, normal: 60, fast: 20 };
const INK = "#1A1A1A", GRID = "#E5E5E5", BLUE = "#0072B2", ORANGE = "#E69F00", GREEN = "#009E73";
const VERMILLION = "#D55E00", VERMILLION_TEXT = "#B34700", SKY = "#56B4E9", PURPLE = "#CC79A7";
const GREY = "#767676", CLEAR = "rgba(0,0,0,0)";

// --- the table and plotly.js ---------------------------------------------------------------------------
function tableFor(digest) {
  if (G.tables.has(digest)) return Promise.resolve(G.tables.get(digest));
  return new Promise((resolve) => {
    const list = G.waiters.get(digest) || [];
    list.push(resolve);
    G.waiters.set(digest, list);
  });
}

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!G.plotly) {
    G.plotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")));
      script.onerror = () => { G.plotly = null; reject(new Error("plotly.js did not load from " + src)); };
      document.head.appendChild(script);
    });
  }
  return G.plotly;
}

// --- numbers as the app writes them (gd_ui/formats.py) ---------------------------------------------
function num(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e6) return v.toExponential(3).replace(/e([+-])(\d)$/, "e$10$2");
  const text = Number(v.toPrecision(4));
  return Math.abs(text) >= 1e4 ? text.toExponential(3).replace(/e([+-])(\d)$/, "e$10$2")
    : text.toLocaleString("en-US", { maximumSignificantDigits: 4 });
}
function equation(slope, intercept) {
  return `ŷ = ${num(slope)}·x ${intercept < 0 ? "−" : "+"} ${num(Math.abs(intercept))}`;
}

// --- one run, by look-up ----------------------------------------------------------------------------
function startTheta(T, w0, b0) {
  const w = Array.from(T.base_w); // the other weights start where the sidebar's do (original units)
  w[T.index] = w0;
  if (!T.standardized) return [...w, b0];
  let b = b0;
  const ws = w.map((v, j) => { b += v * T.mean[j]; return v * T.scale[j]; });
  return [...ws, b];
}

function stateAt(T, z) {
  const m = T.m, d = T.d;
  const theta = new Array(m).fill(0), grad = new Array(m).fill(0);
  let loss = T.min_loss;
  for (let i = 0; i < m; i++) loss += T.lam[i] * z[i] * z[i];
  for (let r = 0; r < m; r++) {
    let t = T.opt[r], g = 0;
    for (let i = 0; i < m; i++) { t += T.q[r * m + i] * z[i]; g += T.q[r * m + i] * T.lam[i] * z[i]; }
    theta[r] = t; grad[r] = g;
  }
  let w = theta.slice(0, d), b = theta[d], gw = grad.slice(0, d);
  if (T.standardized) { // to original units: w/scale, b − Σ w·mean; ∂J/∂w = σ·∂J/∂w_s + μ·∂J/∂b
    w = w.map((v, j) => v / T.scale[j]);
    b -= w.reduce((s, v, j) => s + v * T.mean[j], 0);
    gw = gw.map((v, j) => v * T.scale[j] + grad[d] * T.mean[j]);
  }
  return { w, b, loss, gw };
}

// The recorded history at grid rate r from (w0, b0). `ends` (from the server, for the start it last saw)
// makes a diverged run end exactly where the core's does; for another start the run stops at the last
// recorded epoch before the divergence (the page settles it when the slider is released).
function history(T, r, w0, b0, ends) {
  const m = T.m, F = T.epochs.length;
  const theta0 = startTheta(T, w0, b0);
  const z0 = new Array(m).fill(0);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) z0[i] += T.q[k * m + i] * (theta0[k] - T.opt[k]);
  const exact = ends && ends.w0 === w0 && ends.b0 === b0;
  const limit = T.divergence_factor * Math.max(T.min_loss + z0.reduce((s, v, i) => s + T.lam[i] * v * v, 0),
    Number.MIN_VALUE);
  const out = { epochs: [], states: [], divergedAt: null, exact: true };
  const keep = exact ? ends.keep[r] : F;
  const at = (p) => stateAt(T, z0.map((v, i) => p[i] * v));
  for (let j = 0; j < keep; j++) {
    const s = at(T.powers.subarray((r * F + j) * m, (r * F + j + 1) * m));
    if (!exact && !(Number.isFinite(s.loss) && s.loss <= limit)) { out.divergedAt = -1; out.exact = false; break; }
    out.epochs.push(T.epochs[j]); out.states.push(s);
  }
  if (exact && ends.diverged_at[r] >= 0) {
    out.divergedAt = ends.diverged_at[r];
    ends.extra_epochs[r].forEach((e, k) => { if (e >= 0) { out.epochs.push(e); out.states.push(at(ends.extra_powers[r][k])); } });
  }
  return out;
}

// --- the scene: what each frame draws (gd_ui/figures/descent.py: scene) ------------------------------
function along(loss, grad, h, delta) { return [loss + 2 * delta * grad + delta * delta * h, grad + delta * h]; }
function pad(lo, hi, frac = 0.06) { const w = Math.max(hi - lo, 1e-9); return [lo - frac * w, hi + frac * w]; }

function scene(T, run) {
  const i = T.index, n = run.epochs.length;
  const w = run.states.map((s) => s.w[i]);
  const icpt = run.states.map((s) => s.b + s.w.reduce((acc, v, j) => acc + (j === i ? 0 : v * T.means[j]), 0));
  const loss = run.states.map((s) => s.loss), grad = run.states.map((s) => s.gw[i]);
  const box = [...pad(T.box[0], T.box[1]), ...pad(T.box[2], T.box[3])];
  const follow = run.divergedAt !== null || Math.max(...loss) > GROWS_ABOVE * loss[0];
  const c = T.w_star, h = T.x2;
  const firstHalf = 1.35 * Math.max(Math.abs(w[0] - c), 0.25 * Math.max(Math.abs(c), 1));
  const ranges = [];
  if (!follow) {
    const [wlo, whi] = pad(Math.min(c - firstHalf, ...w), Math.max(c + firstHalf, ...w), 0.03);
    const l0 = [along(loss[0], grad[0], h, wlo - w[0])[0], along(loss[0], grad[0], h, whi - w[0])[0]];
    const lhi = 1.08 * Math.max(...l0, ...loss);
    const llo = Math.max(0, T.optimum_loss - 0.08 * (lhi - T.optimum_loss));
    let gmin = 0, gmax = 0;
    for (let k = 0; k < n; k++) for (const e of [wlo, whi]) {
      const g = along(loss[k], grad[k], h, e - w[k])[1]; gmin = Math.min(gmin, g); gmax = Math.max(gmax, g);
    }
    const g = pad(gmin, gmax);
    for (let k = 0; k < n; k++) ranges.push({ w: [wlo, whi], l: [llo, lhi], g });
  } else {
    let half = 0, top = -Infinity;
    const floor = Math.log10(Math.max(T.optimum_loss, 1e-12)) - 0.15;
    for (let k = 0; k < n; k++) {
      half = Math.max(half, Math.abs(w[k] - c) * 1.12, firstHalf);
      const wr = [c - half, c + half];
      const [la, ga] = along(loss[k], grad[k], h, wr[0] - w[k]), [lb, gb] = along(loss[k], grad[k], h, wr[1] - w[k]);
      top = Math.max(top, loss[k]);
      const glo = Math.min(ga, gb, grad[k], 0), ghi = Math.max(ga, gb, grad[k], 0);
      const gp = 0.08 * Math.max(ghi - glo, 1e-9);
      ranges.push({ w: wr, l: [floor, Math.log10(Math.max(top, la, lb)) + 0.15], g: [glo - gp, ghi + gp] });
    }
  }
  return { epochs: run.epochs, w, icpt, loss, grad, box, follow, ranges, divergedAt: run.divergedAt, exact: run.exact };
}

function clipLine(slope, intercept, box) {
  const [xlo, xhi, ylo, yhi] = box;
  const a = slope * xlo + intercept, b = slope * xhi + intercept;
  const leaves = Math.min(a, b) < ylo || Math.max(a, b) > yhi;
  if (slope === 0) return ylo <= intercept && intercept <= yhi ? [[xlo, xhi], [intercept, intercept], leaves] : [[null, null], [null, null], true];
  const xs = [(ylo - intercept) / slope, (yhi - intercept) / slope].sort((u, v) => u - v);
  const lo = Math.max(xlo, xs[0]), hi = Math.min(xhi, xs[1]);
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || lo >= hi) return [[null, null], [null, null], true];
  return [[lo, hi], [slope * lo + intercept, slope * hi + intercept], leaves];
}

// --- plotly traces and layout --------------------------------------------------------------------------
function moving(S, k, h) {
  const r = S.ranges[k];
  const grid = Array.from({ length: CURVE_POINTS }, (_, j) => r.w[0] + (r.w[1] - r.w[0]) * j / (CURVE_POINTS - 1));
  const curve = grid.map((x) => along(S.loss[k], S.grad[k], h, x - S.w[k])[0]);
  const ends = [r.w[0], r.w[1]].map((x) => along(S.loss[k], S.grad[k], h, x - S.w[k])[1]);
  const [lx, ly, leaves] = clipLine(S.w[k], S.icpt[k], S.box);
  const note = leaves ? `${equation(S.w[k], S.icpt[k])}: the line leaves the chart` : "";
  const traces = [
    { x: lx, y: ly },
    { x: [S.box[0] + 0.03 * (S.box[1] - S.box[0])], y: [S.box[3]], text: [note] },
    { x: grid, y: curve },
    { x: S.w.slice(0, k + 1), y: S.loss.slice(0, k + 1) },
    { x: [S.w[k]], y: [S.loss[k]] },
    { x: [r.w[0], r.w[1]], y: [0, 0] },
    { x: [r.w[0], r.w[1]], y: ends },
    { x: [S.w[k]], y: [S.grad[k]] },
  ];
  traces.note = note;
  return traces;
}

const STYLES = [
  { mode: "lines", line: { color: VERMILLION, width: 4 }, xaxis: "x", yaxis: "y" },
  { mode: "text", textposition: "bottom right", showlegend: false, hoverinfo: "skip", textfont: { color: VERMILLION_TEXT, size: 14 }, xaxis: "x", yaxis: "y" },
  { name: "loss slice: bias & other weights frozen at this epoch", mode: "lines", line: { color: BLUE, width: 3 }, xaxis: "x2", yaxis: "y2" },
  { name: "path walked so far (every shown epoch)", mode: "lines", line: { color: ORANGE, width: 2 }, xaxis: "x2", yaxis: "y2" },
  { name: "current epoch", mode: "markers", showlegend: false, marker: { size: 14, color: VERMILLION, line: { color: "white", width: 2 } }, xaxis: "x2", yaxis: "y2" },
  { name: "zero", mode: "lines", showlegend: false, line: { color: GREY, width: 1 }, hoverinfo: "skip", xaxis: "x3", yaxis: "y3" },
  { name: "gradient slice", mode: "lines", line: { color: PURPLE, width: 3 }, showlegend: false, xaxis: "x3", yaxis: "y3" },
  { name: "gradient now", mode: "markers", showlegend: false, marker: { size: 14, color: VERMILLION, line: { color: "white", width: 2 } }, xaxis: "x3", yaxis: "y3" },
];

function axis(extra) {
  // No automargin: fixed margins spare Plotly a second layout pass on every redraw.
  return { gridcolor: GRID, linecolor: "#444444", showline: true, ticks: "outside", zeroline: false, tickfont: { color: INK }, exponentformat: "power", ...extra, title: { text: extra.title || "", font: { size: 15, color: INK } } };
}

function layoutFor(T, S, k, view) {
  const r = S.ranges[k], stacked = view.stacked, scale = view.scale;
  const wname = T.titles.weight;
  // Stacked (a narrow screen or column): three equal panels, with room in pixels between them for the
  // tick labels and axis title of the panel above and the title of the panel below.
  // A diverged run's note sits between (a) and (b) when stacked: a taller gap holds it.
  const plotH = view.height - (S.follow ? 58 : 36) - 56, gap = Math.min(0.2, (stacked && S.follow ? 116 : 92) / plotH), h3 = (1 - 2 * gap) / 3;
  const dom = stacked
    ? { x: [0, 1], y: [1 - h3, 1], x2: [0, 1], y2: [h3 + gap, 2 * h3 + gap], x3: [0, 1], y3: [0, h3],
        titles: [1.0, 2 * h3 + gap, h3] }
    : { x: [0, 0.52], y: [0, 1], x2: [0.6, 1], y2: [0.56, 1], x3: [0.6, 1], y3: [0, 0.43], titles: [1.0, 1.0, 0.43] };
  const tx = stacked ? [0.5, 0.5, 0.5] : [0.26, 0.79, 0.79];
  const title = (text, x, y) => ({ text, x, y, xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: Math.round(16 * scale), color: INK } });
  const notes = [title("(a) the data and the fit line", tx[0], dom.titles[0]),
    title(`(b) loss as ${wname} varies`, tx[1], dom.titles[1]),
    title(`(c) gradient ∂J/∂${wname} of that slice`, tx[2], dom.titles[2])];
  if (S.follow) {
    const what = S.divergedAt > 0 ? `diverged at epoch ${S.divergedAt.toLocaleString("en-US")}` : S.divergedAt === -1 ? "diverges" : "the loss grows";
    notes.push({ text: stacked ? `${what} · axes follow (log)` : `${what} · axes follow it (loss on a log scale)`, xref: "paper", yref: "paper", x: tx[1], y: dom.titles[1] + (stacked ? 24 / plotH : Math.max(0.055, 26 * scale / plotH)), xanchor: "center", yanchor: "bottom", showarrow: false, font: { color: VERMILLION_TEXT, size: Math.round((stacked ? 13 : 14) * scale) } });
  }
  return {
    height: view.height, font: { family: "Inter, Arial, sans-serif", size: Math.round(15 * scale), color: INK },
    plot_bgcolor: CLEAR, paper_bgcolor: CLEAR, showlegend: false, hovermode: false,  // legend: HTML
    margin: { l: 78, r: 16, t: S.follow ? 58 : 36, b: 56 },
    annotations: notes, dragmode: false,
    xaxis: axis({ domain: dom.x, range: [S.box[0], S.box[1]], title: T.titles.x, showgrid: false }),
    yaxis: axis({ domain: dom.y, range: [S.box[2], S.box[3]], title: T.titles.y, showgrid: false }),
    xaxis2: axis({ domain: dom.x2, range: r.w, anchor: "y2", matches: "x3", showticklabels: stacked }),
    yaxis2: axis({ domain: dom.y2, range: r.l, anchor: "x2", type: S.follow ? "log" : "linear", title: "training MSE" + (S.follow ? " (log)" : "") }),
    xaxis3: axis({ domain: dom.x3, range: r.w, anchor: "y3", title: `weight ${wname}` }),
    yaxis3: axis({ domain: dom.y3, range: r.g, anchor: "x3", title: "∂J/∂w (half-MSE)" }),
  };
}

// The data points live in a second plot under the transparent main one, drawn only when panel (a)'s
// geometry changes: redrawing thousands of WebGL points on every slider step cost a third of each redraw.
function pointsLayout(main) {
  const bare = (a) => ({ domain: a.domain, range: a.range, anchor: a.anchor, showgrid: true, gridcolor: GRID,
    zeroline: false, showline: false, showticklabels: false, ticks: "", fixedrange: true });
  return { height: main.height, margin: main.margin, plot_bgcolor: "white", paper_bgcolor: "white",
    showlegend: false, hovermode: false, dragmode: false,
    xaxis: bare(main.xaxis), yaxis: bare(main.yaxis) };
}

// One step of a drag changes only the traces' numbers and the axes' ranges: Plotly.animate without a
// redraw updates just those (a third less work than Plotly.react, which re-lays out the whole figure).
// Anything else — another table or run, size, scale, the log axis, a note — goes through Plotly.react.
const AXES = ["xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"];
const CONFIG = { displaylogo: false, displayModeBar: false, responsive: true, scrollZoom: false };
function draw(Plotly, gd, traces, lay, source) {
  const shape = source + JSON.stringify({ ...lay, ...Object.fromEntries(AXES.map((a) => [a, { ...lay[a], range: null }])) })
    + JSON.stringify(traces.map((t) => ({ ...t, x: null, y: null, text: null })));
  if (gd.__shape !== shape || !gd._fullData) {
    gd.__shape = shape;
    return Plotly.react(gd, traces, lay, CONFIG);
  }
  const ranges = Object.fromEntries(AXES.map((a) => [`${a}.range`, lay[a].range]));
  const idx = traces.map((_, j) => j);
  return Plotly.animate(gd, { data: traces.map((t) => ({ x: t.x, y: t.y })), traces: idx, layout: ranges },
    { mode: "immediate", transition: { duration: 0 }, frame: { duration: 0, redraw: false } })
    .catch(() => Plotly.react(gd, traces, lay, CONFIG));
}

// Presenter mode (`fill`): the plot takes the height the window leaves under its top, less the chart's own
// rows under it (legend, Play); never less than `floor`. The page keeps what sits above at a fixed height.
function fillHeight(root, plot, floor) {
  let scrolled = 0;
  for (let el = root; el; el = el.parentElement) scrolled += el.scrollTop || 0;
  const below = root.getBoundingClientRect().bottom - plot.getBoundingClientRect().bottom;
  return Math.max(floor, Math.floor(window.innerHeight - plot.getBoundingClientRect().top - scrolled - below - 14));
}

// --- the widget -----------------------------------------------------------------------------------------
const HTML = `
<div class="dl-live" data-testid="descent-live">
  <div class="dl-controls">
    <label class="dl-ctl dl-rate"><span class="dl-name">Learning rate η</span>
      <span class="dl-nudge"><button type="button" data-nudge="-1" aria-label="smaller learning rate (one step)">−</button><button type="button" data-nudge="1" aria-label="larger learning rate (one step)">+</button></span>
      <input type="range" class="dl-range" data-role="rate" min="0" step="1">
      <output class="dl-value" data-out="rate"></output></label>
    <label class="dl-ctl"><span class="dl-name" data-name="w0">Initial weight</span>
      <input type="range" class="dl-range" data-role="w0" min="-3" max="3" step="0.01">
      <output class="dl-value" data-out="w0"></output></label>
    <label class="dl-ctl"><span class="dl-name">Initial bias</span>
      <input type="range" class="dl-range" data-role="b0" min="-60" max="60" step="0.1">
      <output class="dl-value" data-out="b0"></output></label>
  </div>
  <div class="dl-stage">
    <div class="dl-plot" role="img"></div>
    <div class="dl-points" aria-hidden="true"></div>
    <p class="dl-note" aria-hidden="true"></p>
  </div>
  <ul class="dl-legend" aria-hidden="true">
    <li><span class="dl-key dl-line" style="background:#D55E00"></span><span data-name="fit">fit line</span></li>
    <li><span class="dl-key dl-line" style="background:#0072B2"></span>loss slice: bias &amp; other weights frozen at this epoch</li>
    <li><span class="dl-key dl-line" style="background:#E69F00"></span>path walked so far (every shown epoch)</li>
    <li><span class="dl-key dl-dot" style="background:#D55E00"></span>current epoch</li>
    <li><span class="dl-key dl-dash" style="border-color:#009E73"></span><span data-name="optimum">least-squares optimum</span></li>
  </ul>
  <div class="dl-anim">
    <button type="button" class="dl-play" data-role="play">▶ Play</button>
    <label class="dl-speed"><span class="dl-name">Speed</span>
      <select data-role="speed" aria-label="animation speed"><option value="slow">slow</option>
      <option value="normal" selected>normal</option><option value="fast">fast</option></select></label>
    <label class="dl-ctl dl-epoch"><span class="dl-name">Epoch shown</span>
      <input type="range" class="dl-range" data-role="frame" min="0" step="1" aria-label="epoch shown in the chart">
      <output class="dl-value" data-out="frame"></output></label>
  </div>
  <p class="dl-summary"></p>
</div>`;

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  if (!data) return;
  let root = parentElement.querySelector(".dl-live");
  if (!root) { parentElement.insertAdjacentHTML("beforeend", HTML); root = parentElement.querySelector(".dl-live"); }
  const st = (root.__state = root.__state || { frame: null, playing: null, dragging: false, commitTimer: null });
  const $ = (sel) => root.querySelector(sel);
  const inputs = { rate: $('[data-role="rate"]'), w0: $('[data-role="w0"]'), b0: $('[data-role="b0"]'), frame: $('[data-role="frame"]') };
  const plot = $(".dl-plot"), points = $(".dl-points"), note = $(".dl-note"), summary = $(".dl-summary");
  const id = `dl-summary-${data.key}`;
  summary.id = id;
  plot.setAttribute("aria-describedby", id);
  plot.setAttribute("aria-label", "Gradient descent: the data and the fit line, the loss slice and its gradient");
  let alive = true;

  // A run the server computed (the lesson's literal loop) comes as a finished scene, with no sliders.
  const fixed = data.scene ? { ...data.static, x: Float32Array.from(data.static.x), y: Float32Array.from(data.static.y), rates: [data.static.rate], zones: [""] } : null;
  root.classList.toggle("dl-fixed", !!fixed);
  Promise.all([fixed ? Promise.resolve(fixed) : tableFor(data.table), loadPlotly(data.plotly)]).then(([T, Plotly]) => {
    if (!alive) return;
    const isNew = root.dataset.table !== data.table || root.dataset.run !== data.run;
    root.dataset.table = data.table; root.dataset.run = data.run;
    inputs.rate.max = String(T.rates.length - 1);
    inputs.rate.setAttribute("aria-label", "learning rate η (log scale)");
    inputs.w0.setAttribute("aria-label", `initial weight of ${data.shown}`);
    inputs.b0.setAttribute("aria-label", "initial bias");
    $('[data-name="w0"]').textContent = `Initial weight of ${data.shown}`;
    if (!st.dragging && isNew) { inputs.rate.value = data.rate; inputs.w0.value = data.w0; inputs.b0.value = data.b0; }
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const read = () => ({ r: Number(inputs.rate.value), w0: Number(inputs.w0.value), b0: Number(inputs.b0.value) });
    const ends = { ...data, w0: data.w0, b0: data.b0 };
    let S = null, key = null;
    const view = () => {
      const width = root.clientWidth || 800, stacked = width < 700;
      return { stacked, scale: data.presenter && !stacked ? 1.3 : 1, legend: !data.presenter,
        height: stacked ? (data.stacked_height || 900) : data.fill ? fillHeight(root, plot, data.height) : data.height };
    };
    const sceneFor = (v) => {
      if (fixed) return data.scene;
      const k = `${v.r}|${v.w0}|${v.b0}`;
      if (k !== key) { key = k; S = scene(T, history(T, v.r, v.w0, v.b0, ends)); }
      return S;
    };
    const show = (frameIndex) => {
      const started = performance.now();
      const v = read(), s = sceneFor(v), n = s.epochs.length;
      const k = Math.max(0, Math.min(frameIndex ?? n - 1, n - 1));
      st.frame = k;
      inputs.frame.max = String(n - 1); inputs.frame.value = String(k);
      const epoch = s.epochs[k];
      $('[data-out="frame"]').textContent = epoch.toLocaleString("en-US");
      inputs.frame.setAttribute("aria-valuetext", `epoch ${epoch.toLocaleString("en-US")}`);
      const label = T.rates[v.r];
      $('[data-out="rate"]').textContent = fixed ? label : `${label} · ${T.zones[v.r]}`;
      inputs.rate.setAttribute("aria-valuetext", `${label}, ${T.zones[v.r]}`);
      $('[data-out="w0"]').textContent = v.w0.toFixed(2);
      $('[data-out="b0"]').textContent = v.b0.toFixed(1);
      const vw = view(), lay = layoutFor(T, s, k, vw), mov = moving(s, k, T.x2);
      $('[data-name="fit"]').textContent = T.multi ? "fit line (other predictors at their means)" : "fit line ŷ = w·x + b";
      $('[data-name="optimum"]').textContent = `least-squares ${T.titles.weight}* = ${num(T.w_star)}`;
      const under = JSON.stringify([data.table, s.box, vw, root.clientWidth, lay.margin]);
      if (points.dataset.drawnFor !== under) {
        points.dataset.drawnFor = under;
        Plotly.react(points, [{ type: "scattergl", x: T.x, y: T.y, mode: "markers", name: T.points, hoverinfo: "skip", marker: { size: 4, color: SKY, opacity: data.presenter ? 0.7 : 0.45 } }],
          pointsLayout(lay), { displayModeBar: false, responsive: true, staticPlot: true });
      }
      mov[1].text = [""];  // the "line leaves the chart" note is HTML over panel (a): no SVG text per step
      const traces = [
        { type: "scatter", x: [], y: [], mode: "markers", name: T.points, hoverinfo: "skip", xaxis: "x", yaxis: "y" },  // drawn underneath
        { type: "scatter", x: [T.w_star, T.w_star], y: s.follow ? [10 ** s.ranges[0].l[0], 10 ** s.ranges[n - 1].l[1]] : [s.ranges[0].l[0], s.ranges[0].l[1]], mode: "lines", name: `least-squares ${T.titles.weight}* = ${num(T.w_star)}`, line: { color: GREEN, dash: "dot", width: 2 }, xaxis: "x2", yaxis: "y2" },
        ...mov.map((t, j) => ({ type: "scatter", ...STYLES[j], ...t, ...(j === 0 ? { name: T.multi ? "fit line (other predictors at their means)" : "fit line ŷ = w·x + b" } : {}) })),
      ];
      root.dataset.rate = label; root.dataset.epoch = String(epoch); root.dataset.w0 = String(v.w0); root.dataset.b0 = String(v.b0);
      root.dataset.exact = String(s.exact);
      root.dataset.weight = String(s.w[k]); root.dataset.intercept = String(s.icpt[k]); root.dataset.loss = String(s.loss[k]);
      root.dataset.gradient = String(s.grad[k]);
      const sameRun = v.r === data.rate && v.w0 === data.w0 && v.b0 === data.b0;
      summary.textContent = sameRun && k === n - 1 ? data.summary
        : `Chart summary: at learning rate ${label} the fit line is ${equation(s.w[k], s.icpt[k])} at epoch ${epoch.toLocaleString("en-US")}; the weight ${T.titles.weight} is ${num(s.w[k])} (least squares: ${num(T.w_star)}), its gradient ${num(s.grad[k])}, and the training MSE ${num(s.loss[k])}.`;
      const want = `${label}|${v.w0}|${v.b0}|${epoch}`;
      root.dataset.want = want;
      return draw(Plotly, plot, traces, lay, data.table + "|" + data.run)
        .then(() => {
          const fl = plot._fullLayout;
          if (note.textContent !== mov.note) note.textContent = mov.note;
          if (fl && fl.xaxis) { note.style.left = `${fl.xaxis._offset + 8}px`; note.style.top = `${fl.yaxis._offset + 4}px`; }
          root.dataset.drawnKey = want; root.dataset.drawn = root.dataset.run; G.redraws = (G.redraws || 0) + 1;
          (G.drawMs = G.drawMs || []).push(performance.now() - started);  // read by benchmarks/bench_drag.py
          if (G.drawMs.length > 1000) G.drawMs.splice(0, 500);
        });
    };
    const commit = (delay) => {
      clearTimeout(st.commitTimer);
      st.commitTimer = setTimeout(() => {
        const v = read();
        setTriggerValue("commit", { lr: T.rates[v.r], w0: v.w0, b0: v.b0 });
      }, delay);
    };
    const stop = () => { if (st.playing) { clearInterval(st.playing); st.playing = null; } $('[data-role="play"]').textContent = "▶ Play"; $('[data-role="play"]').setAttribute("aria-pressed", "false"); };
    // A pointer may send several values per frame: draw the latest once per frame, never a backlog.
    st.show = show;
    const later = () => {
      if (st.pending) return;  // the latest value is drawn at the next frame
      if (!st.drewThisFrame) {  // first value in this frame: draw it now
        st.drewThisFrame = requestAnimationFrame(() => { st.drewThisFrame = 0; });
        return st.show(null);
      }
      st.pending = requestAnimationFrame(() => { st.pending = 0; st.show(null); });
    };
    for (const name of ["rate", "w0", "b0"]) {
      const el = inputs[name];
      el.oninput = () => { stop(); later(); };
      el.onpointerdown = () => { st.dragging = true; };
      el.onpointerup = () => { st.dragging = false; };
      el.onchange = () => { st.dragging = false; commit(st.lastKey ? 450 : 0); };
      el.onkeydown = (e) => { st.lastKey = e.key.startsWith("Arrow") || e.key.startsWith("Page") || e.key === "Home" || e.key === "End"; };
      el.onpointermove = () => { st.lastKey = false; };
    }
    root.querySelectorAll("[data-nudge]").forEach((b) => {  // − / +: one grid step, for a finger
      b.onclick = (e) => {
        e.preventDefault();
        const v = Math.max(0, Math.min(Number(inputs.rate.max), Number(inputs.rate.value) + Number(b.dataset.nudge)));
        if (String(v) === inputs.rate.value) return;
        inputs.rate.value = String(v); stop(); show(null); commit(600);
      };
    });
    inputs.frame.oninput = () => { stop(); show(Number(inputs.frame.value)); };
    const play = $('[data-role="play"]');
    play.setAttribute("aria-pressed", st.playing ? "true" : "false");
    play.onclick = () => {
      if (st.playing) return stop();
      const n = S ? S.epochs.length : 1;
      let k = st.frame >= n - 1 ? 0 : st.frame;
      play.textContent = "❚❚ Pause"; play.setAttribute("aria-pressed", "true");
      const ms = SPEEDS[$('[data-role="speed"]').value] || 60;
      st.playing = setInterval(() => {
        k += 1;
        if (!S || k >= S.epochs.length) { stop(); return; }
        show(k);
      }, ms);
    };
    if (reduce) root.classList.add("dl-reduced");
    show(isNew ? null : st.frame);
    if (!root.__resize) {
      root.__resize = new ResizeObserver(() => { if (root.__lastWidth !== root.clientWidth) { root.__lastWidth = root.clientWidth; show(st.frame); } });
      root.__resize.observe(root);
    }
    if (data.fill && !root.__fill) {  // the window's height changes too: the plot follows it
      root.__fill = () => st.show && st.show(st.frame);
      window.addEventListener("resize", root.__fill);
      document.fonts && document.fonts.ready.then(root.__fill);
    }
  }).catch((err) => {
    root.querySelector(".dl-plot").textContent = "The live chart could not start: " + err.message;
    setStateValue("failed", String(err.message || err));
  });
  return () => { alive = false; };
}
