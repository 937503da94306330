// Descent Lab — a class's memory in the browser (localStorage), and Play from epoch 0 after a reveal.
// See gd_ui/widgets/class_browser.py.
export default function (component) {
  const { data, setStateValue } = component;
  if (!data) return;
  const G = (window.__descentClass = window.__descentClass || {});
  let value = null;
  try {
    if (typeof data.save === "string") {
      if (data.save) localStorage.setItem(data.name, data.save); else localStorage.removeItem(data.name);
    }
    value = localStorage.getItem(data.name);
    if (!value && data.make) {
      const bytes = crypto.getRandomValues(new Uint8Array(18));
      value = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      localStorage.setItem(data.name, value);
    }
  } catch (e) {  // storage refused (a private window): this tab's session still works
    value = value || (G[data.name] = G[data.name] || (data.make ? String(Math.random()).slice(2, 20) : null));
  }
  if ((value || "") !== (data.known || "")) setStateValue("value", value || "");
  if (data.play && G.played !== data.play) {
    G.played = data.play;
    let tries = 0;
    const start = () => {
      const root = document.querySelector('[data-testid="descent-live"]');
      const button = root && root.querySelector('[data-role="play"]');
      const frame = root && root.querySelector('[data-role="frame"]');
      if (!button || !frame || !root.dataset.drawn) { if (tries++ < 60) setTimeout(start, 100); return; }
      frame.value = "0"; frame.dispatchEvent(new Event("input", { bubbles: true }));
      if (button.getAttribute("aria-pressed") !== "true") button.click();
    };
    start();
  }
}
