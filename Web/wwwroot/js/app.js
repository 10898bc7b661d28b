// The dashboard's small behaviours, wired by data attributes: the pages carry no inline script or handler, so the
// Content-Security-Policy allows scripts from Parley's own origin only.
(() => {
  const byId = id => document.getElementById(id);

  document.addEventListener("click", e => {
    const t = e.target.closest("[data-toggle-theme], [data-toggle-sidebar], [data-copy], [data-clear]");
    if (!t) return;
    if (t.matches("[data-toggle-theme]")) {
      const dark = document.documentElement.classList.toggle("dark");
      localStorage.theme = dark ? "dark" : "light";
    } else if (t.matches("[data-toggle-sidebar]")) {
      byId("sidebar")?.classList.toggle("-translate-x-full");
      byId("sidebar-backdrop")?.classList.toggle("hidden");
    } else if (t.matches("[data-copy]")) {
      const source = document.querySelector(t.dataset.copy);
      navigator.clipboard.writeText(source && "value" in source ? source.value : source?.textContent ?? "");
      t.textContent = t.dataset.copied || "Copied";
    } else if (t.matches("[data-clear]")) {
      const target = document.querySelector(t.dataset.clear);
      if (target) target.innerHTML = "";
    }
  });

  // Forms that ask before doing something that cannot be undone.
  document.addEventListener("submit", e => {
    const form = e.target.closest("form[data-confirm]");
    if (form && !confirm(form.dataset.confirm)) e.preventDefault();
  }, true);

  document.addEventListener("input", e => {
    const t = e.target;
    // A colour picker and its text field follow each other.
    if (t.matches("input[type=color][data-color-pair]")) t.nextElementSibling.value = t.value;
    else if (t.matches("input[data-color-text]") && /^#[0-9a-f]{6}$/i.test(t.value)) t.previousElementSibling.value = t.value;
    // A range input shows its value.
    if (t.matches("input[data-show-value]")) {
      const out = document.querySelector(t.dataset.showValue);
      if (out) out.textContent = (+t.value).toFixed(1);
    }
    // Sign-up: the subdomain follows the workspace name until the person edits it.
    if (t.matches("[data-slug-source]")) {
      const slug = byId(t.dataset.slugSource);
      if (slug && !slug.dataset.touched) {
        slug.value = t.value.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
        htmx.trigger(slug, "keyup");
      }
    }
    if (t.matches("[data-slug-target]")) t.dataset.touched = "1";
  });

  // A field's error goes as soon as what is typed is valid (the server still checks everything on submit).
  document.addEventListener("input", e => {
    const f = e.target;
    if (!f.matches || !f.matches("input, textarea, select") || !f.checkValidity || !f.checkValidity() || !f.value) return;
    const error = f.closest("div")?.querySelector(".field-error");
    if (error && error.textContent.trim()) { error.textContent = ""; f.removeAttribute("aria-invalid"); f.classList.remove("input-validation-error"); }
  });

  // The playground's composer: Enter sends, Shift+Enter starts a new line.
  document.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey && e.target.matches("textarea[data-enter-sends]")) { e.preventDefault(); e.target.form.requestSubmit(); }
  });

  // The subdomain check sends the typed subdomain as "slug" (the CSP allows no hx-vals "js:").
  document.addEventListener("htmx:configRequest", e => {
    if (e.detail.elt.matches && e.detail.elt.matches("[data-slug-target]")) e.detail.parameters.slug = e.detail.elt.value;
  });

  // htmx forms that empty themselves once the server took what they sent.
  document.addEventListener("htmx:afterRequest", e => {
    const f = e.detail.elt;
    if (e.detail.successful && f.matches && f.matches("form[data-reset-on-success]")) {
      f.reset();
      f.querySelector("textarea")?.focus();
    }
  });

  // A form's last refusal goes as soon as it is sent again.
  document.addEventListener("htmx:beforeRequest", e => e.detail.elt.querySelector?.("[data-form-error]")?.replaceChildren());

  // Tabs (the WAI-ARIA tabs pattern): each tab is a link that works without script; with it, a click or the arrow,
  // Home and End keys show the tab's panel in place.
  const selectTab = tab => {
    tab.closest("[role=tablist]").querySelectorAll("[role=tab]").forEach(t => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      const panel = byId(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
  };
  document.addEventListener("click", e => {
    const tab = e.target.closest?.("[role=tab]");
    if (tab) { e.preventDefault(); selectTab(tab); }
  });
  document.addEventListener("keydown", e => {
    const tab = e.target.closest?.("[role=tab]");
    if (!tab || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    const tabs = [...tab.closest("[role=tablist]").querySelectorAll("[role=tab]")];
    const i = tabs.indexOf(tab);
    const next = tabs[e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : (i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    e.preventDefault();
    selectTab(next);
    next.focus();
  });

  // The playground keeps its newest message in view.
  const scrollMessages = () => { const m = byId("messages"); if (m) m.scrollTop = m.scrollHeight; };
  document.addEventListener("htmx:sseMessage", scrollMessages);
  document.addEventListener("htmx:afterSettle", scrollMessages);
})();
