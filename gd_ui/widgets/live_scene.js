// Descent Lab — the live chart's arithmetic (gd_ui/widgets/live.py joins live_shared.js, this file and
// live_chart.js into one component module): numbers as the spec spells them, a run from the rate
// table, and the scene rules of gd_ui/chart/scene.py. No drawing here.
// Descent Lab — the three-panel chart, the only drawing of it: (a) the data and the fit line, (b) the loss
// as one weight varies, (c) that slice's gradient. It follows the learning-rate, initial-weight and
// initial-bias sliders while they move, without asking the server.
//
// Everything it draws with — styles, colours, titles, legend, number formats, the scene's constants — is
// the spec Python sends (gd_ui/chart/spec.py); this file holds none of its own. It never runs a descent:
// the numpy core shipped, for every rate of the slider's grid, the powers pₖ = (1 − ηλᵢ)ᵏ at the recorded
// epochs and the quadratic seen from original units (gd_ui/chart/live_payload.py: original_maps); a run
// from a start θ₀ is θₖ = opt + U·(pₖ ⊙ z₀) with z₀ = V·(θ₀ − opt): look-ups and products. The scene rules
// are gd_ui/chart/scene.py's, held to it by tests/browser/test_chart_parity.py.

// --- the table -----------------------------------------------------------------------------------------
function tableFor(digest) {
  if (G.tables.has(digest)) return Promise.resolve(G.tables.get(digest));
  return new Promise((resolve) => {
    const list = G.waiters.get(digest) || [];
    list.push(resolve);
    G.waiters.set(digest, list);
  });
}

const loadPlotly = (src) => G.loadPlotly(src);

// --- words and numbers, as the spec spells them (gd_ui/formats.py) -----------------------------------
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, k) => (k in values ? values[k] : all));

// |v| rounded to p significant digits as Python does it: on the exact binary value, ties to even (JS's
// own toExponential breaks ties upwards). Its digits and its decimal exponent.
function significant(N, a, p) {
  let [mantissa, exp] = a.toExponential(p - 1).split("e");
  const [longM, longE] = a.toExponential(p - 1 + N.tie_digits).split("e");  // exact this far
  const long = longM.replace(".", ""), kept = long.slice(0, p);
  const tail = long.slice(p), tie = tail[0] === "5" && tail.slice(1).replace(/0/g, "") === "";
  if (longE === exp && tie && Number(kept[p - 1]) % 2 === 0) mantissa = kept;
  return { digits: mantissa.replace(".", ""), exp: Number(exp) };
}
function expText(N, digits, exp, strip) {
  let frac = digits.slice(1);
  if (strip) frac = frac.replace(/0+$/, "");
  const e = String(Math.abs(exp)).padStart(N.exp_digits, "0");
  return `${digits[0]}${frac ? "." + frac : ""}e${exp < 0 ? "-" : "+"}${e}`;
}

function num(N, v) {
  if (Number.isNaN(v)) return N.nan;
  if (!Number.isFinite(v)) return v > 0 ? N.inf : N.minus_inf;
  const sign = v < 0 || Object.is(v, -0) ? "-" : "", a = Math.abs(v);
  if (a >= N.sci_from) { const s = significant(N, a, N.sci_digits + 1); return sign + expText(N, s.digits, s.exp, false); }
  if (a === 0) return sign + "0";
  const { digits, exp } = significant(N, a, N.sig);
  if (exp < N.exp_below || exp >= N.sig) return sign + expText(N, digits, exp, true);
  const whole = exp >= 0 ? digits.slice(0, exp + 1) : "0";
  const frac = (exp >= 0 ? digits.slice(exp + 1) : "0".repeat(-exp - 1) + digits).replace(/0+$/, "");
  return sign + Number(whole).toLocaleString(N.locale) + (frac ? "." + frac : "");
}
const count = (N, n) => n.toLocaleString(N.locale);

function equation(spec, slope, intercept) {
  const N = spec.number, t = spec.texts;
  return fill(t.equation, { slope: num(N, slope), sign: intercept < 0 ? t.minus : t.plus,
    intercept: num(N, Math.abs(intercept)) });
}

// --- one run, by look-up ----------------------------------------------------------------------------
function startTheta(T, w0, b0) {
  const theta = Array.from(T.base_w);  // the other weights start where the sidebar's do
  theta[T.index] = w0;
  theta.push(b0);
  return theta;
}

function stateAt(T, z) {
  const m = T.m, d = T.d, theta = new Array(m), grad = new Array(m);
  let loss = T.min_loss;
  for (let i = 0; i < m; i++) loss += T.lam[i] * z[i] * z[i];
  for (let r = 0; r < m; r++) {
    let t = T.opt[r], g = 0;
    for (let i = 0; i < m; i++) { t += T.u[r * m + i] * z[i]; g += T.g[r * m + i] * z[i]; }
    theta[r] = t; grad[r] = g;
  }
  return { w: theta.slice(0, d), b: theta[d], loss, gw: grad.slice(0, d) };
}

// The recorded history at grid rate r from (w0, b0). `ends` (from the server, for the start it last saw)
// makes a diverged run end exactly where the core's does; for another start the run stops at the last
// recorded epoch before the divergence (the page settles it when the slider is released).
function history(T, r, w0, b0, ends) {
  const m = T.m, F = T.epochs.length;
  const theta0 = startTheta(T, w0, b0), z0 = new Array(m).fill(0);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) z0[i] += T.v[i * m + k] * (theta0[k] - T.opt[k]);
  const exact = !!ends && ends.w0 === w0 && ends.b0 === b0;
  let start = T.min_loss;
  for (let i = 0; i < m; i++) start += T.lam[i] * z0[i] * z0[i];
  const limit = T.divergence_factor * Math.max(start, Number.MIN_VALUE);
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

// --- the scene: what each frame draws (gd_ui/chart/scene.py) -----------------------------------------
function along(loss, grad, h, delta) { return [loss + 2 * delta * grad + delta * delta * h, grad + delta * h]; }
function pad(R, lo, hi, frac) { const w = Math.max(hi - lo, R.pad_min); return [lo - frac * w, hi + frac * w]; }
const maxOf = (xs) => xs.reduce((x, y) => Math.max(x, y), -Infinity);
const minOf = (xs) => xs.reduce((x, y) => Math.min(x, y), Infinity);

function scene(T, R, run) {
  const i = T.index, n = run.epochs.length;
  const w = run.states.map((s) => s.w[i]);
  const icpt = run.states.map((s) => s.b + s.w.reduce((acc, v, j) => acc + (j === i ? 0 : v * T.means[j]), 0));
  const loss = run.states.map((s) => s.loss), grad = run.states.map((s) => s.gw[i]);
  const box = [...pad(R, T.box[0], T.box[1], R.pad), ...pad(R, T.box[2], T.box[3], R.pad)];
  const follow = run.divergedAt !== null || maxOf(loss) > R.grows_above * loss[0];
  const c = T.w_star, h = T.x2;
  const firstHalf = R.first_view * Math.max(Math.abs(w[0] - c), R.first_view_min * Math.max(Math.abs(c), 1));
  const ranges = [];
  if (!follow) {
    const [wlo, whi] = pad(R, Math.min(c - firstHalf, minOf(w)), Math.max(c + firstHalf, maxOf(w)), R.fixed_pad);
    const l0 = [along(loss[0], grad[0], h, wlo - w[0])[0], along(loss[0], grad[0], h, whi - w[0])[0]];
    const lhi = R.loss_headroom * Math.max(maxOf(l0), maxOf(loss));
    const llo = Math.max(0, T.optimum_loss - R.loss_below * (lhi - T.optimum_loss));
    let gmin = 0, gmax = 0;
    for (let k = 0; k < n; k++) for (const e of [wlo, whi]) {
      const g = along(loss[k], grad[k], h, e - w[k])[1]; gmin = Math.min(gmin, g); gmax = Math.max(gmax, g);
    }
    const g = pad(R, gmin, gmax, R.pad);
    for (let k = 0; k < n; k++) ranges.push({ w: [wlo, whi], l: [llo, lhi], g });
  } else {
    let half = 0, top = -Infinity;
    const floor = Math.log10(Math.max(T.optimum_loss, R.log_floor)) - R.log_margin;
    for (let k = 0; k < n; k++) {
      half = Math.max(half, Math.abs(w[k] - c) * R.follow_widen, firstHalf);
      const wr = [c - half, c + half];
      const [la, ga] = along(loss[k], grad[k], h, wr[0] - w[k]), [lb, gb] = along(loss[k], grad[k], h, wr[1] - w[k]);
      top = Math.max(top, loss[k]);
      const glo = Math.min(ga, gb, grad[k], 0), ghi = Math.max(ga, gb, grad[k], 0);
      const gp = R.grad_pad * Math.max(ghi - glo, R.pad_min);
      ranges.push({ w: wr, l: [floor, Math.log10(Math.max(top, la, lb)) + R.log_margin], g: [glo - gp, ghi + gp] });
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

// Frame k's moving traces, by the spec's role names: numbers only (the styles are the spec's).
function frameData(spec, S, k, h) {
  const r = S.ranges[k], R = spec.rules, points = R.curve_points;
  const grid = Array.from({ length: points }, (_, j) => r.w[0] + (r.w[1] - r.w[0]) * j / (points - 1));
  const curve = grid.map((x) => along(S.loss[k], S.grad[k], h, x - S.w[k])[0]);
  const ends = [r.w[0], r.w[1]].map((x) => along(S.loss[k], S.grad[k], h, x - S.w[k])[1]);
  const [lx, ly, leaves] = clipLine(S.w[k], S.icpt[k], S.box);
  const note = leaves ? fill(spec.texts.leaves, { equation: equation(spec, S.w[k], S.icpt[k]) }) : "";
  const data = {
    line: { x: lx, y: ly },
    curve: { x: grid, y: curve },
    path: { x: S.w.slice(0, k + 1), y: S.loss.slice(0, k + 1) },
    loss_marker: { x: [S.w[k]], y: [S.loss[k]] },
    grad_line: { x: [r.w[0], r.w[1]], y: ends },
    grad_marker: { x: [S.w[k]], y: [S.grad[k]] },
  };
  return { data, note };
}
