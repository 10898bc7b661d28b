// Multi-file upload with a progress bar per file: each file is its own request, so one bad file fails alone.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("upload-input");
  const zone = document.getElementById("drop-zone");
  const list = document.getElementById("upload-list");
  const token = form.querySelector("input[name=__RequestVerificationToken]").value;
  const maxBytes = Number(form.dataset.maxBytes);
  let running = 0;

  function row(file) {
    const li = document.createElement("li");
    li.className = "rounded-lg border border-slate-200 px-3 py-2 text-sm dark:border-slate-700";
    li.dataset.file = file.name;
    const top = document.createElement("div");
    top.className = "flex items-center justify-between gap-3";
    const name = document.createElement("span");
    name.className = "truncate font-medium";
    name.textContent = file.name;
    const state = document.createElement("span");
    state.className = "shrink-0 text-xs text-slate-500";
    state.dataset.role = "state";
    state.textContent = "Waiting…";
    top.append(name, state);
    const bar = document.createElement("div");
    bar.className = "mt-2 h-1.5 rounded-full bg-slate-100 dark:bg-slate-700";
    const fill = document.createElement("div");
    fill.className = "h-1.5 w-0 rounded-full bg-indigo-500 transition-all";
    bar.append(fill);
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-label", "Upload of " + file.name);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    li.append(top, bar);
    list.prepend(li);
    return {
      progress(p) { fill.style.width = p + "%"; bar.setAttribute("aria-valuenow", String(p)); state.textContent = p < 100 ? p + "%" : "Checking…"; },
      done(text) { fill.style.width = "100%"; fill.classList.replace("bg-indigo-500", "bg-emerald-500"); state.textContent = text; state.className = "shrink-0 text-xs text-emerald-600"; li.dataset.result = "ok"; },
      fail(text) { fill.classList.replace("bg-indigo-500", "bg-red-500"); fill.style.width = "100%"; state.textContent = "Failed"; li.dataset.result = "error";
        const why = document.createElement("p"); why.className = "mt-1 text-xs text-red-700 dark:text-red-400"; why.textContent = text; li.append(why); }
    };
  }

  function refresh() { if (running === 0 && window.htmx) htmx.ajax("GET", form.action.replace("handler=Upload", "handler=Sources"), { target: "#sources", swap: "outerHTML" }); }

  function upload(file) {
    const ui = row(file);
    if (file.size > maxBytes) { ui.fail(`Larger than your plan's ${Math.round(maxBytes / 1048576)} MB per file.`); return; }
    running++;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("RequestVerificationToken", token);
    xhr.upload.onprogress = e => { if (e.lengthComputable) ui.progress(Math.round(e.loaded * 100 / e.total)); };
    xhr.onload = () => {
      running--;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { }
      if (xhr.status === 200) ui.done("Uploaded");
      else ui.fail(body.error || (xhr.status === 413 ? "The file is too large." : `Upload failed (HTTP ${xhr.status}).`));
      refresh();
    };
    xhr.onerror = () => { running--; ui.fail("The connection dropped. Try again."); refresh(); };
    const data = new FormData();
    data.append("file", file);
    xhr.send(data);
  }

  input.addEventListener("change", () => { [...input.files].forEach(upload); input.value = ""; });
  ["dragenter", "dragover"].forEach(t => zone.addEventListener(t, e => { e.preventDefault(); zone.classList.add("border-indigo-400"); }));
  ["dragleave", "drop"].forEach(t => zone.addEventListener(t, e => { e.preventDefault(); zone.classList.remove("border-indigo-400"); }));
  zone.addEventListener("drop", e => [...e.dataTransfer.files].forEach(upload));
})();
