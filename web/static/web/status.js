// Reads /health and lists each component with its state.
(function () {
  "use strict";
  const t = window.LAND_I18N;
  const summary = document.getElementById("status-summary");
  const list = document.getElementById("status-components");

  function render(report) {
    const down = Object.entries(report.components).filter(([, c]) => c.status !== "up").map(([name]) => name);
    summary.dataset.status = report.status;
    summary.textContent = report.status === "ok" ? t.ok : `${t[report.status]} ${down.join(", ")}`;
    list.replaceChildren(...Object.entries(report.components).map(([name, c]) => {
      const li = document.createElement("li");
      li.dataset.component = name;
      li.dataset.status = c.status;
      const detail = c.backend ? ` (${c.backend})` : "";
      li.textContent = `${t.components[name] || name}${detail}: ${c.status === "up" ? t.up : t.downWord}`;
      return li;
    }));
  }

  fetch("/health", { headers: { Accept: "application/json" } })
    .then((response) => response.json())
    .then(render)
    .catch(() => { summary.dataset.status = "unknown"; summary.textContent = t.unreachable; });
})();
