// Descent Lab — one finished Plotly figure drawn with the app's own plotly.js (gd_ui/widgets/plain_chart.py
// puts live_shared.js first): the same pinned bundle as the live chart, loaded once per page, so a page
// needs no second plotly.js (Streamlit's own chart element brings a 4.7 MB one). The figure is the JSON
// Python built (gd_ui/figures); this file only draws it, at the width of its container.
export default function (component) {
  const { parentElement } = component, data = G.unpack(component.data);
  if (!data) return;
  let root = parentElement.querySelector(".dl-plain");
  if (!root) {
    root = document.createElement("div");
    root.className = "dl-plain";
    root.setAttribute("role", "img");
    root.dataset.testid = "descent-plain-chart";
    parentElement.appendChild(root);
  }
  root.setAttribute("aria-label", data.alt || "");
  root.style.height = `${data.height}px`;
  const st = (root.__state = root.__state || {});
  st.data = data;
  root.dataset.want = data.digest;  // drawn when data-drawn is this (tests/browser/conftest.py waits for it)
  const draw = (Plotly) => {
    const d = st.data, width = root.clientWidth || d.fallback_width;
    const stamp = `${d.digest}|${width}|${d.height}`;
    if (st.stamp === stamp) return null;
    st.stamp = stamp;
    st.figure = st.digest === d.digest ? st.figure : d.figure;  // sent as JSON itself (packed)
    st.digest = d.digest;
    const fig = st.figure;
    return Plotly.react(root, fig.data, { ...fig.layout, width, height: d.height, autosize: false }, d.config)
      .then(() => { root.dataset.drawn = d.digest; });
  };
  // A task after plotly.js arrives: the live chart at the top of the page draws first.
  G.loadPlotly(data.plotly).then((Plotly) => new Promise((resolve) => setTimeout(() => resolve(Plotly), 0))).then((Plotly) => {
    draw(Plotly);
    if (!st.resize) {
      let last = root.clientWidth;
      st.resize = new ResizeObserver(() => { if (root.clientWidth !== last) { last = root.clientWidth; draw(Plotly); } });
      st.resize.observe(root);
    }
  }).catch((err) => {
    root.textContent = `${st.data.failed} ${String((err && err.message) || err)}`;
    root.dataset.failed = "true";
  });
}
