// The public supply list (/supply/): filters by region (any level), mode, land use and certification, kept in the
// page's query string so a link reproduces the view; cards from GET /api/market/supply/, paged.
(function () {
  "use strict";
  const t = window.SUPPLY_LIST_I18N;
  const { request, showError, clearErrors, el, time, ApiError, number } = window.LandApi;
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


  function fromUrl() {
    const query = new URLSearchParams(window.location.search);
    const filters = {};
    for (const name of FILTERS) { filters[name] = query.get(name) || ""; }
    const page = parseInt(query.get("page") || "1", 10);
    return { filters, page: page > 0 ? page : 1 };
  }

  function fromForm() {
    return {
      region: region.value(),
      mode: form.elements.mode.value,
      land_use: form.elements.land_use.value,
      certified: form.elements.certified.checked ? "true" : "",
    };
  }

  function query(filters, page) {
    const out = new URLSearchParams();
    for (const name of FILTERS) { if (filters[name]) { out.set(name, filters[name]); } }
    if (page > 1) { out.set("page", String(page)); }
    return out;
  }

  function href(filters, page) {
    const search = query(filters, page).toString();
    return search ? `?${search}` : window.location.pathname;
  }

  async function applyToForm(filters) {
    form.elements.mode.value = filters.mode;
    form.elements.certified.checked = filters.certified === "true";
    if (landUse) {
      if (filters.land_use) { landUse.set(filters.land_use); } else { landUse.major.value = ""; landUse.fillMinor(); landUse.changed(); }
    } else {
      form.elements.land_use.value = filters.land_use;
    }
    if (filters.region) {
      await region.set(filters.region);
    } else {
      await region.ready;
      region.selects[0].value = "";
      await region.changed(0);
    }
  }

  function tag(certification) {
    const certified = certification === "certified";
    return el("span", { class: `tag ${certified ? "certified" : "uncertified"}`, dataset: { certification } }, certified ? t.certified : t.uncertified);
  }

  function card(item) {
    const link = `/supply/${item.id}/`;
    const price = item.price_wan === null ? t.negotiable : `${number(item.price_wan)} ${t.wan}`;
    const heat = item.heat || {};
    return el("article", { class: "card supply-card", dataset: { id: item.id } },
      item.photos && item.photos.length ? el("a", { href: link, tabindex: "-1", "aria-hidden": "true" }, el("img", { class: "card-photo", src: item.photos[0], alt: "", loading: "lazy" })) : null,
      el("h3", {}, el("a", { href: link }, item.title)),
      el("p", {}, tag(item.certification), " ", el("span", { class: "muted" }, modeNames[item.mode] || item.mode)),
      el("p", { class: "muted", dataset: { field: "region" } }, item.region_name || "—"),
      el("p", { class: "card-figures" },
        el("span", { class: "price", dataset: { field: "price" } }, price),
        item.unit_price_wan !== null ? el("span", { class: "muted", dataset: { field: "unit_price" } }, `${number(item.unit_price_wan)} ${t.wanPerM2}`) : null),
      el("p", { dataset: { field: "area" } }, item.area_m2 !== null ? `${number(item.area_m2)} ${t.m2}` : "—",
        item.land_use_major_name ? ` · ${item.land_use_major_name}` : ""),
      el("p", { class: "muted card-foot" },
        el("span", { dataset: { field: "published" } }, `${t.published} ${time(item.published_at).slice(0, 10)}`), " · ",
        el("span", { dataset: { field: "heat" }, title: `${t.heatTitle}: ${heat.views} / ${heat.favourites} / ${heat.quotes} / ${heat.appointments}` }, `${t.heat} ${heat.total}`)));
  }

  function renderPager(filters, page, count) {
    const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
    pager.hidden = pages <= 1;
    const link = (target, label, rel) => el("a", {
      href: href(filters, target), rel, "aria-disabled": target < 1 || target > pages ? "true" : null,
      onclick: (event) => { event.preventDefault(); if (target >= 1 && target <= pages) { go(filters, target); } },
    }, label);
    pager.replaceChildren(
      link(page - 1, t.previous, "prev"),
      el("span", { class: "muted" }, t.page.replace("{page}", page).replace("{pages}", pages)),
      link(page + 1, t.next, "next"));
  }

  async function load(filters, page) {
    clearErrors(form);
    results.setAttribute("aria-busy", "true");
    summary.textContent = t.loading;
    const params = query(filters, page);
    params.set("page_size", String(PAGE_SIZE));
    try {
      const data = await request("GET", `/api/market/supply/?${params}`);
      results.replaceChildren(...data.results.map(card));
      summary.textContent = data.count ? `${t.found} ${data.count}` : t.none;
      renderPager(filters, page, data.count);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      results.replaceChildren();
      summary.textContent = "";
      pager.hidden = true;
      showError(form, error);
    } finally {
      results.setAttribute("aria-busy", "false");
    }
  }

  function go(filters, page) {
    history.pushState(null, "", href(filters, page));
    window.scrollTo(0, 0);
    return load(filters, page);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); go(fromForm(), 1); });
  document.getElementById("filters-reset").addEventListener("click", async (event) => {
    event.preventDefault();
    const empty = { region: "", mode: "", land_use: "", certified: "" };
    await applyToForm(empty);
    go(empty, 1);
  });
  window.addEventListener("popstate", async () => {
    const state = fromUrl();
    await applyToForm(state.filters);
    load(state.filters, state.page);
  });

  const initial = fromUrl();
  load(initial.filters, initial.page);
  applyToForm(initial.filters);
})();
