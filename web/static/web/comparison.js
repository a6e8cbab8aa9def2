// The comparison (比价, 地块属性对比): one column per listing in the order added (at most four), from
// GET /api/market/comparison/; a listing is taken out with DELETE …/comparison/<id>/, all with DELETE …/comparison/.
(function () {
  "use strict";
  const t = window.COMPARISON_I18N;
  const { request, showError, clearErrors, el, ApiError } = window.LandApi;
  const F = window.LandFormat;
  const box = document.getElementById("compare-table-box");
  const table = document.getElementById("compare-table");
  const empty = document.getElementById("compare-empty");
  const feedback = document.getElementById("compare-feedback");

  const money = (value, none, places) => (value === null ? none : F.money(value, { places }));

  // What each row shows for a listing.
  const CELLS = {
    mode: (row) => t.modes[row.mode] || row.mode,
    price: (row) => money(row.price_wan, t.negotiable),
    area: (row) => (row.area_m2 === null ? "—" : F.area(row.area_m2, { withMu: true })),
    land_use: (row) => row.land_use_name || row.land_use || "—",
    floor_area_ratio: (row) => (row.floor_area_ratio === null ? "—" : String(Number(row.floor_area_ratio))),
    years: (row) => (row.remaining_years === null ? "—" : `${row.remaining_years} ${t.years}`),
    unit_price: (row) => (row.unit_price_wan_per_m2 === null ? t.negotiable : F.unitPrice(row.price_wan, row.area_m2)),
    quote_max: (row) => money(row.quote_max_wan, t.noQuote, 4), // quotes to the yuan, so two never read alike
    quote_min: (row) => money(row.quote_min_wan, t.noQuote, 4),
    heat: (row) => el("span", { class: "heat-cell" },
      ["views", "favourites", "quotes", "appointments"].map((kind) => el("span", { dataset: { heat: kind } }, `${t[kind]} ${row.heat[kind]}`))),
    certification: (row) => el("span", { class: `tag ${row.certification === "certified" ? "certified" : "uncertified"}` },
      row.certification === "certified" ? t.certified : t.uncertified),
    region: (row) => row.region_path.join("/") || "—",
  };

  function head(row) {
    return el("th", { scope: "col", dataset: { listingId: row.listing_id } },
      el("span", { class: "column-head" },
        el("a", { href: row.link }, row.title),
        row.available ? null : el("span", { class: "tag" }, t.unavailable),
        el("button", { type: "button", class: "secondary small", dataset: { remove: row.listing_id }, onclick: () => remove(row.listing_id) }, t.remove)));
  }

  function render(data) {
    document.getElementById("compare-loading").hidden = true;
    const rows = data.items;
    empty.hidden = rows.length > 0;
    box.hidden = rows.length === 0;
    const headRow = table.tHead.rows[0];
    headRow.replaceChildren(headRow.cells[0], ...rows.map(head));
    for (const line of table.tBodies[0].rows) {
      const cell = CELLS[line.dataset.row];
      line.replaceChildren(line.cells[0], ...rows.map((row) => el("td", { dataset: { listingId: row.listing_id } }, cell(row))));
    }
    document.getElementById("compare-count").textContent = t.count.replace("{n}", rows.length).replace("{max}", data.max_items);
    document.getElementById("compare-add-more").hidden = rows.length >= data.max_items;
  }

  async function load() {
    try {
      render(await request("GET", "/api/market/comparison/"));
    } catch (error) { fail(error); }
  }

  function fail(error) {
    if (!(error instanceof ApiError)) { throw error; }
    if (error.status === 401) { window.location.assign("/login/?next=/compare/"); return; }
    showError(feedback, error);
  }

  async function remove(listingId) {
    clearErrors(feedback);
    try {
      await request("DELETE", `/api/market/comparison/${listingId}/`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) { fail(error); return; }
    }
    await load();
  }

  document.getElementById("compare-clear").addEventListener("click", async () => {
    if (!window.confirm(t.clearConfirm)) { return; }
    clearErrors(feedback);
    try {
      await request("DELETE", "/api/market/comparison/");
      await load();
    } catch (error) { fail(error); }
  });

  load();
})();
