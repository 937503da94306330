// Descent Lab — what the live chart's two components share (gd_ui/widgets/live.py puts this first in
// each): the page-wide state and the plotly.js loader. Whichever component runs first defines them;
// the page may start loading plotly.js before the chart mounts (live.py, preload).
const G = (window.__descentLab = window.__descentLab || { tables: new Map(), waiters: new Map() });

// A component's data as the page sends it: JSON as bytes (gd_ui/chart/live_payload.py, packed: the server
// then neither encodes it twice nor hashes it as text), or an object already (the offline page, tests).
G.unpack = G.unpack || function (data) {
  if (!data || typeof data.byteLength !== "number") return data;
  if (G.unpacked && G.unpacked[0] === data) return G.unpacked[1];
  const value = JSON.parse(new TextDecoder().decode(data));
  G.unpacked = [data, value];
  return value;
};

// plotly.js, once per page.
G.loadPlotly = G.loadPlotly || function (src) {
  // Our own bundle even when the page already has a window.Plotly (Streamlit's charts may set one):
  // the pinned version is the one the chart is tested with. The offline page inlines it (no src).
  if (!src) return window.Plotly ? Promise.resolve(window.Plotly) : Promise.reject(new Error("plotly.js is not served by this app"));
  if (!G.plotly) {
    G.plotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("no Plotly")));
      script.onerror = () => { G.plotly = null; script.remove(); reject(new Error("plotly.js did not load from " + src)); };
      document.head.appendChild(script);
    });
  }
  return G.plotly;
};

// A module of the app's own (the live chart's, live_stub.js), imported once per page.
G.modules = G.modules || new Map();
G.loadModule = G.loadModule || function (src) {
  if (!G.modules.has(src)) {
    const loading = import(new URL(src, document.baseURI).href);
    loading.catch(() => G.modules.delete(src));  // a retry imports it again
    G.modules.set(src, loading);
  }
  return G.modules.get(src);
};
