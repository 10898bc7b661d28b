/* Parley chat loader: <script src="https://parley.example/embed.js" data-bot="bot_…" async></script> */
(function () {
  var s = document.currentScript, bot = s && s.getAttribute("data-bot");
  if (!bot || window.ParleyLoaded) return;
  window.ParleyLoaded = 1;
  var base = new URL(s.src).origin, widget = base + "/widget/" + encodeURIComponent(bot), open = 0, unread = 0, frame, btn, badge, side;
  function el(tag, css) { var e = document.createElement(tag); e.style.cssText = css; return e; }
  var gap = 20, size = 56, height = 80;
  function hex(v, d) { return /^#[0-9a-f]{6}$/i.test(v) ? v : d; }
  function place(e, bottom) { e.style[side] = gap + "px"; e.style.bottom = bottom + "px"; }
  function init(c) {
    if (c.available === false) return;
    side = c.position === "left" ? "left" : "right";
    size = { small: 48, large: 64 }[c.iconSize] || 56;
    gap = c.side >= 0 ? c.side : 20;
    height = c.height || 80;
    btn = el("button", "position:fixed;border:0;border-radius:50%;cursor:pointer;z-index:2147483000;box-shadow:0 4px 16px rgba(0,0,0,.25);width:" + size + "px;height:" + size + "px;color:" + hex(c.textColor, "#fff") + ";background:" + hex(c.color, "#4f46e5"));
    btn.dataset.bottom = c.bottom >= 0 ? c.bottom : 20;
    place(btn, btn.dataset.bottom);
    btn.title = c.tooltip || "";
    btn.setAttribute("aria-label", "Open chat with " + (c.name || "us"));
    btn.setAttribute("aria-expanded", "false");
    btn.innerHTML = '<svg width="26" height="26" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    if (c.icon && /^https?:/.test(c.icon)) {
      var img = el("img", "width:100%;height:100%;border-radius:50%;object-fit:cover;display:block");
      img.src = c.icon; img.alt = ""; btn.innerHTML = ""; btn.style.padding = "0";
      if (c.plainIcon) btn.style.background = "transparent";
      btn.appendChild(img);
    }
    badge = el("span", "position:absolute;top:-2px;right:-2px;min-width:18px;height:18px;border-radius:9px;background:#dc2626;color:#fff;font:600 11px/18px sans-serif;display:none");
    btn.appendChild(badge);
    btn.onclick = function () { try { sessionStorage.setItem("parley:closed", "1"); } catch (e) { } toggle(); };
    document.body.appendChild(btn);
    var delay = innerWidth < 480 || screen.width < 480 ? c.autoOpenMobile : c.autoOpenDesktop, closed;
    try { closed = sessionStorage.getItem("parley:closed"); } catch (e) { }
    if (delay >= 0 && !closed) setTimeout(function () { if (!open) toggle(); }, delay * 1000);
  }
  function toggle() {
    open = !open;
    if (open && !frame) {
      var small = Math.min(innerWidth, screen.width || innerWidth) < 480; // pages without a viewport tag report a 980 px layout on phones
      frame = el("iframe", "position:fixed;border:0;z-index:2147483000;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.2);" +
        (small ? "inset:0;width:100%;height:100%;border-radius:0" : "width:400px;max-width:calc(100% - 40px);border-radius:16px;height:min(720px," + height + "vh);max-height:calc(100% - " + (+btn.dataset.bottom + size + 28) + "px)"));
      if (!small) place(frame, +btn.dataset.bottom + size + 12);
      frame.title = "Chat";
      frame.src = widget;
      frame.onload = function () { frame.focus(); frame.contentWindow.postMessage({ type: "parley:page", url: location.href, title: document.title, small: small }, base); };
      document.body.appendChild(frame);
    }
    else if (open) { frame.style.display = "block"; frame.focus(); frame.contentWindow.postMessage({ type: "parley:open" }, base); } // the keyboard goes into the chat
    frame.style.display = open ? "block" : "none";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { unread = 0; badge.style.display = "none"; } else btn.focus();
  }
  addEventListener("message", function (e) {
    if (e.origin !== base || !frame || e.source !== frame.contentWindow || !e.data) return;
    if (e.data.type === "parley:close" && open) { try { sessionStorage.setItem("parley:closed", "1"); } catch (x) { } toggle(); }
    if (e.data.type === "parley:message" && !open) { badge.textContent = ++unread; badge.style.display = "block"; }
    if (e.data.type === "parley:expand" && frame.style.borderRadius !== "0px") { frame.style.width = e.data.on ? "min(760px, calc(100% - 40px))" : "400px"; frame.style.height = e.data.on ? "calc(100% - " + (+btn.dataset.bottom + size + 28) + "px)" : "min(720px," + height + "vh)"; }
  });
  fetch(widget + "?handler=Config").then(function (r) { return r.json(); }).then(init, function () { init({}); });
})();
