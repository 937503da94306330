// Descent Lab — the live chart's drawing (part 2 of 2, after live_scene.js: gd_ui/widgets/live.py joins
// them): the Plotly layout, the redraw paths and the widget.
// --- plotly layout ---------------------------------------------------------------------------------------
function axis(spec, extra, title) {
  // No automargin: fixed margins spare Plotly a second layout pass on every redraw.
  return { ...spec.axis, ...extra, title: { text: title || "", font: { size: spec.fonts.axis_title, color: spec.ink } } };
}

function layoutFor(spec, S, k, view) {
  if (view.stacked && spec.fonts_stacked) spec = { ...spec, fonts: spec.fonts_stacked };  // a phone: normal type
  const r = S.ranges[k], g = spec.geometry, t = spec.texts, f = spec.fonts, stacked = view.stacked;
  const top = S.follow ? g.margin.t_follow : g.margin.t;
  let dom;
  if (stacked) {
    const plotH = view.height - top - g.margin.b, gap = Math.min(g.stacked.gap_max, g.stacked.gap_px / plotH);
    const h3 = (1 - 2 * gap) / 3;
    dom = { x: [0, 1], y: [1 - h3, 1], x2: [0, 1], y2: [h3 + gap, 2 * h3 + gap], x3: [0, 1], y3: [0, h3],
      title_x: g.stacked.title_x, title_y: [1, 2 * h3 + gap, h3], note_dy: g.stacked.note_dy };
  } else dom = g.side;
  const title = (text, j) => ({ text, x: dom.title_x[j], y: dom.title_y[j], xref: "paper", yref: "paper", xanchor: "center",
    yanchor: "bottom", showarrow: false, font: { size: f.title, color: spec.ink } });
  const notes = t.titles.map(title);
  if (S.follow) {
    const what = S.divergedAt > 0 ? fill(t.follow.diverged, { epoch: count(spec.number, S.divergedAt) })
      : S.divergedAt === -1 ? t.follow.diverges : t.follow.grows;
    notes.push({ ...title(what, 1), y: dom.title_y[1] + dom.note_dy, font: { color: spec.note_colour, size: f.note } });
  }
  return {
    width: view.width, height: view.height, font: { family: spec.font_family, size: f.base, color: spec.ink },
    plot_bgcolor: spec.clear, paper_bgcolor: spec.clear, showlegend: false, hovermode: false,  // legend: HTML
    margin: { l: g.margin.l, r: g.margin.r, t: top, b: g.margin.b },
    annotations: notes, dragmode: false,
    xaxis: axis(spec, { domain: dom.x, range: [S.box[0], S.box[1]], showgrid: false }, t.axes.x),
    yaxis: axis(spec, { domain: dom.y, range: [S.box[2], S.box[3]], showgrid: false }, t.axes.y),
    xaxis2: axis(spec, { domain: dom.x2, range: r.w, anchor: "y2", matches: "x3", showticklabels: stacked }),
    yaxis2: axis(spec, { domain: dom.y2, range: r.l, anchor: "x2", type: S.follow ? "log" : "linear" },
      S.follow ? t.axes.loss_log : t.axes.loss),
    xaxis3: axis(spec, { domain: dom.x3, range: r.w, anchor: "y3" }, t.axes.weight),
    yaxis3: axis(spec, { ...spec.grad_axis, domain: dom.y3, range: r.g, anchor: "x3" }, t.axes.grad),
  };
}

// The data points live in a second plot under the transparent main one, drawn only when panel (a)'s
// geometry changes: redrawing thousands of points on every slider step cost a third of each redraw. (SVG: in a
// software renderer WebGL's set-up alone cost more than the whole first draw.)
function pointsLayout(spec, main) {
  const u = spec.underlay;
  const bare = (ax) => ({ domain: ax.domain, range: ax.range, anchor: ax.anchor, showgrid: true, gridcolor: u.gridcolor,
    zeroline: false, showline: false, showticklabels: false, ticks: "", fixedrange: true });
  return { width: main.width, height: main.height, margin: main.margin, plot_bgcolor: u.plot_bgcolor, paper_bgcolor: u.paper_bgcolor,
    showlegend: false, hovermode: false, dragmode: false, xaxis: bare(main.xaxis), yaxis: bare(main.yaxis) };
}

// One step of a drag changes only the traces' numbers and the axes' ranges: Plotly.relayout of the axes
// whose range moved, then Plotly.animate of the numbers without a redraw (together a third of the work
// of one Plotly.animate of both, which re-lays out every subplot, and a fifth of Plotly.react's). Anything
// else — another table or run, size, scale, the log axis, a note — goes through Plotly.react. The size is explicit (the ResizeObserver below follows the
// container): Plotly never measures the page during a redraw.
const AXES = ["xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"];
// Static: no hover, zoom or drag in this chart (the sliders drive it), so Plotly keeps no drag layers.
const CONFIG = { displaylogo: false, displayModeBar: false, responsive: false, scrollZoom: false, staticPlot: true };
function draw(Plotly, gd, traces, moving, lay, source) {
  const shape = source + JSON.stringify({ ...lay, ...Object.fromEntries(AXES.map((a) => [a, { ...lay[a], range: null }])) })
    + JSON.stringify(traces.map((t) => ({ ...t, x: null, y: null })));
  if (gd.__shape !== shape || !gd._fullData) {
    gd.__shape = shape;
    return Plotly.react(gd, traces, lay, CONFIG);
  }
  const moved = AXES.filter((a) => { const now = gd.layout[a].range; return !now || now[0] !== lay[a].range[0] || now[1] !== lay[a].range[1]; });
  const ranges = Object.fromEntries(moved.map((a) => [`${a}.range`, lay[a].range]));
  const axes = moved.length ? Plotly.relayout(gd, ranges) : null;
  const data = Plotly.animate(gd, { data: moving.map((j) => ({ x: traces[j].x, y: traces[j].y })), traces: moving },
    { mode: "immediate", transition: { duration: 0 }, frame: { duration: 0, redraw: false } });
  return Promise.all([axes, data]).catch(() => Plotly.react(gd, traces, lay, CONFIG));
}

// Presenter mode (`fill`): the plot takes the height the window leaves under its top, less the chart's own
// rows under it (legend, Play); never less than `floor`. The page keeps what sits above at a fixed height.
function fillHeight(root, plot, floor, slack) {
  let scrolled = 0;
  for (let el = root; el; el = el.parentElement) scrolled += el.scrollTop || 0;
  const below = root.getBoundingClientRect().bottom - plot.getBoundingClientRect().bottom;
  return Math.max(floor, Math.floor(window.innerHeight - plot.getBoundingClientRect().top - scrolled - below - slack));
}

// --- a schedule's strip: the rate per epoch at the slider's peak rate (gd_ui/chart/strip.py) -------------
function stripFigure(spec, X, rate, label, width, divergedAt, stacked) {
  if (stacked && spec.fonts_stacked) spec = { ...spec, fonts: spec.fonts_stacked };
  const S = spec.strip, t = spec.texts.strip, f = spec.fonts, crit = X.critical, floor = crit * S.floor_share;
  const eta = X.shape.map((s) => Math.max(rate * s, floor));
  const top = Math.max(maxOf(eta), crit);
  const font = (size, color) => ({ size, color: color || spec.ink });
  const axis = (extra, title) => ({ ...spec.axis, ...extra, title: { text: title, font: font(f.axis_title) } });
  const notes = [{ text: t.critical, xref: "paper", x: 1, yref: "y", y: Math.log10(crit), xanchor: "right", yanchor: "bottom",
    showarrow: false, font: font(f.note), bgcolor: S.note_bg }];
  const shapes = [];
  if (divergedAt > 0) {
    shapes.push({ type: "line", xref: "x", x0: divergedAt, x1: divergedAt, yref: "paper", y0: 0, y1: 1,
      line: { color: S.diverged_colour, width: S.diverged_width } });
    notes.push({ text: fill(t.diverged, { epoch: count(spec.number, divergedAt) }), xref: "x", x: X.log_x ? Math.log10(divergedAt) : divergedAt,
      yref: "paper", y: 1, xanchor: "left", yanchor: "top", showarrow: false, font: font(f.note, S.diverged_text), bgcolor: S.note_bg });
  }
  const warmup = X.warmup ? fill(t.warmup, { epochs: count(spec.number, X.warmup) }) : "";
  return {
    traces: [{ ...S.traces.critical, x: X.x, y: X.x.map(() => crit) }, { ...S.traces.over, x: X.x, y: eta.map((v) => Math.max(v, crit)) },
      { ...S.traces.rate, x: X.x, y: eta }],
    layout: { width, height: S.height, margin: S.margin, showlegend: false, hovermode: false, dragmode: false,
      font: { family: spec.font_family, size: f.base, color: spec.ink }, plot_bgcolor: spec.clear, paper_bgcolor: spec.clear,
      title: { text: fill(stacked ? t.title_stacked : t.title, { kind: X.kind, rate: label, warmup }), x: 0, xanchor: "left",
        font: font(f.title) },
      annotations: notes, shapes,
      xaxis: axis(X.log_x ? { ...S.log_axis, range: [0, Math.log10(X.epochs)] } : { range: [1, Math.max(X.epochs, 2)] }, X.log_x ? t.x_log : t.x),
      yaxis: axis({ ...S.log_axis, range: [Math.log10(floor) - S.pad_below, Math.log10(top) + S.pad_above],
        dtick: Math.max(1, Math.ceil((Math.log10(top) - Math.log10(floor)) / S.y_ticks)) }, t.y) },
  };
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
      <input type="range" class="dl-range" data-role="w0">
      <output class="dl-value" data-out="w0"></output></label>
    <label class="dl-ctl"><span class="dl-name">Initial bias</span>
      <input type="range" class="dl-range" data-role="b0">
      <output class="dl-value" data-out="b0"></output></label>
  </div>
  <div class="dl-stage">
    <div class="dl-plot" role="img"></div>
    <div class="dl-points" aria-hidden="true"></div>
    <p class="dl-note" aria-hidden="true"></p>
  </div>
  <div class="dl-strip" role="img" hidden></div>
  <ul class="dl-legend" aria-hidden="true"></ul>
  <div class="dl-anim">
    <button type="button" class="dl-play" data-role="play"></button>
    <label class="dl-speed"><span class="dl-name">Speed</span>
      <select data-role="speed" aria-label="animation speed"></select></label>
    <label class="dl-ctl dl-epoch"><span class="dl-name">Epoch shown</span>
      <input type="range" class="dl-range" data-role="frame" min="0" step="1" aria-label="epoch shown in the chart">
      <output class="dl-value" data-out="frame"></output></label>
  </div>
  <p class="dl-summary"></p>
</div>`;

function legendItems(spec, list) {
  list.replaceChildren(...spec.legend.map((entry) => {
    const li = document.createElement("li"), key = document.createElement("span"), text = document.createElement("span");
    key.className = `dl-key dl-${entry.key}`;
    if (entry.key === "dash") key.style.borderColor = entry.colour; else key.style.background = entry.colour;
    text.textContent = entry.text;
    li.append(key, text);
    return li;
  }));
  list.hidden = !spec.legend_shown;
}

function speedOptions(spec, select) {
  const B = spec.behaviour;
  if (select.options.length) return;
  for (const name of Object.keys(B.speeds)) select.add(new Option(name, name, name === B.default_speed, name === B.default_speed));
}

// Keep every layer (the SVG plot and the points under it) the size of its container at once: a
// window change, zoom, rotation or a layout change above the chart (issue 18).
function watchSize(root, st) {
  if (root.__resize) return;
  let last = "";
  root.__resize = new ResizeObserver(() => {
    const size = `${root.clientWidth}x${root.clientHeight}`;
    if (size === last || !st.show) return;
    last = size;
    st.show(st.frame);  // the new width is in both layers' layouts: Plotly.react resizes every canvas
  });
  root.__resize.observe(root);
}

export default function (component) {
  const { parentElement, setTriggerValue, setStateValue } = component, data = G.unpack(component.data);
  if (!data) return;
  let root = parentElement.querySelector(".dl-live");
  if (!root) { parentElement.insertAdjacentHTML("beforeend", HTML); root = parentElement.querySelector(".dl-live"); }
  const st = (root.__state = root.__state || { frame: null, playing: null, dragging: false, commitTimer: null });
  const $ = (sel) => root.querySelector(sel);
  const spec = data.spec, N = spec.number, B = spec.behaviour, t = spec.texts;
  const inputs = { rate: $('[data-role="rate"]'), w0: $('[data-role="w0"]'), b0: $('[data-role="b0"]'), frame: $('[data-role="frame"]') };
  const plot = $(".dl-plot"), points = $(".dl-points"), note = $(".dl-note"), summary = $(".dl-summary");
  const play = $('[data-role="play"]'), speed = $('[data-role="speed"]'), strip = $(".dl-strip");
  strip.hidden = !data.strip;
  if (data.strip) { strip.style.height = `${spec.strip.height}px`; strip.setAttribute("aria-label", data.strip_alt || ""); }
  const id = `dl-summary-${data.key}`;
  summary.id = id;
  plot.setAttribute("aria-describedby", id);
  plot.setAttribute("aria-label", t.aria.plot);
  for (const name of ["w0", "b0"]) for (const a of ["min", "max", "step"]) inputs[name][a] = String(B.sliders[name][a]);
  legendItems(spec, $(".dl-legend"));
  speedOptions(spec, speed);
  let alive = true;

  // A run the server computed (the lesson's literal loop) comes as a finished scene, with no sliders.
  const fixed = data.scene ? { ...data.static, x: Float32Array.from(data.static.x), y: Float32Array.from(data.static.y), rates: [data.static.rate], zones: [""] } : null;
  root.classList.toggle("dl-fixed", !!fixed);
  root.classList.remove("dl-failed");
  Promise.all([fixed ? Promise.resolve(fixed) : tableFor(data.table), loadPlotly(data.plotly)]).then(([T, Plotly]) => {
    if (!alive) return;
    const isNew = root.dataset.table !== data.table || root.dataset.run !== data.run;
    root.dataset.table = data.table; root.dataset.run = data.run;
    inputs.rate.max = String(T.rates.length - 1);
    inputs.rate.setAttribute("aria-label", t.aria.rate);
    inputs.w0.setAttribute("aria-label", fill(t.aria.w0, { shown: data.shown }));
    inputs.b0.setAttribute("aria-label", t.aria.b0);
    $('[data-name="w0"]').textContent = fill(t.aria.w0_name, { shown: data.shown });
    if (!st.dragging && isNew) { inputs.rate.value = data.rate; inputs.w0.value = data.w0; inputs.b0.value = data.b0; }
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const read = () => ({ r: Number(inputs.rate.value), w0: Number(inputs.w0.value), b0: Number(inputs.b0.value) });
    const ends = { ...data, w0: data.w0, b0: data.b0 };
    let S = null, key = null;
    const view = () => {
      const width = root.clientWidth || spec.geometry.fallback_width, stacked = width < spec.geometry.stack_below_px;
      return { stacked, width, height: stacked ? (data.stacked_height || spec.geometry.stacked_height)
        : data.fill ? fillHeight(root, plot, data.height, data.fill) : data.height };
    };
    const sceneFor = (v) => {
      if (fixed) return data.scene;
      const k = `${v.r}|${v.w0}|${v.b0}`;
      if (k !== key) { key = k; S = scene(T, spec.rules, history(T, v.r, v.w0, v.b0, ends)); }
      return S;
    };
    // The numbers tests/browser/test_chart_parity.py holds to the Python scene: any grid rate from any start.
    G.debug = G.debug || {};
    G.debug[data.key] = { scene: (r, w0, b0) => (fixed ? data.scene : scene(T, spec.rules, history(T, r, w0, b0, ends))),
      format: (v) => num(N, v), equation: (s, i) => equation(spec, s, i) };
    const traceList = (s, k, mov) => {
      const opt = s.follow ? [10 ** s.ranges[0].l[0], 10 ** s.ranges[s.epochs.length - 1].l[1]] : [s.ranges[0].l[0], s.ranges[0].l[1]];
      return [{ ...spec.traces.optimum, x: [T.w_star, T.w_star], y: opt, name: t.optimum },
        ...spec.moving.map((role) => ({ ...spec.traces[role], ...mov[role], ...(role === "line" ? { name: t.fit } : {}) }))];
    };
    const MOVING = spec.moving.map((_, j) => j + 1);  // trace 0, the optimum's line, stays
    const show = (frameIndex) => {
      const started = performance.now();
      const v = read(), s = sceneFor(v), n = s.epochs.length;
      const k = Math.max(0, Math.min(frameIndex ?? n - 1, n - 1));
      st.frame = k;
      inputs.frame.max = String(n - 1); inputs.frame.value = String(k);
      const epoch = s.epochs[k], epochText = count(N, epoch);
      $('[data-out="frame"]').textContent = epochText;
      inputs.frame.setAttribute("aria-valuetext", fill(t.aria.frame_value, { epoch: epochText }));
      const label = T.rates[v.r];
      $('[data-out="rate"]').textContent = fixed ? label : fill(t.rate_shown, { rate: label, zone: T.zones[v.r] });
      inputs.rate.setAttribute("aria-valuetext", fill(t.aria.rate_value, { rate: label, zone: T.zones[v.r] }));
      $('[data-out="w0"]').textContent = v.w0.toFixed(B.sliders.w0.decimals);
      $('[data-out="b0"]').textContent = v.b0.toFixed(B.sliders.b0.decimals);
      // The summary first: in presenter mode the plot takes the height its rows below leave (view()).
      const sameRun = v.r === data.rate && v.w0 === data.w0 && v.b0 === data.b0;
      const said = sameRun && k === n - 1 ? data.summary
        : fill(t.summary, { rate: label, equation: equation(spec, s.w[k], s.icpt[k]), epoch: epochText,
          w: num(N, s.w[k]), grad: num(N, s.grad[k]), loss: num(N, s.loss[k]) });
      if (summary.textContent !== said) summary.textContent = said;
      const vw = view(), lay = layoutFor(spec, s, k, vw), mov = frameData(spec, s, k, T.x2);
      const under = JSON.stringify([data.table, s.box, vw, root.clientWidth, lay.margin]);
      if (points.dataset.drawnFor !== under) {
        points.dataset.drawnFor = under;
        Plotly.react(points, [{ ...spec.traces.points, x: T.x, y: T.y, name: T.points }],
          pointsLayout(spec, lay), { displayModeBar: false, responsive: false, staticPlot: true });
      }
      const traces = traceList(s, k, mov.data);
      root.dataset.rate = label; root.dataset.epoch = String(epoch); root.dataset.w0 = String(v.w0); root.dataset.b0 = String(v.b0);
      root.dataset.exact = String(s.exact);
      root.dataset.weight = String(s.w[k]); root.dataset.intercept = String(s.icpt[k]); root.dataset.loss = String(s.loss[k]);
      root.dataset.gradient = String(s.grad[k]);
      const want = `${label}|${v.w0}|${v.b0}|${epoch}`;
      root.dataset.want = want;
      if (data.strip && !fixed) {  // after the panels, the strip at this peak rate (during a drag at most
        const sk = `${data.run}|${v.r}|${vw.width}|${s.divergedAt}`;  // every strip_every_ms: the panels
        if (strip.dataset.want !== sk) {                                 // keep every frame)
          strip.dataset.want = sk;
          const drawStrip = () => {
            st.stripTimer = 0; st.stripAt = performance.now();
            const F = stripFigure(spec, data.strip, T.rate_values[v.r], label, vw.width, s.divergedAt, vw.stacked);
            Plotly.react(strip, F.traces, F.layout, CONFIG).then(() => { strip.dataset.drawn = sk; strip.dataset.rate = label; });
          };
          clearTimeout(st.stripTimer);
          const wait = st.dragging ? Math.max(0, (st.stripAt || 0) + B.strip_every_ms - performance.now()) : 0;
          st.stripTimer = setTimeout(() => requestAnimationFrame(drawStrip), wait);
        }
      }
      return draw(Plotly, plot, traces, MOVING, lay, data.table + "|" + data.run)
        .then(() => {
          const fl = plot._fullLayout, g = spec.geometry;
          if (note.textContent !== mov.note) note.textContent = mov.note;
          if (fl && fl.xaxis) { note.style.left = `${fl.xaxis._offset + g.note_left_px}px`; note.style.top = `${fl.yaxis._offset + g.note_top_px}px`; }
          root.dataset.drawnKey = want; root.dataset.drawn = root.dataset.run; G.redraws = (G.redraws || 0) + 1;
          (G.drawMs = G.drawMs || []).push(performance.now() - started);  // read by benchmarks/bench_drag.py
          if (G.drawMs.length > B.draw_log) G.drawMs.splice(0, B.draw_log / 2);
        });
    };
    const commit = (delay) => {
      clearTimeout(st.commitTimer);
      st.commitTimer = setTimeout(() => {
        const v = read();
        setTriggerValue("commit", { lr: T.rates[v.r], w0: v.w0, b0: v.b0 });
      }, delay);
    };
    const stop = () => { if (st.playing) { clearInterval(st.playing); st.playing = null; } play.textContent = B.play; play.setAttribute("aria-pressed", "false"); };
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
      el.onchange = () => { st.dragging = false; commit(st.lastKey ? B.commit_after_keys_ms : 0); };
      el.onkeydown = (e) => { st.lastKey = e.key.startsWith("Arrow") || e.key.startsWith("Page") || e.key === "Home" || e.key === "End"; };
      el.onpointermove = () => { st.lastKey = false; };
    }
    root.querySelectorAll("[data-nudge]").forEach((b) => {  // − / +: one grid step, for a finger
      b.onclick = (e) => {
        e.preventDefault();
        const v = Math.max(0, Math.min(Number(inputs.rate.max), Number(inputs.rate.value) + Number(b.dataset.nudge)));
        if (String(v) === inputs.rate.value) return;
        inputs.rate.value = String(v); stop(); show(null); commit(B.commit_after_keys_ms);
      };
    });
    inputs.frame.oninput = () => { stop(); show(Number(inputs.frame.value)); };
    if (!st.playing) play.textContent = B.play;
    play.setAttribute("aria-pressed", st.playing ? "true" : "false");
    play.onclick = () => {
      if (st.playing) return stop();
      const n = S ? S.epochs.length : fixed ? data.scene.epochs.length : 1;
      let k = st.frame >= n - 1 ? 0 : st.frame;
      play.textContent = B.pause; play.setAttribute("aria-pressed", "true");
      const ms = B.speeds[speed.value] || B.speeds[B.default_speed];
      st.playing = setInterval(() => {
        k += 1;
        const total = fixed ? data.scene.epochs.length : S ? S.epochs.length : 0;
        if (k >= total) { stop(); return; }
        show(k);
      }, ms);
    };
    if (reduce) root.classList.add("dl-reduced");
    show(isNew ? null : st.frame);
    watchSize(root, st);
    if (data.fill && !root.__fill) {  // presenter mode: the window's height changes too, the plot follows it
      root.__fill = () => st.show && st.show(st.frame);
      window.addEventListener("resize", root.__fill);
      document.fonts && document.fonts.ready.then(root.__fill);
      // …and so does what sits above it: a page block that changes height moves the plot's top.
      const page = root.closest('[data-testid="stMainBlockContainer"]') || document.body;
      let top = plot.getBoundingClientRect().top;
      new ResizeObserver(() => {
        const now = plot.getBoundingClientRect().top;
        if (now !== top) { top = now; root.__fill(); }
      }).observe(page);
    }
  }).catch((err) => {
    root.classList.add("dl-failed");
    const message = String((err && err.message) || err);
    $(".dl-plot").textContent = fill(t.failed, { error: message });
    setStateValue("failed", message);
  });
  return () => { alive = false; };
}
