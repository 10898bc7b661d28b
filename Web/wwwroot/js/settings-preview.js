// Live preview beside a settings form: every input updates the mock widget at once, before anything is saved.
(function () {
  const preview = document.getElementById("preview");
  if (!preview) return;
  if (preview.dataset.kind === "behavior") {
    // Behavior: each switch shows or hides its part of the mock widget at once.
    const update = form => {
      const v = name => { const el = form.elements[`Input.${name}`]; return !el ? "" : el.type === "checkbox" ? el.checked : el.value; };
      const show = (key, on) => preview.querySelectorAll(`[data-b=${key}]`).forEach(e => e.classList.toggle("hidden", !on));
      show("refresh", !v("HideRefresh")); show("expand", !v("HideExpand")); show("sources", !v("HideSources")); show("feedback", !v("HideFeedback"));
      show("nav", !v("HideBottomNav") && !v("HideHomePage")); show("terms", !!v("RequireTerms")); show("disclaimer", v("Disclaimer").trim().length > 0);
      preview.querySelector("[data-b=terms-text]").textContent = v("TermsText");
      preview.querySelector("[data-b=disclaimer]").textContent = v("Disclaimer");
      const count = +v("FollowUpCount");
      preview.querySelectorAll("[data-b=followup]").forEach(e => e.classList.toggle("hidden", +e.dataset.n >= count));
    };
    for (const type of ["input", "change"]) document.addEventListener(type, e => { if (e.target.form?.id === "behavior-form") update(e.target.form); });
    return;
  }
  if (preview.dataset.kind === "texts") {
    // Localization: each text box drives the preview element with the same key; an empty box shows the default wording.
    document.addEventListener("input", e => {
      const m = /^T\[(\w+)\]$/.exec(e.target.name || ""); if (!m) return;
      const el = preview.querySelector(`[data-t=${m[1]}]`); if (!el) return;
      const text = e.target.value || e.target.placeholder;
      el.textContent = text;
      // The owner's own texts (welcome, disclaimer) show only when there is one, the welcome in place of Parley's title.
      if (el.hasAttribute("data-t-optional")) el.hidden = !text;
      preview.querySelector(`[data-t-default=${m[1]}]`)?.toggleAttribute("hidden", !!text);
    });
    return;
  }
  const $ = name => preview.querySelector(`[data-p=${name}]`);
  const hex = v => /^#[0-9a-f]{6}$/i.test(v);
  const sizes = { Small: 40, Medium: 48, Large: 56 };
  function update(form) {
    const v = name => { const el = form.elements[`Input.${name}`]; return !el ? "" : el.type === "checkbox" ? el.checked : el.value; };
    const name = v("DisplayName").trim() || preview.dataset.botName;
    $("name").textContent = name;
    $("initial").textContent = name.slice(0, 1).toUpperCase();
    $("welcome").textContent = v("WelcomeMessage").trim() || preview.dataset.welcome;
    $("placeholder").textContent = v("Placeholder") || "Ask a question…";
    for (const [field, variable] of [["BrandColor", "--p-brand"], ["BrandTextColor", "--p-text"], ["LinkColor", "--p-link"]])
      if (hex(v(field))) preview.style.setProperty(variable, v(field));
    preview.style.setProperty("--p-icon", hex(v("IconColor")) ? v("IconColor") : "var(--p-brand)");
    const font = +v("FontSize"); if (font >= 12 && font <= 20) preview.style.setProperty("--p-font", font + "px");
    const height = +v("ChatHeight"); if (height >= 50 && height <= 100) $("window").style.height = `calc(${height}% - 4.5rem)`;
    const left = v("Position") === "Left", win = $("window"), launcher = $("launcher");
    win.style.left = win.style.right = ""; win.style[left ? "left" : "right"] = "0.75rem";
    win.dir = v("RightToLeft") ? "rtl" : "ltr";
    win.classList.toggle("bg-slate-900", !!v("DarkMode")); win.classList.toggle("text-slate-100", !!v("DarkMode")); win.classList.toggle("bg-white", !v("DarkMode"));
    $("branding").classList.toggle("hidden", !!v("HideBranding"));
    launcher.style.left = launcher.style.right = "";
    launcher.style[left ? "left" : "right"] = Math.min(Math.max(+v("SideDistance") || 0, 0), 60) + "px";
    launcher.style.bottom = Math.min(Math.max(+v("BottomDistance") || 0, 0), 60) + "px";
    launcher.style.width = (sizes[v("IconSize")] || 48) + "px";
    launcher.title = v("Tooltip");
  }
  document.addEventListener("input", e => { if (e.target.form?.id?.endsWith("-form")) update(e.target.form); });
  document.addEventListener("change", e => { if (e.target.form?.id?.endsWith("-form")) update(e.target.form); });
})();
