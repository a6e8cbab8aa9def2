// Reads the health report the page names (/health/details for staff and this machine, else the public /health) and
// lists each component with its state; the public report has none to list.
(function () {
  "use strict";
  const t = window.LAND_I18N;
  const summary = document.getElementById("status-summary");
  const list = document.getElementById("status-components");
  const url = summary.closest("[data-health-url]").dataset.healthUrl;

  function render(report) {
    if (!report.status) throw new Error("no status in the report");  // e.g. a rate-limit error body
    const components = report.components || {};
    const down = Object.entries(components).filter(([, c]) => c.status !== "up").map(([name]) => name);
    summary.dataset.status = report.status;
    summary.textContent = report.status === "ok" ? t.ok : `${t[report.status]} ${down.join(", ")}`;
    list.replaceChildren(...Object.entries(components).map(([name, c]) => {
      const li = document.createElement("li");
      li.dataset.component = name;
      li.dataset.status = c.status;
      const detail = c.backend ? ` (${c.backend})` : "";
      li.textContent = `${t.components[name] || name}${detail}: ${c.status === "up" ? t.up : t.downWord}`;
      return li;
    }));
  }

  fetch(url, { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then(render)
    .catch(() => { summary.dataset.status = "unknown"; summary.textContent = t.unreachable; });
})();
