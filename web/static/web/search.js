// The search page (/search/): supply or demand by every filter of GET /api/search/<kind>, kept in the address so a
// link reproduces the search; results with their highlights (built from text nodes and <em> elements, never HTML
// from data), facet counts that narrow the search when clicked, page numbers and "more" by the API's cursor, and
// keyword autocomplete of place names and titles.
// The home page's search box (web/search/_home_box.html) opens this page with its choices; empty ones left out.
(function () {
  "use strict";
  const box = document.getElementById("home-search");
  if (!box || box.dataset.ready) { return; }
  box.dataset.ready = "true";
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const table = JSON.parse((document.getElementById("home-search-land-uses") || {}).textContent || "null");
  if (Array.isArray(table) && table.length) {
    new LandUseSelect(box.querySelector(".land-use-select"), table);
  } else {
    box.querySelector("[data-filter=land_use]").hidden = true;
  }
  new RegionSelect(box.querySelector(".region-select"));
  box.addEventListener("submit", () => {
    const empty = Array.from(box.elements).filter((input) => input.name && !input.disabled && input.type !== "radio" && !input.value.trim());
    empty.forEach((input) => { input.disabled = true; });
    setTimeout(() => empty.forEach((input) => { input.disabled = false; }), 0); // usable again after going back
  });
})();

(function () {
  "use strict";
  const root = document.getElementById("search-page");
  if (!root) { return; }
  const t = window.SEARCH_I18N;
  const { request, showError, clearErrors, el, time, ApiError, blank } = window.LandApi;
  const F = window.LandFormat;
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const Filters = window.LandSearchFilters;
  const form = document.getElementById("search-form");
  const results = document.getElementById("search-results");
  const summary = document.getElementById("search-summary");
  const pager = document.getElementById("search-pager");
  const more = document.getElementById("search-more");
  const facetsRoot = document.getElementById("search-facets");
  const keywords = document.getElementById("search-keywords");
  const suggestions = document.getElementById("search-suggestions");
  const mapArea = document.getElementById("search-map-area");
  const PAGE_SIZE = Number(root.dataset.pageSize) || 10;
  const RESULT_WINDOW = Number(root.dataset.resultWindow) || 10000;
  const MODES = JSON.parse(document.getElementById("search-modes").textContent);
  const FILTERS = [
    "keywords", "region", "land_use", "mode", "certified", "area_min", "area_max", "price_min", "price_max",
    "unit_price_min", "unit_price_max", "published", "published_from", "published_to", "bbox", "near", "distance_m",
    "polygon", "sort",
  ];
  const GEO = ["bbox", "near", "distance_m", "polygon"];

  const table = JSON.parse(document.getElementById("land-uses").textContent || "null");
  const landUse = Array.isArray(table) && table.length ? new LandUseSelect(form.querySelector(".land-use-select"), table) : null;
  // Without the land-use table the selector cannot be offered; a land_use in the link still filters.
  if (!landUse) { form.querySelector("[data-filter=land_use]").hidden = true; }
  const region = new RegionSelect(form.querySelector(".region-select"));

  let current = null; // the state shown: { kind, filters, page, after }
  let searchToken = 0;

  // ------------------------------------------------------------------------------------------------ state

  function fromUrl() {
    const query = new URLSearchParams(window.location.search);
    const page = parseInt(query.get("page") || "1", 10);
    return { kind: Filters.kindOf(query.get("kind")), filters: Filters.fromQuery(query, FILTERS), page: page > 0 ? page : 1, after: query.get("after") || "" };
  }

  function fromForm() {
    return { kind: Filters.kindOf(form.elements.kind.value), filters: Filters.fromForm(form, FILTERS), page: 1, after: "" };
  }

  function params(state, forApi) {
    const out = new URLSearchParams();
    if (!forApi) { out.set("kind", state.kind); }
    Filters.toParams(state.kind, state.filters, FILTERS, out);
    if (state.after) { out.set("after", state.after); } else if (state.page > 1) { out.set("page", String(state.page)); }
    if (forApi) { out.set("page_size", String(PAGE_SIZE)); }
    return out;
  }

  function href(state) { return `${window.location.pathname}?${params(state, false)}`; }
  function apiUrl(state) { return `/api/search/${state.kind}?${params(state, true)}`; }

  // ------------------------------------------------------------------------------------------------ form

  function showKind(kind) { Filters.showKind(root, form, kind, MODES); }

  async function applyToForm(state) {
    const near = Boolean(state.filters.near);
    const distance = Array.from(form.elements.sort.options).find((o) => o.value === "distance");
    distance.disabled = !near;
    distance.hidden = !near;
    mapArea.hidden = !GEO.some((name) => state.filters[name]);
    await Filters.applyToForm({ root, form, modes: MODES, kind: state.kind, filters: state.filters, names: FILTERS, landUse, region });
  }

  // ------------------------------------------------------------------------------------------------ results

  const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'" };
  function unescapeText(text) { return text.replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity]); }

  // A highlight fragment (escaped text with <em>…</em> around the matches) as text nodes and <em> elements.
  function marked(fragment) {
    const nodes = [];
    let inside = false;
    for (const part of String(fragment).split(/(<em>|<\/em>)/)) {
      if (part === "<em>") { inside = true; continue; }
      if (part === "</em>") { inside = false; continue; }
      if (part) { nodes.push(inside ? el("em", {}, unescapeText(part)) : document.createTextNode(unescapeText(part))); }
    }
    return nodes;
  }

  function tag(certification) {
    const certified = certification === "certified";
    return el("span", { class: `tag ${certified ? "certified" : "uncertified"}`, dataset: { certification } }, certified ? t.certified : t.uncertified);
  }

  function figures(item, kind) {
    if (kind === "supply") {
      return el("p", { class: "result-figures" },
        el("span", { class: "price", dataset: { field: "price" } }, item.price_wan === null ? t.negotiable : F.money(item.price_wan)),
        item.unit_price_wan !== null ? el("span", { class: "muted", dataset: { field: "unit_price" } }, F.unitPrice(item.price_wan, item.area_m2)) : null,
        el("span", { dataset: { field: "area" } }, item.area_m2 !== null ? F.area(item.area_m2) : "—"));
    }
    return el("p", { class: "result-figures" },
      el("span", { dataset: { field: "area" } }, `${t.area} ${F.range(item.area_min_m2, item.area_max_m2, "area") || "—"}`),
      el("span", { class: "price", dataset: { field: "budget" } }, `${t.budget} ${F.range(item.price_min_wan, item.price_max_wan, "money") || "—"}`));
  }

  function resultItem(item, kind) {
    const highlights = item.highlights || {};
    const title = highlights.title && highlights.title.length ? marked(highlights.title[0]) : [item.title];
    const fragments = Object.entries(highlights).filter(([field]) => field !== "title").flatMap(([, list]) => list);
    const matches = [];
    fragments.forEach((fragment, index) => { if (index) { matches.push(" … "); } matches.push(...marked(fragment)); });
    const distance = blank(item.distance_m) ? "" : ` · ${(item.distance_m / 1000).toFixed(1)} ${t.km}`;
    return el("li", { class: "result", dataset: { id: item.id } },
      item.photo ? el("a", { href: item.url, class: "result-photo", tabindex: "-1", "aria-hidden": "true" }, el("img", { src: item.photo, alt: "", loading: "lazy" })) : null,
      el("div", { class: "result-body" },
        el("h3", { class: "result-title" }, el("a", { href: item.url }, ...title)),
        el("p", { class: "result-tags" },
          kind === "supply" ? tag(item.certification) : null,
          el("span", { class: "tag", dataset: { field: "mode" } }, item.mode_name),
          item.land_use ? el("span", { class: "tag", dataset: { field: "land_use" } }, item.land_use_name || item.land_use_major_name || item.land_use) : null),
        el("p", { class: "muted", dataset: { field: "region" } }, item.region_name || "—", kind === "supply" && item.address ? ` · ${item.address}` : ""),
        figures(item, kind),
        kind === "demand" && item.summary ? el("p", { class: "result-summary" }, item.summary) : null,
        matches.length ? el("p", { class: "result-matches" }, el("span", { class: "muted" }, t.matches), " ", ...matches) : null,
        el("p", { class: "muted result-foot" },
          el("span", { dataset: { field: "published" } }, `${kind === "supply" ? t.published : t.registered} ${time(item.published_at).slice(0, 10)}`),
          ` · ${t.heat} ${item.heat}${distance}`)));
  }

  function isActive(params, state) {
    return Object.entries(params).every(([name, value]) => state.filters[name] === value);
  }

  function renderFacets(facets, state) {
    for (const box of facetsRoot.querySelectorAll(".facet")) {
      const name = box.dataset.facet;
      const entries = (facets[name] || []).filter((entry) => entry.count > 0);
      box.hidden = entries.length === 0;
      box.querySelector("ul").replaceChildren(...entries.map((entry) => {
        const label = [el("span", { class: "facet-name" }, entry.name), " ", el("span", { class: "facet-count" }, String(entry.count))];
        if (!entry.params) { return el("li", { dataset: { code: entry.code } }, el("span", { class: "facet-static" }, ...label)); }
        return el("li", { dataset: { code: entry.code } }, el("button", {
          type: "button", class: "facet-link", "aria-pressed": isActive(entry.params, state) ? "true" : "false",
          onclick: () => applyFacet(name, entry.params),
        }, ...label));
      }));
    }
  }

  function pageNumbers(page, pages) {
    const wanted = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((n) => n >= 1 && n <= pages));
    return Array.from(wanted).sort((a, b) => a - b);
  }

  function renderPager(state, data) {
    const pages = Math.max(1, Math.ceil(Math.min(data.count, RESULT_WINDOW) / PAGE_SIZE));
    pager.hidden = pages <= 1;
    const page = data.page; // null when paging by cursor
    const link = (target, label, extra) => el("a", {
      href: href({ ...state, page: target, after: "" }), "aria-disabled": target < 1 || target > pages ? "true" : null, ...extra,
      onclick: (event) => { event.preventDefault(); if (target >= 1 && target <= pages) { go({ ...state, page: target, after: "" }); } },
    }, label);
    const items = [];
    if (page !== null) { items.push(link(page - 1, t.previous, { rel: "prev" })); }
    let last = 0;
    for (const n of pageNumbers(page || 1, pages)) {
      if (n > last + 1) { items.push(el("span", { class: "muted", "aria-hidden": "true" }, "…")); }
      items.push(link(n, String(n), { "aria-current": n === page ? "page" : null, "aria-label": t.pageLabel.replace("{page}", n), dataset: { page: n } }));
      last = n;
    }
    if (page !== null) { items.push(link(page + 1, t.next, { rel: "next" })); }
    if (page !== null && page >= pages && data.next) { items.push(el("span", { class: "muted" }, t.windowEnd)); }
    pager.replaceChildren(...items);
  }

  function showSummary(state, data) {
    const parts = [data.count ? `${t.found} ${data.count}` : t.none];
    if (state.filters.keywords) { parts.push(`“${state.filters.keywords}”`); }
    if (data.backend === "database" && state.filters.keywords) { parts.push(t.degraded); }
    summary.textContent = parts.join(" · ");
    summary.dataset.backend = data.backend;
    summary.dataset.count = String(data.count);
  }

  let nextCursor = "";

  async function load(state, append) {
    const token = ++searchToken;
    clearErrors(form);
    results.setAttribute("aria-busy", "true");
    if (!append) { summary.textContent = t.loading; }
    more.disabled = true;
    try {
      const data = await request("GET", apiUrl(state));
      if (token !== searchToken) { return; }
      const items = data.results.map((item) => resultItem(item, state.kind));
      if (append) { results.append(...items); } else { results.replaceChildren(...items); }
      showSummary(state, data);
      renderFacets(data.facets, state);
      renderPager(state, data);
      nextCursor = data.next ? new URL(data.next, window.location.href).searchParams.get("after") || "" : "";
      more.hidden = !nextCursor;
    } catch (error) {
      if (!(error instanceof ApiError) || token !== searchToken) { throw error; }
      results.replaceChildren();
      summary.textContent = "";
      pager.hidden = true;
      more.hidden = true;
      renderFacets({}, state);
      showError(form, error);
    } finally {
      if (token === searchToken) { results.setAttribute("aria-busy", "false"); more.disabled = false; }
    }
  }

  function go(state, fromTheForm) {
    current = state;
    history.pushState(null, "", href(state));
    if (!fromTheForm) { applyToForm(state); }
    return load(state, false);
  }

  function applyFacet(name, facetParams) {
    const filters = { ...current.filters };
    if (name === "price_band") { filters.price_min = ""; filters.price_max = ""; }
    go({ ...current, filters: { ...filters, ...facetParams }, page: 1, after: "" });
  }

  // ------------------------------------------------------------------------------------------------ autocomplete

  let options = [];
  let active = -1;
  let suggestTimer = null;
  let suggestToken = 0;

  function closeSuggestions() {
    suggestToken += 1;
    options = [];
    active = -1;
    suggestions.hidden = true;
    suggestions.replaceChildren();
    keywords.setAttribute("aria-expanded", "false");
    keywords.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    active = index;
    suggestions.querySelectorAll("[role=option]").forEach((node, i) => node.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0) { keywords.setAttribute("aria-activedescendant", `search-suggestion-${index}`); } else { keywords.removeAttribute("aria-activedescendant"); }
  }

  async function suggest() {
    const text = keywords.value.trim();
    if (!text) { closeSuggestions(); return; }
    const token = ++suggestToken;
    let data;
    try {
      data = await request("GET", `/api/search/autocomplete?${new URLSearchParams({ q: text, kind: form.elements.kind.value })}`);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      closeSuggestions();
      return;
    }
    if (token !== suggestToken) { return; }
    options = data.results;
    suggestions.replaceChildren(...options.map((option, index) => el("li", {
      role: "option", id: `search-suggestion-${index}`, class: "suggestion", "aria-selected": "false", dataset: { type: option.type },
      onmousedown: (event) => { event.preventDefault(); pick(index); },
    }, el("span", { class: "suggestion-label" }, option.label), " ", el("span", { class: "muted" }, option.type === "region" ? t.region : t.listing))));
    suggestions.hidden = options.length === 0;
    keywords.setAttribute("aria-expanded", options.length ? "true" : "false");
    active = -1;
  }

  async function pick(index) {
    const option = options[index];
    closeSuggestions();
    if (!option) { return; }
    if (option.type === "region") {
      keywords.value = "";
      await region.set(option.code);
      go(fromForm(), true);
    } else {
      window.location.assign(`/${option.type}/${option.id}/`);
    }
  }

  keywords.addEventListener("input", () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(suggest, 200); });
  keywords.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) { event.preventDefault(); highlight((active + 1) % options.length); }
    else if (event.key === "ArrowUp" && options.length) { event.preventDefault(); highlight((active - 1 + options.length) % options.length); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); pick(active); }
    else if (event.key === "Escape") { closeSuggestions(); }
  });
  keywords.addEventListener("blur", () => { clearTimeout(suggestTimer); closeSuggestions(); });

  // ------------------------------------------------------------------------------------------------ events

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(suggestTimer);
    closeSuggestions();
    go(fromForm(), true);
  });
  for (const radio of form.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", () => { showKind(radio.value); go(fromForm(), true); });
  }
  form.elements.sort.addEventListener("change", () => go(fromForm(), true));
  for (const radio of form.querySelectorAll("input[name=published]")) {
    radio.addEventListener("change", () => { form.elements.published_from.value = ""; form.elements.published_to.value = ""; });
  }
  for (const name of ["published_from", "published_to"]) {
    form.elements[name].addEventListener("change", () => {
      if (form.elements[name].value) { form.querySelector("input[name=published][value='']").checked = true; }
    });
  }
  document.getElementById("search-map-area-clear").addEventListener("click", (event) => {
    event.preventDefault();
    const filters = { ...current.filters };
    for (const name of GEO) { filters[name] = ""; }
    if (filters.sort === "distance") { filters.sort = ""; }
    go({ ...current, filters, page: 1, after: "" });
  });
  document.getElementById("search-reset").addEventListener("click", (event) => {
    event.preventDefault();
    go({ kind: current.kind, filters: {}, page: 1, after: "" });
  });
  more.addEventListener("click", () => {
    if (!nextCursor) { return; }
    current = { ...current, page: 1, after: nextCursor };
    history.replaceState(null, "", href(current));
    load(current, true);
  });
  window.addEventListener("popstate", () => {
    current = fromUrl();
    applyToForm(current);
    load(current, false);
  });

  current = fromUrl();
  showKind(current.kind);
  load(current, false);
  applyToForm(current);
})();
