// The public supply list (/supply/): filters by region (any level), mode, land use and certification, kept in the
// page's query string so a link reproduces the view; cards from GET /api/market/supply/, paged.
(function () {
  "use strict";
  const t = window.SUPPLY_LIST_I18N;
  const { el, time, pagedList } = window.LandApi;
  const F = window.LandFormat;
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const form = document.getElementById("supply-filters");
  const results = document.getElementById("supply-results");
  const summary = document.getElementById("supply-summary");
  const pager = document.getElementById("supply-pager");
  const PAGE_SIZE = 12;
  const FILTERS = ["region", "mode", "land_use", "certified"];
  const modeNames = Object.fromEntries(Array.from(form.elements.mode.options).filter((o) => o.value).map((o) => [o.value, o.textContent]));

  const table = JSON.parse(document.getElementById("land-uses").textContent || "null");
  const landUseRoot = form.querySelector(".land-use-select");
  const landUse = Array.isArray(table) && table.length ? new LandUseSelect(landUseRoot, table) : null;
  // Without the land-use table the selector cannot be offered; a land_use in the link still filters.
  if (!landUse) { form.querySelector("[data-filter=land_use]").hidden = true; }
  const region = new RegionSelect(form.querySelector(".region-select"));


  function fromForm() {
    return {
      region: region.value(),
      mode: form.elements.mode.value,
      land_use: form.elements.land_use.value,
      certified: form.elements.certified.checked ? "true" : "",
    };
  }

  async function applyToForm(filters) {
    form.elements.mode.value = filters.mode;
    form.elements.certified.checked = filters.certified === "true";
    if (landUse) { landUse.set(filters.land_use); } else { form.elements.land_use.value = filters.land_use; }
    await region.set(filters.region);
  }

  function tag(certification) {
    const certified = certification === "certified";
    return el("span", { class: `tag ${certified ? "certified" : "uncertified"}`, dataset: { certification } }, certified ? t.certified : t.uncertified);
  }

  function card(item) {
    const link = `/supply/${item.id}/`;
    const price = item.price_wan === null ? t.negotiable : F.money(item.price_wan);
    const heat = item.heat || {};
    return el("article", { class: "card supply-card", dataset: { id: item.id } },
      item.photos && item.photos.length ? el("a", { href: link, tabindex: "-1", "aria-hidden": "true" }, el("img", { class: "card-photo", src: item.photos[0], alt: "", loading: "lazy" })) : null,
      el("h3", {}, el("a", { href: link }, item.title)),
      el("p", {}, tag(item.certification), " ", el("span", { class: "muted" }, modeNames[item.mode] || item.mode)),
      el("p", { class: "muted", dataset: { field: "region" } }, item.region_name || "—"),
      el("p", { class: "card-figures" },
        el("span", { class: "price", dataset: { field: "price" } }, price),
        item.unit_price_wan !== null ? el("span", { class: "muted", dataset: { field: "unit_price" } }, F.unitPrice(item.price_wan, item.area_m2)) : null),
      el("p", { dataset: { field: "area" } }, item.area_m2 !== null ? F.area(item.area_m2) : "—",
        item.land_use_major_name ? ` · ${item.land_use_major_name}` : ""),
      el("p", { class: "muted card-foot" },
        el("span", { dataset: { field: "published" } }, `${t.published} ${time(item.published_at).slice(0, 10)}`), " · ",
        el("span", { dataset: { field: "heat" }, title: `${t.heatTitle}: ${heat.views} / ${heat.favourites} / ${heat.quotes} / ${heat.appointments}` }, `${t.heat} ${heat.total}`)));
  }

  pagedList({
    form, results, summary, pager, t, pageSize: PAGE_SIZE, endpoint: "/api/market/supply/", names: FILTERS, render: card,
    fromForm, applyToForm,
  });
})();
