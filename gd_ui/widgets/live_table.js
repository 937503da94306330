// Descent Lab — the live chart's rate table, decoded once and shared with the chart by its digest.
// The bytes are gd_ui/chart/live_payload.py's DLT1 layout: magic, header length, JSON header, then typed arrays.
// Given URLs instead ({plotly, module}, sent as soon as the page opens), it starts loading plotly.js and the
// chart's module, so that the downloads and the parsing run while the server is still computing the page.

function decode(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== "DLT1") throw new Error("not a Descent Lab rate table");
  const length = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const start = 8 + length;
  const arrays = {};
  for (const [name, [offset, size, dtype]] of Object.entries(header.arrays)) {
    const width = dtype === "f4" ? 4 : 8;
    const copy = bytes.slice(start + offset, start + offset + size * width); // aligned, own buffer
    arrays[name] = dtype === "f4" ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  return { ...header, ...arrays };
}

export default function (component) {
  const { data, parentElement } = component;
  if (data && data.plotly) {  // the chart itself reports a failure
    G.loadPlotly(data.plotly).catch(() => {});
    if (data.module) G.loadModule(data.module).catch(() => {});
    return;
  }
  if (!data || !data.length) return;
  const table = decode(data);
  const key = table.digest;
  G.tables.set(key, table);
  for (const resolve of G.waiters.get(key) || []) resolve(table);
  G.waiters.delete(key);
  if (G.tables.size > 4) G.tables.delete(G.tables.keys().next().value); // a few datasets at most
  parentElement.dataset.table = key;
}
