// Uploads a GIS file to /api/geo/imports/ and follows the job until it finishes.
(function () {
  "use strict";
  const t = window.LAND_I18N;
  const form = document.getElementById("import-form");
  const status = document.getElementById("import-status");
  const bar = document.getElementById("import-progress");
  const state = document.getElementById("import-state");
  const report = document.getElementById("import-report");

  function show(job) {
    status.hidden = false;
    state.dataset.status = job.status;
    bar.max = Math.max(job.total, 1);
    bar.value = job.status === "succeeded" ? bar.max : job.processed;
    const counts = job.total ? ` ${job.processed} / ${job.total}` : "";
    state.textContent = `${t[job.status] || job.status}${job.current_file ? " " + job.current_file : ""}${counts}`;
    if (job.status === "succeeded" || job.status === "failed") {
      report.textContent = JSON.stringify(job.report, null, 2);
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
    report.textContent = "";
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
          report.textContent = JSON.stringify(json.error.fields, null, 2);
          return;
        }
        show(json);
        follow(json.id);
      });
  });
})();
