// The 直接交易 page (/direct-deals/): its filters (region down to the county, mode, land use, coding dates, keywords)
// kept in the address, the search through /api/contracts/direct/, the table of direct transactions and the pages.
// A price the parties did not both publish is shown as such; the parties are never named.
(function () {
  "use strict";
  const { request, ApiError, el } = window.LandApi;
  const { date, money, area } = window.LandFormat;
  const t = window.DIRECT_DEALS_I18N;
  const page = document.getElementById("direct-deals");
  const form = document.getElementById("deal-filters");
  const PAGE_SIZE = 20;
  const KEYS = ["province", "city", "county", "kind", "land_use", "coded_from", "coded_to", "q"];

  function field(name) { return form.elements.namedItem(name); }

  function setValue(name, value) { window.LandApi.setField(form, name, value); }

  const fillChildren = window.LandApi.regionChildren;

  function state() {
    const params = new URLSearchParams();
    for (const key of KEYS) {
      const value = field(key).value.trim();
      if (value) { params.set(key, value); }
    }
    return params;
  }

  function apiQuery(params, pageNumber) {
    const query = new URLSearchParams({ page: String(pageNumber), page_size: String(PAGE_SIZE) });
    const region = params.get("county") || params.get("city") || params.get("province");
    if (region) { query.set("region", region); }
    for (const key of ["kind", "land_use", "coded_from", "coded_to", "q"]) {
      if (params.get(key)) { query.set(key, params.get(key)); }
    }
    return query;
  }

  function price(deal) {
    if (!deal.price_public) { return el("span", { class: "muted" }, t.pricePrivate); }
    return deal.kind === "lease" ? `${money(deal.rent_wan_per_year)} ${t.perYear}` : money(deal.price_wan);
  }

  function row(deal) {
    const region = deal.region ? deal.region.full_name : "";
    return el("tr", { dataset: { number: deal.number } },
      el("td", { class: "number" }, el("a", { href: deal.url }, deal.number)),
      el("td", {}, el("a", { href: deal.url }, `${region} ${deal.address}`)),
      el("td", {}, deal.land_use ? `${deal.land_use_name} (${deal.land_use})` : "—"),
      el("td", {}, area(deal.area_m2) || "—"),
      el("td", {}, deal.kind_name),
      el("td", { dataset: { field: "price" } }, price(deal)),
      el("td", {}, date(deal.coded_at)));
  }

  function pager(data, go) {
    window.LandApi.pageLinks(document.getElementById("deal-pager"), data, go, t);
  }

  async function search(pageNumber) {
    const params = state();
    if (pageNumber > 1) { params.set("page", String(pageNumber)); }
    window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
    const error = document.getElementById("deal-error");
    const table = document.getElementById("deal-table");
    page.dataset.state = "loading";
    try {
      const data = await request("GET", `/api/contracts/direct/?${apiQuery(params, pageNumber)}`);
      error.hidden = true;
      table.tBodies[0].replaceChildren(...data.results.map(row));
      table.hidden = data.results.length === 0;
      document.getElementById("deal-count").textContent = t.found.replace("{count}", String(data.count));
      document.getElementById("deal-none").hidden = data.count !== 0;
      pager(data, search);
    } catch (failure) {
      if (!(failure instanceof ApiError)) { throw failure; }
      error.textContent = failure.message;
      error.hidden = false;
    }
    page.dataset.state = "ready";
  }

  async function start() {
    const params = new URLSearchParams(window.location.search);
    for (const key of KEYS) { setValue(key, params.get(key)); }
    await fillChildren(field("city"), params.get("province"), t.anyCity, params.get("city"));
    await fillChildren(field("county"), params.get("city"), t.anyCounty, params.get("county"));
    form.addEventListener("submit", (event) => { event.preventDefault(); search(1); });
    form.addEventListener("change", async (event) => {
      const name = event.target.name;
      if (name === "province") {
        await fillChildren(field("city"), event.target.value, t.anyCity, "");
        await fillChildren(field("county"), "", t.anyCounty, "");
      } else if (name === "city") {
        await fillChildren(field("county"), event.target.value, t.anyCounty, "");
      }
      if (name !== "q") { search(1); }
    });
    await search(Number(params.get("page")) || 1);
  }

  start();
})();
