// Land statistics (土地统计数据, /statistics/): GET /api/market/statistics/ grouped by region, first-level land use or
// month, within a region, a month range and a mode; a table with the total row and a bar chart of the listings'
// number or area per group, drawn as inline SVG. The filters are kept in the query string.
(function () {
  "use strict";
  const t = window.STATISTICS_I18N;
  const { request, showError, clearErrors, el, ApiError } = window.LandApi;
  const { RegionSelect } = window.LandSelectors;
  const form = document.getElementById("statistics-filters");
  const table = document.getElementById("statistics-table");
  const summary = document.getElementById("statistics-summary");
  const chartTitle = document.getElementById("chart-title");
  const chartArea = document.getElementById("chart-area");
  const FILTERS = ["group_by", "region", "from", "to", "mode", "metric"];
  const SVG = "http://www.w3.org/2000/svg";
  const region = new RegionSelect(form.querySelector(".region-select"));
  let last = null;

  const F = window.LandFormat;
  const formats = {};
  function format(value, min, max) {
    if (value === null || value === undefined || value === "") { return "—"; }
    const key = `${min}-${max}`;
    formats[key] = formats[key] || new Intl.NumberFormat("zh-CN", { minimumFractionDigits: min, maximumFractionDigits: max });
    return formats[key].format(Number(value));
  }
  const FIGURES = [
    ["listing_count", (v) => format(v, 0, 0)],
    ["area_m2", (v) => F.grouped(v, 2) || "—"],
    ["priced_count", (v) => format(v, 0, 0)],
    ["price_wan", (v) => F.wanNumber(v) || "—"], // under 总价（万元）: "13,410.51"
    ["unit_price_yuan_m2", (v) => F.grouped(v, 2) || "—"], // under 元/平方米, to the fen
    ["demand_count", (v) => format(v, 0, 0)],
  ];
  const METRIC_FIELD = { count: "listing_count", area: "area_m2" };

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) { if (value !== null && value !== undefined) { node.setAttribute(key, value); } }
    for (const child of children.flat()) {
      if (child === null || child === undefined) { continue; }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function fromUrl() {
    const query = new URLSearchParams(window.location.search);
    const filters = {};
    for (const name of FILTERS) { filters[name] = query.get(name) || ""; }
    if (!["region", "land_use", "month"].includes(filters.group_by)) { filters.group_by = "region"; }
    if (!["count", "area"].includes(filters.metric)) { filters.metric = "count"; }
    return filters;
  }

  function fromForm() {
    return {
      group_by: form.elements.group_by.value,
      region: region.value(),
      from: form.elements.from.value.trim(),
      to: form.elements.to.value.trim(),
      mode: form.elements.mode.value,
      metric: (form.querySelector("[name=metric]:checked") || {}).value || "count",
    };
  }

  function href(filters) {
    const out = new URLSearchParams();
    for (const name of FILTERS) {
      if (filters[name] && !(name === "group_by" && filters[name] === "region") && !(name === "metric" && filters[name] === "count")) {
        out.set(name, filters[name]);
      }
    }
    const search = out.toString();
    return search ? `?${search}` : window.location.pathname;
  }

  async function applyToForm(filters) {
    form.elements.group_by.value = filters.group_by;
    form.elements.from.value = filters.from;
    form.elements.to.value = filters.to;
    form.elements.mode.value = filters.mode;
    form.querySelectorAll("[name=metric]").forEach((input) => { input.checked = input.value === filters.metric; });
    await region.set(filters.region);
  }

  function row(group, header) {
    return el("tr", { dataset: { key: group.key || "total" } },
      el("th", { scope: "row" }, header),
      FIGURES.map(([name, show]) => el("td", { class: "num", dataset: { field: name } }, show(group[name]))));
  }

  function renderTable(data) {
    table.tBodies[0].replaceChildren(...data.groups.map((group) => row(group, group.name || group.key)));
    table.tFoot.replaceChildren(row(data.total, t.total));
    document.getElementById("group-heading").textContent = t.groups[data.group_by];
  }

  // Horizontal bars, one per group, scaled to the largest; sized to the box so the text stays legible on a phone.
  function renderChart(data, metric) {
    const field = METRIC_FIELD[metric];
    const title = t.by.replace("{metric}", t.metrics[metric]).replace("{group}", t.groups[data.group_by]);
    chartTitle.textContent = title;
    if (!data.groups.length) { chartArea.replaceChildren(el("p", { class: "muted" }, t.empty)); return; }
    const show = metric === "count" ? (v) => format(v, 0, 0) : (v) => format(v, 0, 2);
    const width = Math.max(300, Math.floor(chartArea.clientWidth || 600));
    const labelWidth = Math.min(150, Math.floor(width * 0.3));
    const valueWidth = 90;
    const barHeight = 20, gap = 8, top = 4;
    const plot = width - labelWidth - valueWidth - 8;
    const height = top * 2 + data.groups.length * (barHeight + gap);
    const max = Math.max(0, ...data.groups.map((g) => Number(g[field]) || 0));
    const bars = data.groups.map((group, index) => {
      const value = Number(group[field]) || 0;
      const y = top + index * (barHeight + gap);
      const length = max > 0 ? Math.max(value > 0 ? 1 : 0, (value / max) * plot) : 0;
      const name = group.name || group.key;
      return svg("g", { class: "bar-row", "data-key": group.key, role: "listitem", "aria-label": `${name}: ${show(group[field])}` },
        svg("title", {}, `${name}: ${show(group[field])}`),
        svg("text", { class: "bar-label", x: labelWidth - 6, y: y + barHeight / 2, "text-anchor": "end", "dominant-baseline": "middle" }, name),
        svg("rect", { class: "bar", x: labelWidth, y, width: length.toFixed(1), height: barHeight, rx: 2 }),
        svg("text", { class: "bar-value", x: labelWidth + length + 6, y: y + barHeight / 2, "dominant-baseline": "middle" }, show(group[field])));
    });
    const description = data.groups.map((g) => `${g.name || g.key}: ${show(g[field])}`).join("; ");
    chartArea.replaceChildren(svg("svg", {
      viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": "chart-svg-title chart-svg-desc",
      preserveAspectRatio: "xMinYMin meet",
    },
    svg("title", { id: "chart-svg-title" }, title),
    svg("desc", { id: "chart-svg-desc" }, `${t.chartSummary} ${description}`),
    svg("g", { role: "list" }, bars)));
  }

  function describe(data) {
    const parts = [`${t.scope} ${data.region ? data.region.name : t.everywhere}`];
    if (data.from || data.to) { parts.push(`${t.months} ${data.from || "…"} – ${data.to || "…"}`); }
    return parts.join(" · ");
  }

  async function load(filters) {
    clearErrors(form);
    table.setAttribute("aria-busy", "true");
    summary.textContent = t.loading;
    const params = new URLSearchParams({ group_by: filters.group_by });
    for (const name of ["region", "from", "to", "mode"]) { if (filters[name]) { params.set(name, filters[name]); } }
    try {
      const data = await request("GET", `/api/market/statistics/?${params}`);
      last = { data, metric: filters.metric };
      renderTable(data);
      renderChart(data, filters.metric);
      summary.textContent = describe(data);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      last = null;
      table.tBodies[0].replaceChildren();
      table.tFoot.replaceChildren();
      chartArea.replaceChildren();
      chartTitle.textContent = "";
      summary.textContent = "";
      showError(form, error);
    } finally {
      table.setAttribute("aria-busy", "false");
    }
  }

  function go(filters) {
    history.pushState(null, "", href(filters));
    return load(filters);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); go(fromForm()); });
  // The chart's metric needs no new request.
  form.querySelectorAll("[name=metric]").forEach((input) => input.addEventListener("change", () => {
    if (!last) { return; }
    last.metric = input.value;
    history.replaceState(null, "", href({ ...fromUrl(), metric: input.value }));
    renderChart(last.data, last.metric);
  }));
  document.getElementById("filters-reset").addEventListener("click", async (event) => {
    event.preventDefault();
    const empty = { group_by: "region", region: "", from: "", to: "", mode: "", metric: "count" };
    await applyToForm(empty);
    go(empty);
  });
  window.addEventListener("popstate", async () => {
    const filters = fromUrl();
    await applyToForm(filters);
    load(filters);
  });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (last) { renderChart(last.data, last.metric); } }, 150);
  });

  const initial = fromUrl();
  load(initial);
  applyToForm(initial);
})();
