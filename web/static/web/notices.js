// The notices page (/notices/, 交易公示): its filters (region down to the county, type, date, keywords, sort) kept in
// the address, the search through /api/search/notices, the table of announcements and the pages. The 成交公示 tab
// searches type=result: the published results (deals not revoked), each linking to its page /results/<lot id>/.
(function () {
  "use strict";
  const { request, ApiError, el } = window.LandApi;
  const { date } = window.LandFormat;
  const t = window.NOTICES_I18N;
  const page = document.getElementById("notices");
  const form = document.getElementById("notice-filters");
  const results = page.dataset.tab === "results";
  const PAGE_SIZE = 20;
  const KEYS = ["province", "city", "county", "type", "published", "published_from", "published_to", "keywords", "sort", "page"];

  function field(name) { return form.elements.namedItem(name); }

  function setValue(name, value) { window.LandApi.setField(form, name, value); }

  const fillChildren = window.LandApi.regionChildren;

  function state() {
    const params = new URLSearchParams();
    if (results) { params.set("tab", "results"); }
    for (const key of KEYS.slice(0, -1)) {
      const value = field(key) ? field(key).value.trim() : "";
      if (value) { params.set(key, value); }
    }
    return params;
  }

  function apiQuery(params, pageNumber) {
    const query = new URLSearchParams({ page: String(pageNumber), page_size: String(PAGE_SIZE) });
    const region = params.get("county") || params.get("city") || params.get("province");
    if (region) { query.set("region", region); }
    if (results) { query.set("type", "result"); } else if (params.get("type")) { query.set("type", params.get("type")); }
    for (const key of ["published", "published_from", "published_to", "keywords", "sort"]) {
      if (params.get(key)) { query.set(key, params.get(key)); }
    }
    return query;
  }

  // A result notice (成交公示): the winner by bidder number and name, the price unless it is not published.
  function resultLine(result) {
    const price = result.price_wan === null ? t.pricePrivate : `${window.LandFormat.grouped(result.price_wan, 4)} ${t.wan}`;
    return el("span", { class: "centre muted", dataset: { field: "result" } }, `${t.winner}: ${result.winner_name} (${result.winner_number}) · ${price}`);
  }

  function row(notice) {
    const region = notice.lot.region.full_name || notice.lot.region.name;
    return el("tr", { dataset: { id: String(notice.id) } },
      el("td", { class: "number" }, notice.number),
      el("td", {}, el("a", { href: notice.url }, notice.title),
        el("span", { class: "centre muted" }, `${t.centre}: ${notice.lot.centre.name} · ${notice.lot.number}`)),
      el("td", {}, region),
      el("td", {}, notice.type_name, notice.status === "superseded" ? ` (${t.superseded})` : "", notice.result ? resultLine(notice.result) : ""),
      el("td", {}, date(notice.published_at)),
      el("td", {}, el("a", { href: notice.url, class: "view" }, t.view)));
  }

  function pager(data, go) {
    window.LandApi.pageLinks(document.getElementById("notice-pager"), data, go, t);
  }

  async function search(pageNumber) {
    const params = state();
    if (pageNumber > 1) { params.set("page", String(pageNumber)); }
    window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
    const error = document.getElementById("notice-error");
    const table = document.getElementById("notice-table");
    page.dataset.state = "loading";
    try {
      const data = await request("GET", `/api/search/notices?${apiQuery(params, pageNumber)}`);
      error.hidden = true;
      table.tBodies[0].replaceChildren(...data.results.map(row));
      table.hidden = data.results.length === 0;
      document.getElementById("notice-count").textContent = t.found.replace("{count}", String(data.count));
      const none = document.getElementById(results ? "notice-results-empty" : "notice-none");
      none.hidden = data.count !== 0;
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
    for (const key of KEYS.slice(0, -1)) { setValue(key, params.get(key) || (key === "sort" ? "newest" : "")); }
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
      } else if (name === "published" && event.target.value) {
        setValue("published_from", ""); setValue("published_to", "");
      } else if (name === "published_from" || name === "published_to") {
        setValue("published", "");
      }
      if (name !== "keywords") { search(1); }
    });
    await search(Number(params.get("page")) || 1);
  }

  start();
})();
