// The live inbox: the tab title counts visitors waiting for a person and a sound (switchable) announces new ones;
// new messages are fetched after the last one shown; the composer sends on Enter, inserts saved replies with "/",
// and tells the visitor's widget while the agent types. No inline script: the CSP allows none.
(function () {
  const inbox = document.getElementById("inbox");
  if (!inbox) return;
  const baseTitle = document.title;
  const soundKey = "parley:inbox-sound";
  let waiting = null, audio = null;
  const headers = (() => { try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch { return {}; } })();

  function beep() {
    try {
      audio = audio || new AudioContext();
      const now = audio.currentTime;
      [0, 0.18].forEach((t, i) => {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = i ? 880 : 660;
        g.gain.setValueAtTime(0.0001, now + t); g.gain.exponentialRampToValueAtTime(0.2, now + t + 0.02); g.gain.exponentialRampToValueAtTime(0.0001, now + t + 0.16);
        o.connect(g).connect(audio.destination); o.start(now + t); o.stop(now + t + 0.17);
      });
    } catch { }
  }

  // After the list is drawn: the count in the title, the sound when more visitors wait than before, the switch's state.
  function listDrawn() {
    const list = document.getElementById("inbox-list");
    if (!list) return;
    const now = parseInt(list.dataset.waiting || "0", 10);
    document.title = now > 0 ? `(${now}) ${baseTitle}` : baseTitle;
    const on = localStorage.getItem(soundKey) === "on";
    const toggle = list.querySelector("[data-sound-toggle]");
    if (toggle) toggle.checked = on;
    if (waiting !== null && now > waiting && on) beep();
    inbox.dataset.waiting = String(now);
    waiting = now;
  }
  document.addEventListener("change", e => {
    if (!e.target.matches("[data-sound-toggle]")) return;
    localStorage.setItem(soundKey, e.target.checked ? "on" : "off");
    if (e.target.checked) { audio = audio || new AudioContext(); audio.resume(); }
  });

  function threadMessages() { return document.getElementById("thread-messages"); }
  function scrollDown() { const m = threadMessages(); if (m) m.scrollTop = m.scrollHeight; }
  function dedupe() {
    const seen = new Set();
    document.querySelectorAll("#thread-messages [data-message]").forEach(m => { if (seen.has(m.dataset.message)) m.remove(); else seen.add(m.dataset.message); });
  }

  document.addEventListener("htmx:configRequest", e => {
    if (e.detail.elt.matches && e.detail.elt.matches("[data-after]")) {
      const last = [...document.querySelectorAll("#thread-messages [data-message]")].pop();
      if (last) e.detail.parameters.after = last.dataset.message;
    }
  });
  document.addEventListener("htmx:afterSettle", e => {
    listDrawn();
    if (e.detail.target && (e.detail.target.id === "conversation" || e.detail.target.id === "thread-messages")) {
      if (e.detail.target.id === "conversation") inbox.dataset.open = "true";
      dedupe();
      scrollDown();
      document.getElementById("visitor-typing")?.setAttribute("hidden", "");
    }
  });
  document.addEventListener("click", e => {
    if (e.target.closest("[data-close-thread]")) inbox.dataset.open = "false";
    const item = e.target.closest("[data-reply-shortcut]");
    if (item) { e.preventDefault(); insertReply(item); }
  });

  // The visitor is typing (their widget says so at most every three seconds): shown for four.
  let typingTimer = 0;
  document.addEventListener("htmx:sseMessage", e => {
    if (!e.detail.type.startsWith("t-")) return;
    const t = document.getElementById("visitor-typing");
    if (!t || !document.querySelector(`[data-thread="${e.detail.type.slice(2)}"]`)) return;
    t.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => { t.hidden = true; }, 4000);
  });

  // Saved replies: "/" and the start of a shortcut lists matches; Enter, Tab or a click puts the reply in its place.
  let active = 0;
  function composer() { return document.querySelector("[data-composer]"); }
  function replies() { try { return JSON.parse(composer()?.querySelector("[data-saved-replies]")?.textContent || "[]"); } catch { return []; } }
  function query(textarea) { const m = /(^|\s)\/([\w-]*)$/.exec(textarea.value.slice(0, textarea.selectionStart)); return m ? m[2].toLowerCase() : null; }
  function menu() { return composer()?.querySelector("[data-replies-menu]"); }
  function showMenu(textarea) {
    const list = menu(), q = query(textarea);
    if (!list) return;
    const found = q === null ? [] : replies().filter(r => r.Shortcut.startsWith(q)).slice(0, 8);
    list.replaceChildren(...found.map((r, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.replyShortcut = r.Shortcut;
      li.className = "cursor-pointer px-3 py-1.5 " + (i === active ? "bg-brand-50 dark:bg-slate-700" : "hover:bg-slate-50 dark:hover:bg-slate-700");
      li.setAttribute("aria-selected", String(i === active));
      const b = document.createElement("strong"); b.textContent = "/" + r.Shortcut + " ";
      const s = document.createElement("span"); s.className = "text-slate-500"; s.textContent = r.Content.slice(0, 80);
      li.append(b, s);
      return li;
    }));
    list.classList.toggle("hidden", found.length === 0);
  }
  function insertReply(item) {
    const textarea = composer()?.querySelector("[data-replies-input]");
    const reply = replies().find(r => r.Shortcut === item.dataset.replyShortcut);
    if (!textarea || !reply) return;
    const before = textarea.value.slice(0, textarea.selectionStart).replace(/\/[\w-]*$/, ""), after = textarea.value.slice(textarea.selectionStart);
    textarea.value = before + reply.Content + after;
    textarea.selectionStart = textarea.selectionEnd = (before + reply.Content).length;
    menu()?.classList.add("hidden");
    textarea.focus();
  }
  document.addEventListener("input", e => {
    if (!e.target.matches("[data-replies-input]")) return;
    active = 0;
    showMenu(e.target);
    typing(e.target);
  });
  document.addEventListener("keydown", e => {
    if (!e.target.matches("[data-replies-input]")) return;
    const list = menu(), open = list && !list.classList.contains("hidden");
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const n = list.children.length;
      active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n;
      showMenu(e.target);
      return;
    }
    if (open && (e.key === "Enter" || e.key === "Tab")) { e.preventDefault(); insertReply(list.children[active]); return; }
    if (open && e.key === "Escape") { list.classList.add("hidden"); return; }
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); e.stopImmediatePropagation(); e.target.form.requestSubmit(); }
  }, true);

  // The visitor's widget shows "typing…" while a reply (not a note) is being written; a sent reply ends it.
  let typedAt = 0;
  document.addEventListener("htmx:afterRequest", e => { if (e.detail.elt.matches && e.detail.elt.matches("[data-composer]")) typedAt = 0; });
  function typing(textarea) {
    const form = textarea.form;
    if (!form || form.querySelector("[name=kind]:checked")?.value === "note" || Date.now() - typedAt < 3000) return;
    const thread = form.closest("[data-thread]");
    if (!thread) return;
    typedAt = Date.now();
    fetch(`/inbox?handler=Typing&id=${thread.dataset.thread}`, { method: "POST", headers }).catch(() => { });
  }

  listDrawn();
  scrollDown();
})();
