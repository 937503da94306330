// Descent Lab — the live chart as the page mounts it on every rerun: a stub that imports the chart's
// module (live_shared.js + live_scene.js + live_chart.js, served by the app under app/static/ with its
// digest in the name, so the browser keeps it) and hands it each update. A rerun then carries this
// stub and the small JSON, not the chart's whole script. A module that does not load is the chart's
// failure: the page says so and offers a retry (live.py).
export default function (component) {
  const data = G.unpack(component.data), src = data && data.module;
  if (!src) return;
  let alive = true, cleanup = null;
  G.loadModule(src).then((m) => { if (alive) cleanup = m.default(component); }).catch((err) => {
    if (alive) component.setStateValue("failed", "the chart's script did not load (" + String((err && err.message) || err) + ")");
  });
  return () => { alive = false; if (typeof cleanup === "function") cleanup(); };
}
