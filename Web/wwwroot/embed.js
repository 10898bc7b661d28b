/* Parley chat loader: <script src="https://parley.example/embed.js" data-bot="bot_…" async></script> */
(function () {
  var s = document.currentScript, bot = s && s.getAttribute("data-bot");
  if (!bot || window.ParleyLoaded) return;
  window.ParleyLoaded = 1;
  var base = new URL(s.src).origin, widget = base + "/widget/" + encodeURIComponent(bot), open = 0, unread = 0, frame, btn, badge, side;
  function el(tag, css) { var e = document.createElement(tag); e.style.cssText = css; return e; }
  function place(e, bottom) { e.style[side] = "20px"; e.style.bottom = bottom; }
  function init(c) {
    if (c.available === false) return;
    var color = /^#[0-9a-f]{6}$/i.test(c.color) ? c.color : "#4f46e5";
    side = c.position === "left" ? "left" : "right";
    btn = el("button", "position:fixed;width:56px;height:56px;border:0;border-radius:50%;cursor:pointer;z-index:2147483000;color:#fff;box-shadow:0 4px 16px rgba(0,0,0,.25);background:" + color);
    place(btn, "20px");
    btn.setAttribute("aria-label", "Open chat with " + (c.name || "us"));
    btn.setAttribute("aria-expanded", "false");
    btn.innerHTML = '<svg width="26" height="26" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
    badge = el("span", "position:absolute;top:-2px;right:-2px;min-width:18px;height:18px;border-radius:9px;background:#dc2626;color:#fff;font:600 11px/18px sans-serif;display:none");
    btn.appendChild(badge);
    btn.onclick = toggle;
    document.body.appendChild(btn);
  }
  function toggle() {
    open = !open;
    if (open && !frame) {
      var small = Math.min(innerWidth, screen.width || innerWidth) < 480; // pages without a viewport tag report a 980 px layout on phones
      frame = el("iframe", "position:fixed;border:0;z-index:2147483000;background:#fff;box-shadow:0 8px 32px rgba(0,0,0,.2);" +
        (small ? "inset:0;width:100%;height:100%;border-radius:0" : "width:400px;height:640px;max-width:calc(100% - 40px);max-height:calc(100% - 108px);border-radius:16px"));
      if (!small) place(frame, "88px");
      frame.title = "Chat";
      frame.src = widget;
      frame.onload = function () { frame.contentWindow.postMessage({ type: "parley:page", url: location.href, title: document.title }, base); };
      document.body.appendChild(frame);
    }
    frame.style.display = open ? "block" : "none";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { unread = 0; badge.style.display = "none"; }
  }
  addEventListener("message", function (e) {
    if (e.origin !== base || !frame || e.source !== frame.contentWindow || !e.data) return;
    if (e.data.type === "parley:close" && open) toggle();
    if (e.data.type === "parley:message" && !open) { badge.textContent = ++unread; badge.style.display = "block"; }
  });
  fetch(widget + "?handler=Config").then(function (r) { return r.json(); }).then(init, function () { init({}); });
})();
