// The chat widget inside its iframe: keeps the visitor's token in this frame's own (partitioned) storage and sends
// it as a header, accepts the page context only from the embedding page on an allowed host, and tells that page
// about new answers and close requests.
(function () {
  const body = document.body, base = body.dataset.base, key = "parley:" + body.dataset.bot;
  // Full origins (scheme, host and port) the embedding page may have; "scheme://host:*" allows any port (development).
  const origins = (body.dataset.parentOrigins || "").split(" ").filter(Boolean);
  const allowed = origin => origins.some(o => o === origin || (o.endsWith(":*") && (origin === o.slice(0, -2) || origin.startsWith(o.slice(0, -1)) && /^\d+$/.test(origin.slice(o.length - 1)))));
  const view = document.getElementById("view");
  // The frame's own storage when the browser allows it; otherwise the partitioned cookie the session call sets.
  let store = null;
  for (const name of ["localStorage", "sessionStorage"]) { try { const s = window[name]; s.getItem(key); store = s; break; } catch { } }
  let token = store ? store.getItem(key) : null, page = {}, parentOrigin = null;
  const tab = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).replace(/-/g, "");

  addEventListener("message", e => {
    if (e.source !== parent || !e.data || e.data.type !== "parley:page") return;
    if (!allowed(e.origin)) return;
    parentOrigin = e.origin;
    page = { url: String(e.data.url || "").slice(0, 2048), title: String(e.data.title || "").slice(0, 300) };
    if (e.data.small) document.getElementById("expand-button")?.remove(); // full screen on phones already
  });
  const tell = msg => { if (parentOrigin) parent.postMessage(msg, parentOrigin); };
  document.getElementById("close-button").addEventListener("click", () => tell({ type: "parley:close" }));
  // Refresh reloads the view on screen (its data-url); expand asks the page for a bigger window.
  document.getElementById("refresh-button")?.addEventListener("click", () => {
    const current = view.querySelector("[data-url]");
    htmx.ajax("GET", current ? current.dataset.url : base + "?handler=Home", { target: "#view" });
  });
  const expand = document.getElementById("expand-button");
  expand?.addEventListener("click", () => { const on = expand.getAttribute("aria-pressed") !== "true"; expand.setAttribute("aria-pressed", String(on)); tell({ type: "parley:expand", on }); });

  document.addEventListener("htmx:configRequest", e => {
    if (token) e.detail.headers["X-Parley-Visitor"] = token;
    if (e.detail.verb === "post") {
      e.detail.parameters.tab = tab;
      if (page.url) { e.detail.parameters.pageUrl = page.url; e.detail.parameters.pageTitle = page.title; }
    }
  });
  // The widget's CSP allows no eval, so no hx-on: the composer empties after a message is sent, and once the
  // conversation is handed to a person the escalation buttons and suggestions go.
  document.addEventListener("htmx:afterRequest", e => {
    const elt = e.detail.elt;
    if (!e.detail.successful) return;
    if (elt.matches("form[data-reset-on-success]")) { elt.reset(); elt.querySelector("textarea")?.focus(); }
    if (elt.matches("[data-escalate]")) document.querySelectorAll("[data-testid=escalation],[data-testid=follow-ups],[data-testid=follow-up-prompts]").forEach(x => x.remove());
  });
  // Enter sends, Shift+Enter starts a new line; "talk to a person" asks to confirm first; "not now" closes the lead form.
  document.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey && e.target.matches("textarea[data-enter-sends]")) { e.preventDefault(); e.target.form.requestSubmit(); }
  });
  document.addEventListener("click", e => {
    const t = e.target.closest("[data-testid=ask-human], [data-cancel-escalation], [data-dismiss-form]");
    if (!t) return;
    if (t.matches("[data-dismiss-form]")) { t.closest("form").remove(); return; }
    const box = t.closest("[data-testid=escalation]"), dialog = box.querySelector("[role=dialog]"), ask = box.querySelector("[data-testid=ask-human]");
    const open = t === ask;
    dialog.hidden = !open; ask.hidden = open;
  });
  document.addEventListener("htmx:beforeRequest", e => { if (e.detail.elt.closest("[data-testid=composer]")) document.getElementById("notice").innerHTML = ""; });
  document.addEventListener("htmx:afterSettle", () => {
    const inConversation = !!view.querySelector("[data-view=conversation]");
    document.getElementById("home-button").hidden = !inConversation || !!body.dataset.noHome;
    scrollDown();
  });
  // Answers this tab asked for ("done"), and messages from elsewhere on the live stream ("c-…"), count as news for the page's badge.
  document.addEventListener("htmx:sseMessage", e => { scrollDown(); if (e.detail.type === "done" || e.detail.type.startsWith("c-")) tell({ type: "parley:message" }); });
  // The live stream's state in the header: "connecting…" while the browser reconnects, back to the status line once open.
  const status = document.getElementById("status-line");
  document.addEventListener("htmx:sseError", () => { if (status) status.textContent = navigator.onLine === false ? status.dataset.disconnected : status.dataset.connecting; });
  document.addEventListener("htmx:sseOpen", e => { if (status && e.detail.elt === body) status.textContent = status.dataset.online; });
  function scrollDown() { const m = document.getElementById("messages"); if (m) m.scrollTop = m.scrollHeight; }

  async function session() {
    const r = await fetch(base + "?handler=Session", { method: "POST", headers: token ? { "X-Parley-Visitor": token } : {} });
    if (!r.ok) return false;
    const j = await r.json();
    if (j.token) { token = j.token; try { store && store.setItem(key, token); } catch { } }
    return true;
  }
  async function start() {
    if (!view.querySelector("[data-testid=widget-loading]")) return; // unavailable
    if (!(await session())) return;
    // The live stream authenticates with the partitioned cookie the session call set; EventSource cannot send headers.
    body.setAttribute("hx-ext", "sse");
    body.setAttribute("sse-connect", base + "?handler=Live&tab=" + tab);
    htmx.process(body);
    htmx.ajax("GET", base + "?handler=Home", { target: "#view" });
  }
  start();
})();
