// The map page (/map/, 地图找地): the search page's filters beside a MapLibre map of our own vector tiles and a result
// list. The list is GET /api/search/<kind>?<filters> and the map's supply or demand tiles carry the SAME filters, so
// both show one set. Regions drill down province → city → county (selects, facet counts, clicks on the map) and the
// map fits the chosen region; "search this area" adds the view's bbox; hovering a result highlights its point and
// back; a click opens the drawer (map_drawer.js). The address keeps kind, filters, sort and view (lon,lat,zoom).
// Public lots (交易标的, tiles `lots`) are drawn over supply and demand, coloured by phase, in the chosen region; the
// list's 交易标的 tab lists them (GET /api/auctions/map/lots/) and a click on one opens its summary in the drawer.
(function () {
  "use strict";
  const root = document.getElementById("map-page");
  if (!root) { return; }
  const t = window.MAP_I18N;
  const { request, showError, clearErrors, el, time, ApiError } = window.LandApi;
  const F = window.LandFormat;
  const { RegionSelect, LandUseSelect, prefixOf } = window.LandSelectors;
  const Filters = window.LandSearchFilters;
  const Style = window.LandMapStyle;
  const json = (id) => JSON.parse(document.getElementById(id).textContent || "null");
  const CONFIG = json("map-config");
  const MODES = json("search-modes");
  const CATEGORIES = json("amenity-categories");
  const LAND_USES = json("land-uses");
  const PAGE_SIZE = Number(root.dataset.pageSize) || 20;
  const FILTERS = [
    "keywords", "region", "land_use", "mode", "certified", "area_min", "area_max", "price_min", "price_max",
    "unit_price_min", "unit_price_max", "published", "published_from", "published_to", "bbox",
  ];
  const LAYER_GROUPS = {
    regions: ["region-fill", "region-line", "region-selected", "region-label"],
    parcels: ["parcels-fill", "parcels-line"],
    amenities: ["amenities"],
    supply: ["supply-cluster", "supply-cluster-count", "supply-point"],
    demand: ["demand-cluster", "demand-cluster-count", "demand-point"],
    lots: ["lots-area-fill", "lots-area-line", "lots-cluster", "lots-cluster-count", "lots-point"],
  };

  const form = document.getElementById("map-form");
  const results = document.getElementById("map-results");
  const summary = document.getElementById("map-summary");
  const more = document.getElementById("map-more");
  const regionBox = document.getElementById("map-regions");
  const mapStatus = document.getElementById("map-status");

  const landUse = Array.isArray(LAND_USES) && LAND_USES.length ? new LandUseSelect(form.querySelector(".land-use-select"), LAND_USES) : null;
  if (!landUse) { form.querySelector("[data-filter=land_use]").hidden = true; }
  let syncing = 0; // > 0 while the form is being set from a state: the selectors' changes are not new searches
  const region = new RegionSelect(form.querySelector(".region-select"), () => { if (!syncing) { go(fromForm(), { fit: true }); } });

  let current = null;
  let regionDetail = null; // the chosen region as /api/geo/regions/<code>/ answers it
  let countedRegions = [];
  let listToken = 0;
  let nextUrl = "";
  let hoveredId = null;

  // ------------------------------------------------------------------------------------------------ state

  function parseView(text) {
    const parts = String(text || "").split(",").map(Number);
    if (parts.length !== 3 || !parts.every(Number.isFinite)) { return null; }
    const [lon, lat, zoom] = parts;
    return Math.abs(lon) <= 180 && Math.abs(lat) <= 85 && zoom >= 0 && zoom <= 22 ? parts : null;
  }

  function fromUrl() {
    const query = new URLSearchParams(window.location.search);
    return { kind: Filters.kindOf(query.get("kind")), filters: Filters.fromQuery(query, FILTERS), sort: query.get("sort") || "", view: parseView(query.get("view")) };
  }

  function fromForm() {
    return { kind: Filters.kindOf(form.elements.kind.value), filters: Filters.fromForm(form, FILTERS), sort: form.elements.sort.value, view: current ? current.view : null };
  }

  // The filters exactly as the search API and the tiles take them.
  function filterParams(state) { return Filters.toParams(state.kind, state.filters, FILTERS); }

  function href(state) {
    const out = new URLSearchParams({ kind: state.kind });
    for (const [name, value] of filterParams(state)) { out.set(name, value); }
    if (state.sort) { out.set("sort", state.sort); }
    if (state.view) { out.set("view", `${state.view[0].toFixed(5)},${state.view[1].toFixed(5)},${state.view[2].toFixed(3)}`); }
    return `${window.location.pathname}?${out}`;
  }

  function apiUrl(state) {
    const out = filterParams(state);
    if (state.sort) { out.set("sort", state.sort); }
    out.set("page_size", String(PAGE_SIZE));
    return `/api/search/${state.kind}?${out}`;
  }

  function tileUrl(layer, query) {
    return `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${query ? `?${query}` : ""}`;
  }

  // ------------------------------------------------------------------------------------------------ form

  function showKind(kind) { Filters.showKind(root, form, kind, MODES); }

  async function applyToForm(state) {
    syncing += 1;
    try {
      form.elements.sort.value = state.sort || "";
      document.getElementById("map-area").hidden = !state.filters.bbox;
      await Filters.applyToForm({ root, form, modes: MODES, kind: state.kind, filters: state.filters, names: FILTERS, landUse, region });
    } finally { syncing -= 1; }
  }

  // ------------------------------------------------------------------------------------------------ the map

  const initial = current || fromUrl();
  const map = new maplibregl.Map({
    container: "map",
    style: Style.build(tileUrl, CONFIG.basemap),
    center: initial.view ? initial.view.slice(0, 2) : CONFIG.initial.center,
    zoom: initial.view ? initial.view[2] : CONFIG.initial.zoom,
    maxZoom: 19,
    localIdeographFontFamily: Style.LOCAL_FONTS,
    attributionControl: { compact: true },
    dragRotate: false,
    pitchWithRotate: false,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  const basemaps = Style.basemapChoices(CONFIG.basemap);
  if (basemaps.length > 1) { map.addControl(basemapSwitcher(basemaps), "top-right"); }
  window.landMap = map;

  // With a 天地图 key: a radio group choosing the basemap (arrow keys move within it), the first checked.
  function basemapSwitcher(choices) {
    const labels = { offline: t.basemapOffline, vector: t.basemapVector, imagery: t.basemapImagery };
    const box = el("fieldset", { class: "maplibregl-ctrl maplibregl-ctrl-group map-basemaps", id: "map-basemaps", style: "padding: .3rem .5rem; margin-top: .5rem; border: 0; font-size: .8rem; background: #fff;" },
      el("legend", { class: "visually-hidden" }, t.basemap),
      choices.map((choice, index) => el("label", { style: "display: flex; gap: .3rem; align-items: center; white-space: nowrap;" },
        el("input", { type: "radio", name: "basemap", value: choice, checked: index === 0 }), labels[choice] || choice)));
    box.addEventListener("change", (event) => { Style.setBasemap(map, event.target.value); });
    return { onAdd: () => box, onRemove: () => { box.remove(); } };
  }
  const styled = new Promise((resolve) => map.once("load", resolve));

  const drawer = window.LandMapDrawer.create({
    map, t, modes: MODES, categories: CATEGORIES, radii: CONFIG.radii, signedIn: root.dataset.signedIn === "true",
    showAmenities: () => { const box = document.querySelector("input[name=layer][value=amenities]"); box.checked = true; showLayers(); },
    onClose: () => { root.classList.remove("drawer-open"); },
  });

  // The lots' filters: the chosen region (the name the notices search and the lots tiles share).
  function lotParams(state) { return new URLSearchParams(state.filters.region ? { region: state.filters.region } : {}); }

  let tileQuery = null;
  let lotQuery = null;
  function applyFilters(state) {
    const query = filterParams(state).toString();
    const key = `${state.kind}?${query}`;
    if (key !== tileQuery) {
      tileQuery = key;
      map.getSource(state.kind).setTiles([tileUrl(state.kind, query)]);
    }
    const lots = lotParams(state).toString();
    if (lots !== lotQuery) {
      lotQuery = lots;
      map.getSource("lots").setTiles([tileUrl("lots", lots)]);
      if (lotsShown) { loadLots(state, false); }
    }
    map.setFilter("region-selected", ["==", ["get", "code"], state.filters.region || ""]);
    showLayers();
  }

  function showLayers() {
    if (!current) { return; }
    const on = new Set(Array.from(document.querySelectorAll("input[name=layer]:checked")).map((box) => box.value));
    const visible = {
      regions: on.has("regions"), parcels: on.has("parcels"), amenities: on.has("amenities"),
      supply: on.has("listings") && current.kind === "supply", demand: on.has("listings") && current.kind === "demand",
      lots: on.has("lots"),
    };
    for (const [group, ids] of Object.entries(LAYER_GROUPS)) {
      for (const id of ids) { map.setLayoutProperty(id, "visibility", visible[group] ? "visible" : "none"); }
    }
  }

  function showZoomHint() {
    mapStatus.textContent = map.getZoom() < 12 ? t.zoomIn : "";
    mapStatus.hidden = !mapStatus.textContent;
  }

  // Fits the map to a region's extent; as the chosen filter (`chosen`) it also becomes the region "up" starts from.
  async function fitRegion(code, chosen = true) {
    if (chosen) { regionDetail = null; }
    document.getElementById("map-region-up").hidden = !(chosen && code);
    if (!code) { return; }
    let detail;
    try { detail = await request("GET", `/api/geo/regions/${encodeURIComponent(code)}/?zoom=4`); } catch (error) {
      if (error instanceof ApiError) { return; }
      throw error;
    }
    if (chosen && (!current || current.filters.region !== code)) { return; }
    if (chosen) { regionDetail = detail; }
    if (detail.bbox) {
      const [w, s, e, n] = detail.bbox;
      map.fitBounds([[w, s], [e, n]], { padding: 24, duration: 0 });
    }
  }

  function setHover(id, on) {
    if (id === null || id === undefined || !current) { return; }
    map.setFeatureState({ source: current.kind, sourceLayer: current.kind, id }, { hover: on });
    const item = results.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
    if (item) { item.classList.toggle("is-hover", on); }
  }

  // ------------------------------------------------------------------------------------------------ counts by region

  function showRegionCounts(facets, state) {
    for (const code of countedRegions) { map.removeFeatureState({ source: "regions", sourceLayer: "regions", id: Number(code) }); }
    const entries = (facets.region || []).filter((entry) => entry.count > 0);
    countedRegions = entries.map((entry) => entry.code);
    for (const entry of entries) { map.setFeatureState({ source: "regions", sourceLayer: "regions", id: Number(entry.code) }, { count: entry.count }); }
    document.getElementById("map-regions-where").textContent = state.filters.region ? region.label() || state.filters.region : t.allRegions;
    document.getElementById("map-region-counts").replaceChildren(...entries.map((entry) => el("li", { dataset: { code: entry.code } },
      el("button", { type: "button", class: "facet-link", onclick: () => chooseRegion(entry.code) },
        el("span", { class: "facet-name" }, entry.name), " ", el("span", { class: "facet-count" }, String(entry.count))))));
    regionBox.hidden = entries.length === 0 && !state.filters.region;
  }

  async function chooseRegion(code) {
    syncing += 1;
    try {
      await region.set(code);
    } finally { syncing -= 1; }
    region.hidden.value = code;
    go(fromForm(), { fit: true });
  }

  // ------------------------------------------------------------------------------------------------ the list


  function resultItem(item, kind) {
    const certified = item.certification === "certified";
    const figures = kind === "supply"
      ? [el("span", { class: "price", dataset: { field: "price" } }, item.price_wan === null ? t.negotiable : F.money(item.price_wan)),
        el("span", { dataset: { field: "area" } }, item.area_m2 !== null ? F.area(item.area_m2) : "—")]
      : [el("span", { dataset: { field: "area" } }, `${t.area} ${F.range(item.area_min_m2, item.area_max_m2, "area") || "—"}`),
        el("span", { class: "price", dataset: { field: "budget" } }, `${t.budget} ${F.range(item.price_min_wan, item.price_max_wan, "money") || "—"}`)];
    const open = (event) => {
      event.preventDefault();
      if (item.location) { map.jumpTo({ center: item.location, zoom: Math.max(map.getZoom(), 14) }); }
      openDrawer(kind, item.id, item.location, item);
    };
    return el("li", {
      class: "result", dataset: { id: String(item.id), mode: item.mode, location: item.location ? item.location.join(",") : "" },
      onmouseenter: () => setHover(item.id, true), onmouseleave: () => setHover(item.id, false),
    },
    el("div", { class: "result-body" },
      el("h3", { class: "result-title" }, el("a", { href: item.url, onclick: open }, item.title)),
      el("p", { class: "result-tags" },
        kind === "supply" ? el("span", { class: `tag ${certified ? "certified" : "uncertified"}`, dataset: { certification: item.certification } }, certified ? t.certified : t.uncertified) : null,
        el("span", { class: "tag", dataset: { field: "mode" } }, item.mode_name),
        item.land_use ? el("span", { class: "tag" }, item.land_use_name || item.land_use_major_name || item.land_use) : null),
      el("p", { class: "muted", dataset: { field: "region" } }, item.region_name || "—"),
      el("p", { class: "result-figures" }, ...figures),
      el("p", { class: "muted result-foot" }, `${t.published} ${time(item.published_at).slice(0, 10)}`)));
  }

  async function load(state, append) {
    const token = ++listToken;
    clearErrors(form);
    results.setAttribute("aria-busy", "true");
    root.dataset.list = "loading";
    if (!append) { summary.textContent = t.loading; }
    more.disabled = true;
    try {
      const data = await request("GET", append ? nextUrl : apiUrl(state));
      if (token !== listToken) { return; }
      const items = data.results.map((item) => resultItem(item, state.kind));
      if (append) { results.append(...items); } else { results.replaceChildren(...items); }
      summary.textContent = data.count ? `${t.found} ${data.count}` : t.none;
      summary.dataset.count = String(data.count);
      document.getElementById("map-tab-count").textContent = `(${data.count})`;
      if (!append) { showRegionCounts(data.facets || {}, state); }
      nextUrl = data.next || "";
      more.hidden = !nextUrl;
      root.dataset.list = "ready";
    } catch (error) {
      if (!(error instanceof ApiError) || token !== listToken) { throw error; }
      results.replaceChildren();
      summary.textContent = "";
      more.hidden = true;
      showError(form, error);
      root.dataset.list = "failed";
    } finally {
      if (token === listToken) { results.setAttribute("aria-busy", "false"); more.disabled = false; }
    }
  }

  // ------------------------------------------------------------------------------------------------ the lots tab

  const lotList = document.getElementById("map-lots");
  const lotMore = document.getElementById("map-lots-more");
  let lotsShown = false;
  let lotToken = 0;
  let lotNext = "";

  function lotItem(lot) {
    const open = (event) => {
      event.preventDefault();
      if (lot.location) { map.jumpTo({ center: lot.location, zoom: Math.max(map.getZoom(), 14) }); }
      openDrawer("lot", lot.id, lot.location, lot);
    };
    return el("li", { class: "result", dataset: { id: String(lot.id), phase: lot.phase } },
      el("div", { class: "result-body" },
        el("h3", { class: "result-title" }, el("a", { href: lot.page, onclick: open }, lot.title)),
        el("p", { class: "result-tags" },
          el("span", { class: "tag", dataset: { field: "phase" }, style: `border-color:${Style.PHASE_COLOURS[lot.phase] || "#6b7280"}` }, t.phases[lot.phase] || lot.phase),
          el("span", { class: "tag" }, lot.trading_mode_name), el("span", { class: "tag" }, lot.kind_name)),
        el("p", { class: "muted", dataset: { field: "number" } }, lot.number),
        el("p", { class: "result-figures" },
          el("span", { class: "price", dataset: { field: "start_price" } }, `${t.startPrice} ${F.money(lot.start_price_wan)}`),
          el("span", { dataset: { field: "region" } }, lot.region.name))));
  }

  async function loadLots(state, append) {
    const token = ++lotToken;
    lotList.setAttribute("aria-busy", "true");
    lotMore.disabled = true;
    try {
      const query = lotParams(state);
      query.set("page_size", String(PAGE_SIZE));
      const data = await request("GET", append ? lotNext : `/api/auctions/map/lots/?${query}`);
      if (token !== lotToken) { return; }
      const items = data.results.map(lotItem);
      if (append) { lotList.append(...items); } else { lotList.replaceChildren(...(items.length ? items : [el("li", { class: "muted" }, t.noLots)])); }
      document.getElementById("map-lots-count").textContent = `(${data.count})`;
      lotNext = data.next || "";
      lotMore.hidden = !lotNext;
      root.dataset.lots = "ready";
    } catch (error) {
      if (!(error instanceof ApiError) || token !== lotToken) { throw error; }
      lotList.replaceChildren(el("li", { class: "form-error" }, `${t.loadFailed} ${error.message}`));
      root.dataset.lots = "failed";
    } finally {
      if (token === lotToken) { lotList.setAttribute("aria-busy", "false"); lotMore.disabled = false; }
    }
  }

  function showListTab(lots) {
    lotsShown = lots;
    document.querySelectorAll(".map-list-tab").forEach((tab) => tab.setAttribute("aria-selected", String((tab.dataset.list === "lots") === lots)));
    document.getElementById("map-list-results").hidden = lots;
    document.getElementById("map-list-lots").hidden = !lots;
    if (lots && current) { loadLots(current, false); }
  }
  document.querySelectorAll(".map-list-tab").forEach((tab) => tab.addEventListener("click", () => showListTab(tab.dataset.list === "lots")));
  lotMore.addEventListener("click", () => { if (lotNext) { loadLots(current, true); } });

  // ------------------------------------------------------------------------------------------------ going somewhere

  async function go(state, { fit = false, push = true, fromTheForm = true } = {}) {
    const regionChanged = !current || current.filters.region !== state.filters.region;
    current = state;
    if (push) { history.pushState(null, "", href(state)); }
    if (!fromTheForm) { await applyToForm(state); }
    document.getElementById("map-area").hidden = !state.filters.bbox;
    await styled;
    applyFilters(state);
    const loading = load(state, false);
    if (regionChanged || fit) { await fitRegion(state.filters.region); }
    return loading;
  }

  function openDrawer(kind, id, lonLat, item) {
    root.classList.add("drawer-open");
    root.dataset.sheet = "map";
    syncTabs();
    if (kind === "supply") { drawer.openListing(id, item || { location: lonLat }); }
    else if (kind === "demand") { drawer.openDemand(id, lonLat); }
    else if (kind === "lot") { drawer.openLot(id, { ...(item || {}), location: lonLat }); }
    else { drawer.openParcel(id); }
  }

  function bboxOfView() {
    const bounds = map.getBounds();
    const clamp = (v, limit) => Math.max(-limit, Math.min(limit, v)).toFixed(5);
    return [clamp(bounds.getWest(), 180), clamp(bounds.getSouth(), 90), clamp(bounds.getEast(), 180), clamp(bounds.getNorth(), 90)].join(",");
  }

  // ------------------------------------------------------------------------------------------------ events

  map.on("load", () => {
    Style.addAmenityIcons(map, CATEGORIES);
    showZoomHint();
  });
  map.on("styleimagemissing", (event) => { if (event.id.startsWith("amenity-")) { Style.addAmenityIcons(map, CATEGORIES); } });
  map.on("moveend", () => {
    showZoomHint();
    if (!current) { return; }
    const center = map.getCenter();
    current = { ...current, view: [center.lng, center.lat, map.getZoom()] };
    history.replaceState(null, "", href(current));
  });

  const POINT_LAYERS = ["supply-point", "demand-point"];
  map.on("mouseenter", "lots-point", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "lots-point", () => { map.getCanvas().style.cursor = ""; });
  for (const layer of POINT_LAYERS) {
    map.on("mousemove", layer, (event) => {
      const id = event.features[0].id;
      if (id === hoveredId) { return; }
      setHover(hoveredId, false);
      hoveredId = id;
      setHover(id, true);
      map.getCanvas().style.cursor = "pointer";
      const item = results.querySelector(`li[data-id="${CSS.escape(String(id))}"]`);
      if (item) { item.scrollIntoView({ block: "nearest" }); }
    });
    map.on("mouseleave", layer, () => { setHover(hoveredId, false); hoveredId = null; map.getCanvas().style.cursor = ""; });
  }

  map.on("click", (event) => {
    const visible = (ids) => ids.filter((id) => map.getLayoutProperty(id, "visibility") !== "none");
    const hit = (ids) => { const layers = visible(ids); return layers.length ? map.queryRenderedFeatures(event.point, { layers })[0] : undefined; };
    const cluster = hit(["lots-cluster", "supply-cluster", "demand-cluster"]);
    if (cluster) { map.easeTo({ center: cluster.geometry.coordinates, zoom: map.getZoom() + 2 }); return; }
    const lot = hit(["lots-point", "lots-area-fill"]);
    if (lot) {
      const where = lot.geometry.type === "Point" ? lot.geometry.coordinates : [event.lngLat.lng, event.lngLat.lat];
      openDrawer("lot", lot.id, where, { phase: lot.properties.phase, title: lot.properties.title });
      return;
    }
    const point = hit(POINT_LAYERS);
    if (point) { openDrawer(point.layer.id.startsWith("supply") ? "supply" : "demand", point.id, point.geometry.coordinates); return; }
    const parcel = hit(["parcels-fill"]);
    if (parcel) {
      const listing = parcel.properties.listing_id;
      if (listing !== undefined && listing !== null && current.kind === "supply") { openDrawer("supply", Number(listing), [event.lngLat.lng, event.lngLat.lat]); }
      else { openDrawer("parcel", parcel.properties.code); }
      return;
    }
    // A region deeper than the chosen one (the shallowest such under the pointer) becomes the chosen region.
    const chosen = current.filters.region || "";
    const depth = (code) => (code.endsWith("0000") ? 0 : code.endsWith("00") ? 1 : 2);
    const deeper = (visible(["region-fill"]).length ? map.queryRenderedFeatures(event.point, { layers: ["region-fill"] }) : [])
      .map((feature) => String(feature.properties.code))
      .filter((code) => code !== chosen && code.startsWith(prefixOf(chosen)) && (!chosen || depth(code) > depth(chosen)))
      .sort((a, b) => depth(a) - depth(b));
    if (deeper.length) { chooseRegion(deeper[0]); }
  });

  form.addEventListener("submit", (event) => { event.preventDefault(); go(fromForm()); });
  for (const radio of form.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", () => { drawer.close(); showKind(radio.value); go(fromForm()); });
  }
  for (const name of ["mode", "certified", "sort"]) { form.elements[name].addEventListener("change", () => go(fromForm())); }
  if (landUse) { landUse.onChange = () => { if (!syncing) { go(fromForm()); } }; }
  for (const radio of form.querySelectorAll("input[name=published]")) {
    radio.addEventListener("change", () => { form.elements.published_from.value = ""; form.elements.published_to.value = ""; go(fromForm()); });
  }
  document.getElementById("map-search-area").addEventListener("click", () => {
    form.elements.bbox.value = bboxOfView();
    go(fromForm());
  });
  document.getElementById("map-area-clear").addEventListener("click", (event) => {
    event.preventDefault();
    form.elements.bbox.value = "";
    go(fromForm());
  });
  document.getElementById("map-reset").addEventListener("click", (event) => {
    event.preventDefault();
    go({ kind: current.kind, filters: {}, sort: "", view: current.view }, { fromTheForm: false, fit: true });
  });
  document.getElementById("map-region-up").addEventListener("click", () => {
    chooseRegion(regionDetail && regionDetail.parent ? regionDetail.parent : "");
  });
  more.addEventListener("click", () => { if (nextUrl) { load(current, true); } });
  document.querySelectorAll("input[name=layer]").forEach((box) => box.addEventListener("change", showLayers));
  window.addEventListener("popstate", () => {
    const state = fromUrl();
    if (state.view) { map.jumpTo({ center: state.view.slice(0, 2), zoom: state.view[2] }); }
    go(state, { push: false, fromTheForm: false, fit: !state.view });
  });

  // The page takes the window's height below the site's header (whose height depends on the screen's width).
  function fitPage() { root.style.setProperty("--map-top", `${Math.round(root.getBoundingClientRect().top + window.scrollY)}px`); }
  fitPage();
  window.addEventListener("resize", fitPage);

  // Phone-sized screens: the map fills the screen; filters and list are sheets chosen by the tabs.
  function syncTabs() {
    document.querySelectorAll(".map-tab").forEach((tab) => tab.setAttribute("aria-pressed", String(tab.dataset.sheet === root.dataset.sheet)));
  }
  document.querySelectorAll(".map-tab").forEach((tab) => tab.addEventListener("click", () => {
    root.dataset.sheet = tab.dataset.sheet;
    syncTabs();
    if (tab.dataset.sheet === "map") { map.resize(); }
  }));

  const legendNames = Object.fromEntries((LAND_USES || []).filter((row) => !row.parent).map((row) => [row.code, row.name]));
  document.getElementById("map-legend").replaceChildren(...Style.legend(t, CATEGORIES, legendNames).map(([swatch, label]) => el("li", { dataset: swatch.phase ? { phase: swatch.phase } : {} },
    el("span", { class: `swatch${swatch.round ? " round" : ""}`, style: `background:${swatch.colour};${swatch.ring ? `box-shadow:inset 0 0 0 3px ${swatch.ring}` : ""}` }), label)));

  window.landMapPage = { state: () => current, drawer, ready: styled, tileUrl };

  // Start: the address's state; without a view, the chosen region (or the configured first region) is fitted.
  const start = fromUrl();
  const startRegion = start.filters.region || (start.view ? "" : CONFIG.initial.region);
  current = start;
  showKind(start.kind);
  applyToForm(start);
  styled.then(() => {
    applyFilters(start);
    load(start, false);
    if (!start.view) { fitRegion(startRegion, Boolean(start.filters.region)); }
    else if (start.filters.region) {
      document.getElementById("map-region-up").hidden = false;
      request("GET", `/api/geo/regions/${encodeURIComponent(start.filters.region)}/?zoom=4`).then((detail) => { regionDetail = detail; }).catch(() => {});
    }
  });
})();
