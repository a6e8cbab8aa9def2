// Uploads a GIS file to /api/geo/imports/ and follows the job until it finishes.
(function () {
  "use strict";
  const t = window.LAND_I18N;
  const form = document.getElementById("import-form");
  const status = document.getElementById("import-status");
  const bar = document.getElementById("import-progress");
  const state = document.getElementById("import-state");
  const report = document.getElementById("import-report");
  const notes = document.getElementById("import-notes");

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function note(text, kind) {
    const li = document.createElement("li");
    li.textContent = text;
    li.dataset.kind = kind;
    notes.append(li);
  }

  function showReport(result) {
    report.hidden = false;
    report.tBodies[0].replaceChildren(...(result.files || []).map((f) => {
      const tr = document.createElement("tr");
      tr.dataset.ok = f.ok;
      tr.append(cell(f.file), cell(f.crs || "—"), cell(f.features), cell(f.inserted), cell(f.updated),
        cell(f.ok ? t.loaded : `${t.refused}: ${f.error}`));
      return tr;
    }));
    notes.replaceChildren();
    if (result.error) { note(result.error, "error"); }
    for (const f of result.files || []) {
      for (const r of f.repaired) { note(`${f.file}: ${t.repaired} ${r.feature}: ${r.reason}`, "repaired"); }
      for (const w of f.warnings) { note(`${f.file}: ${w}`, "warning"); }
    }
  }

  function show(job) {
    status.hidden = false;
    state.dataset.status = job.status;
    bar.max = Math.max(job.total, 1);
    bar.value = job.status === "succeeded" ? bar.max : job.processed;
    const counts = job.total ? ` ${job.processed} / ${job.total}` : "";
    state.textContent = `${t[job.status] || job.status}${job.current_file ? " " + job.current_file : ""}${counts}`;
    if (job.status === "succeeded" || job.status === "failed") {
      showReport(job.report);
      return true;
    }
    return false;
  }

  function follow(id) {
    fetch(`/api/geo/imports/${id}/`, { headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((job) => { if (!show(job)) { setTimeout(() => follow(id), 1000); } });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const fields = {};
    for (const name of ["code", "name"]) {
      const value = data.get(`${name}_field`);
      if (value) { fields[name] = value; }
    }
    const options = {
      srs: data.get("srs") || null,
      encoding: data.get("encoding") || null,
      category: data.get("category") || null,
      code_from_filename: data.get("code_from_filename") === "on",
      fields: fields,
    };
    const body = new FormData();
    body.append("kind", data.get("kind"));
    body.append("file", data.get("file"));
    body.append("options", JSON.stringify(options));
    report.hidden = true;
    notes.replaceChildren();
    fetch("/api/geo/imports/", {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken"), Accept: "application/json" },
    })
      .then((r) => r.json().then((json) => ({ ok: r.ok, json })))
      .then(({ ok, json }) => {
        if (!ok) {
          status.hidden = false;
          state.dataset.status = "failed";
          state.textContent = `${t.error} ${json.error.message}`;
          notes.replaceChildren();
          for (const [field, errors] of Object.entries(json.error.fields)) {
            for (const e of errors) { note(`${field}: ${e.message}`, "error"); }
          }
          return;
        }
        show(json);
        follow(json.id);
      });
  });
})();
