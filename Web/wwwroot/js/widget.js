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

  // Opening the chat puts the keyboard in it: the composer when there is one, else the first control.
  // (The first view may still be loading: then the focus waits for it.)
  let wantFocus = false;
  const focusIn = () => {
    const target = document.getElementById("composer-text") || view.querySelector("button, a[href], textarea, input");
    wantFocus = !target;
    target?.focus();
  };
  addEventListener("message", e => {
    if (e.source !== parent || !e.data || !allowed(e.origin)) return;
    if (e.data.type === "parley:open") { focusIn(); return; }
    if (e.data.type !== "parley:page") return;
    focusIn();
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
    // New messages are fetched after the last one this tab shows.
    if (e.detail.elt.matches("[data-after]")) { const last = [...document.querySelectorAll("#messages [data-message]")].pop(); e.detail.parameters.after = last ? last.dataset.message : ""; }
    if (e.detail.verb === "post") {
      e.detail.parameters.tab = tab;
      if (page.url) { e.detail.parameters.pageUrl = page.url; e.detail.parameters.pageTitle = page.title; }
    }
  });
  // The widget's CSP allows no eval, so no hx-on: the composer empties after a message is sent, and once the
  // conversation is handed to a person the escalation buttons and suggestions go.
  let typedAt = 0;
  document.addEventListener("htmx:afterRequest", e => {
    const elt = e.detail.elt;
    if (!e.detail.successful) return;
    if (elt.matches("form[data-reset-on-success]")) { elt.reset(); elt.querySelector("textarea")?.focus(); typedAt = 0; }
    if (elt.matches("[data-escalate]")) document.querySelectorAll("[data-testid=escalation],[data-testid=follow-ups],[data-testid=follow-up-prompts]").forEach(x => x.remove());
  });
  // Enter sends, Shift+Enter starts a new line; "talk to a person" asks to confirm first; "not now" closes the lead form.
  // Escape closes an open confirmation first, then the chat itself (the page returns focus to its launcher).
  document.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey && e.target.matches("textarea[data-enter-sends]")) { e.preventDefault(); e.target.form.requestSubmit(); }
    if (e.key !== "Escape") return;
    const dialog = document.querySelector("[data-testid=escalation] [role=dialog]:not([hidden])");
    if (dialog) { dialog.hidden = true; const ask = dialog.closest("[data-testid=escalation]").querySelector("[data-testid=ask-human]"); ask.hidden = false; ask.focus(); return; }
    tell({ type: "parley:close" });
  });
  document.addEventListener("click", e => {
    const t = e.target.closest("[data-testid=ask-human], [data-cancel-escalation], [data-dismiss-form]");
    if (!t) return;
    if (t.matches("[data-dismiss-form]")) { t.closest("form").remove(); return; }
    const box = t.closest("[data-testid=escalation]"), dialog = box.querySelector("[role=dialog]"), ask = box.querySelector("[data-testid=ask-human]");
    const open = t === ask;
    dialog.hidden = !open; ask.hidden = open;
    if (open) { dialog.scrollIntoView({ block: "nearest", behavior: "smooth" }); dialog.querySelector("button")?.focus(); }
  });
  document.addEventListener("htmx:beforeRequest", e => { if (e.detail.elt.closest("[data-testid=composer]")) document.getElementById("notice").innerHTML = ""; });
  document.addEventListener("htmx:afterSettle", () => {
    if (wantFocus) focusIn();
    const inConversation = !!view.querySelector("[data-view=conversation]");
    document.getElementById("home-button").hidden = !inConversation || !!body.dataset.noHome;
    dedupe();
    showState();
    scrollDown();
  });
  // A message can arrive twice (fetched after the live stream's news while this tab also rendered it): keep the first.
  function dedupe() {
    const seen = new Set();
    document.querySelectorAll("#messages [data-message]").forEach(m => { if (seen.has(m.dataset.message)) m.remove(); else seen.add(m.dataset.message); });
  }
  // The header shows who answers: the bot, or the person who took the conversation over; a closed conversation has no composer.
  const title = document.getElementById("header-name"), botIcon = document.getElementById("header-icon");
  const original = { name: title.textContent, icon: botIcon ? botIcon.innerHTML : "" };
  function showState() {
    const s = view.querySelector("[data-testid=conversation-state]");
    const human = s && s.dataset.human === "true";
    title.textContent = human && s.dataset.agent ? s.dataset.agent : original.name;
    if (botIcon) {
      if (human && s.dataset.agentIcon) { const img = document.createElement("img"); img.src = s.dataset.agentIcon; img.alt = ""; img.className = "h-9 w-9 rounded-full object-cover"; img.dataset.testid = "header-agent-icon"; botIcon.replaceChildren(img); }
      else if (human && s.dataset.agent) { const d = document.createElement("div"); d.className = "grid h-9 w-9 place-items-center rounded-full bg-white/20 text-sm font-semibold"; d.setAttribute("aria-hidden", "true"); d.textContent = s.dataset.agent[0].toUpperCase(); botIcon.replaceChildren(d); }
      else botIcon.innerHTML = original.icon;
    }
    if (status && !status.dataset.offline) status.textContent = s ? s.dataset.status : status.dataset.online;
    const open = view.querySelector("[data-open-only]");
    if (open) open.hidden = !!s && s.dataset.closed === "true";
    document.body.dataset.human = human ? "true" : "false";
  }
  // The visitor typing in a conversation a person answers: the team sees it (at most every three seconds).
  document.addEventListener("input", e => {
    if (!e.target.matches("textarea[data-enter-sends]") || document.body.dataset.human !== "true" || Date.now() - typedAt < 3000) return;
    const id = e.target.form.querySelector("[name=conversationId]");
    if (!id) return;
    typedAt = Date.now();
    fetch(base + "?handler=Typing&conversationId=" + id.value, { method: "POST", headers: token ? { "X-Parley-Visitor": token } : {} }).catch(() => {});
  });
  // Answers this tab asked for ("done"), and messages from elsewhere on the live stream ("c-…"), count as news for the page's badge.
  let typingTimer = 0;
  document.addEventListener("htmx:sseMessage", e => {
    const type = e.detail.type;
    if (type.startsWith("t-")) {
      const typing = document.getElementById("typing");
      if (!typing) return;
      const s = view.querySelector("[data-testid=conversation-state]");
      typing.querySelector("[data-typing-name]").textContent = s && s.dataset.agent ? s.dataset.agent : "";
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { typing.hidden = true; }, 4000);
      return;
    }
    if (type.startsWith("c-")) { const typing = document.getElementById("typing"); if (typing) typing.hidden = true; }
    scrollDown();
    if (type === "done" || type.startsWith("c-")) tell({ type: "parley:message" });
  });
  // The live stream's state in the header: "connecting…" while the browser reconnects, back to the status line once open.
  const status = document.getElementById("status-line");
  document.addEventListener("htmx:sseError", e => { if (status && e.detail.elt === body) { status.dataset.offline = "1"; status.textContent = navigator.onLine === false ? status.dataset.disconnected : status.dataset.connecting; } });
  document.addEventListener("htmx:sseOpen", e => { if (status && e.detail.elt === body) { delete status.dataset.offline; showState(); } });
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
    body.setAttribute("sse-connect", base + "/live?tab=" + tab);
    htmx.process(body);
    htmx.ajax("GET", base + "?handler=Home", { target: "#view" });
  }
  start();
})();
