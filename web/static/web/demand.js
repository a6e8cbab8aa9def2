// Demand pages (需求): the public list (/demand/) with filters kept in the query string, a demand's page
// (/demand/<id>/) with the favourite button and where the land is wanted (place.js), and the form (/demand/new/,
// /demand/<id>/edit/, ?change=1 for a registered one). Data is only ever put in the page as text.
(function () {
  "use strict";
  const t = window.DEMAND_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError, blank, pagedList } = window.LandApi;


  const F = window.LandFormat;
  // "1,000–5,000 平方米", "≥ 500 万元", "≤ 5,000 平方米" with the unit, or null when neither bound is given.
  const range = (min, max, kind) => F.range(min, max, kind) || null;

  // ------------------------------------------------------------------------------------------------ list

  function listPage(form) {
    const { RegionSelect, LandUseSelect } = window.LandSelectors;
    const results = document.getElementById("demand-results");
    const summary = document.getElementById("demand-summary");
    const pager = document.getElementById("demand-pager");
    const PAGE_SIZE = 12;
    const FILTERS = ["region", "kind", "land_use", "area_min", "area_max"];
    const table = JSON.parse(document.getElementById("land-uses").textContent || "null");
    const landUse = Array.isArray(table) && table.length ? new LandUseSelect(form.querySelector(".land-use-select"), table) : null;
    // Without the land-use table the selector cannot be offered; a land_use in the link still filters.
    if (!landUse) { form.querySelector("[data-filter=land_use]").hidden = true; }
    const region = new RegionSelect(form.querySelector(".region-select"));

    function fromForm() {
      return {
        region: region.value(),
        kind: form.elements.kind.value,
        land_use: form.elements.land_use.value,
        area_min: form.elements.area_min.value.trim(),
        area_max: form.elements.area_max.value.trim(),
      };
    }

    async function applyToForm(filters) {
      form.elements.kind.value = filters.kind;
      form.elements.area_min.value = filters.area_min;
      form.elements.area_max.value = filters.area_max;
      if (landUse) { landUse.set(filters.land_use); } else { form.elements.land_use.value = filters.land_use; }
      await region.set(filters.region);
    }

    function card(item) {
      const link = `/demand/${item.id}/`;
      const area = range(item.area_min_m2, item.area_max_m2, "area");
      const budget = range(item.price_min_wan, item.price_max_wan, "money");
      return el("article", { class: "card market-card", dataset: { id: item.id } },
        el("h3", {}, el("a", { href: link }, item.title || "—")),
        el("p", {}, el("span", { class: "tag", dataset: { field: "kind" } }, t.kinds[item.kind] || item.kind), " ",
          el("span", { class: "muted", dataset: { field: "region" } }, item.region ? item.region.name : "—")),
        el("p", { dataset: { field: "land_use" } }, item.land_use_name || item.land_use || "—"),
        el("p", { dataset: { field: "area" } }, `${t.area}: `, area || "—"),
        el("p", { dataset: { field: "budget" } }, `${t.budget}: `, el("span", { class: "price" }, budget || t.negotiable)),
        el("p", { class: "muted card-foot" },
          el("span", { dataset: { field: "registered" } }, `${t.registered} ${time(item.registered_at).slice(0, 10)}`), " · ",
          `${t.views} ${item.view_count} · ${t.favourites} ${item.favourite_count}`));
    }

    pagedList({
      form, results, summary, pager, t, pageSize: PAGE_SIZE, endpoint: "/api/market/demand/", names: FILTERS, render: card,
      fromForm, applyToForm,
    });
  }

  // ---------------------------------------------------------------------------------------------- detail

  function detailPage(root) {
    const id = Number(root.dataset.demandId);
    const signedIn = root.dataset.signedIn === "true";
    const actions = document.getElementById("detail-actions");
    const button = document.getElementById("favourite-button");
    let demand = null;
    let favourite = false;

    function set(name, value) {
      root.querySelectorAll(`[data-field="${name}"]`).forEach((node) => { node.textContent = blank(value) ? "—" : String(value); });
    }

    function show(item) {
      demand = item;
      document.title = `${item.title || "—"} · ${document.title}`;
      const area = range(item.area_min_m2, item.area_max_m2, "area");
      const budget = range(item.price_min_wan, item.price_max_wan, "money");
      set("title", item.title);
      set("kind", t.kinds[item.kind] || item.kind);
      set("kind_name", t.kinds[item.kind] || item.kind);
      set("region", item.region ? item.region.name : null);
      set("region_name", item.region ? item.region.name : null);
      set("land_use", item.land_use ? `${item.land_use_name || ""} (${item.land_use})` : null);
      set("land_nature", item.land_nature ? t.natures[item.land_nature] || item.land_nature : null);
      set("area", area);
      set("price", budget || t.negotiable);
      set("years", blank(item.years) ? null : `${item.years} ${t.years}`);
      set("industry", item.industry);
      set("description", item.description);
      set("contact_name", item.contact_name);
      set("contact_phone", item.contact_phone);
      set("registered_at", item.registered_at ? time(item.registered_at).slice(0, 10) : null);
      set("expires_at", item.expires_at ? time(item.expires_at).slice(0, 10) : null);
      set("view_count", item.view_count);
      set("favourite_count", item.favourite_count);
      document.getElementById("detail-loading").hidden = true;
      root.hidden = false;
      showPlace(item);
    }

    // Where the land is wanted: the preferred point with its surroundings, else the region's boundary (no surroundings:
    // a county is too large for them).
    async function showPlace(item) {
      let place = { outline: null, location: item.location };
      if (!Array.isArray(item.location) && item.region) {
        try {
          const region = await request("GET", `/api/geo/regions/${encodeURIComponent(item.region.code)}/?zoom=10`);
          place = { outline: region.boundary, location: null };
        } catch (error) {
          if (!(error instanceof ApiError)) { throw error; }
        }
      }
      await window.LandPlace.showOnPage(place, { t, properties: { demand_id: id }, kind: "demand", surroundings: Boolean(place.location) });
    }

    function showFavourite(on) {
      favourite = on;
      button.setAttribute("aria-pressed", String(on));
      button.textContent = on ? t.favourited : t.favourite;
    }

    async function loadFavourite() {
      const params = new URLSearchParams({ target: "demand", title: (demand.title || "").slice(0, 200), page_size: "100" });
      const data = await request("GET", `/api/market/my/favourites/?${params}`);
      showFavourite(data.results.some((row) => row.target_id === id));
    }

    button.addEventListener("click", async () => {
      if (!signedIn) { window.location.assign(`/login/?next=${encodeURIComponent(`/demand/${id}/`)}`); return; }
      clearErrors(actions);
      button.disabled = true;
      try {
        if (favourite) {
          await request("DELETE", `/api/market/favourites/demand/${id}/`);
          showFavourite(false);
          demand.favourite_count = Math.max(0, demand.favourite_count - 1);
        } else {
          await request("POST", "/api/market/favourites/", { target: "demand", target_id: id });
          demand.favourite_count += 1;
          showFavourite(true);
        }
        set("favourite_count", demand.favourite_count);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        if (error.status === 404 && favourite) { showFavourite(false); } else { showError(actions, error); }
      } finally { button.disabled = false; }
    });

    async function start() {
      try {
        show(await request("GET", `/api/market/demand/${id}/`));
        if (signedIn) { loadFavourite().catch(() => {}); }
        return;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
      }
      // Not public: the owner still sees their own demand (drafts, delisted, expired), with its state.
      if (signedIn) {
        try {
          const own = await request("GET", `/api/market/my/demand/${id}/`);
          show(own);
          actions.hidden = true;
          const note = document.getElementById("owner-status");
          note.hidden = false;
          set("status", `(${t.statuses[own.status] || own.status})`);
          const edit = document.getElementById("owner-edit");
          if (own.actions.includes("edit")) { edit.href = `/demand/${id}/edit/`; edit.hidden = false; }
          return;
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
        }
      }
      document.getElementById("detail-loading").hidden = true;
      document.getElementById("detail-missing").hidden = false;
    }
    start();
  }

  // ------------------------------------------------------------------------------------------------ form

  function formPage(form) {
    const { RegionSelect, LandUseSelect } = window.LandSelectors;
    const notice = form.querySelector(".notice");
    const title = document.getElementById("form-title");
    const table = JSON.parse(document.getElementById("land-uses").textContent || "null");
    const region = new RegionSelect(form.querySelector(".region-select"));
    const landUse = Array.isArray(table) && table.length ? new LandUseSelect(form.querySelector(".land-use-select"), table) : null;
    let demandId = form.dataset.demandId || "";
    // 信息变更: a registered demand's changed fields go to POST …/change/; it stays registered.
    let changeMode = Boolean(demandId) && new URLSearchParams(window.location.search).get("change") === "1";
    let loaded = null;

    const kind = new URLSearchParams(window.location.search).get("kind");
    if (kind) { form.querySelectorAll("[name=kind]").forEach((input) => { input.checked = input.value === kind; }); }

    function say(text) { notice.hidden = false; notice.textContent = text; }

    function setMode() {
      const heading = changeMode ? title.dataset.change : demandId ? title.dataset.edit : title.dataset.new;
      title.textContent = heading;
      document.getElementById("form-crumb").textContent = heading;
      document.getElementById("change-hint").hidden = !changeMode;
      form.querySelector("[data-action=save]").hidden = changeMode;
      form.querySelector("[data-action=submit]").hidden = changeMode;
      form.querySelector("[data-action=change]").hidden = !changeMode;
    }

    function payload() {
      const data = values(form, true);
      if (!data.region) { data.region = null; }
      return data;
    }

    async function fill(item) {
      for (const [name, value] of Object.entries(item)) {
        const inputs = form.querySelectorAll(`[name="${name}"]`);
        if (!inputs.length || (value !== null && typeof value === "object")) { continue; }
        for (const input of inputs) {
          if (input.type === "radio") { input.checked = String(value) === input.value; } else if (input.type !== "hidden") { input.value = value === null ? "" : value; }
        }
      }
      if (landUse) { landUse.set(item.land_use || ""); } else { form.elements.land_use.value = item.land_use || ""; }
      await region.set(item.region ? item.region.code : "");
    }

    async function load() {
      const item = await request("GET", `/api/market/my/demand/${demandId}/`);
      await fill(item);
      if (!changeMode && !item.actions.includes("edit")) {
        if (item.actions.includes("change")) { changeMode = true; } else {
          form.querySelectorAll(".form-actions button").forEach((b) => { b.hidden = true; });
          say(t.notEditable);
          return;
        }
      }
      setMode();
      loaded = payload();
    }

    async function save() {
      clearErrors(form);
      if (demandId) {
        await request("PATCH", `/api/market/demand/${demandId}/`, payload());
      } else {
        const created = await request("POST", "/api/market/demand/", payload());
        demandId = String(created.id);
        form.dataset.demandId = demandId;
        history.replaceState(null, "", `/demand/${demandId}/edit/`);
        setMode();
      }
    }

    function fail(error) {
      if (!(error instanceof ApiError)) { throw error; }
      notice.hidden = true;
      showError(form, error);
      const invalid = form.querySelector("[aria-invalid]");
      (invalid || form.querySelector(".form-error")).scrollIntoView({ block: "center" });
    }

    // One request at a time: a double click must not make two drafts.
    async function busy(work) {
      const buttons = form.querySelectorAll(".form-actions button");
      buttons.forEach((b) => { b.disabled = true; });
      try { await work(); } catch (error) { fail(error); } finally { buttons.forEach((b) => { b.disabled = false; }); }
    }

    form.querySelector("[data-action=save]").addEventListener("click", () => busy(async () => {
      await save();
      say(t.saved);
    }));
    form.querySelector("[data-action=submit]").addEventListener("click", () => busy(async () => {
      await save();
      await request("POST", `/api/market/demand/${demandId}/submit/`);
      say(t.submitted);
      setTimeout(() => window.location.assign("/me/?section=demand"), 800);
    }));
    form.querySelector("[data-action=change]").addEventListener("click", () => busy(async () => {
      clearErrors(form);
      const now = payload(), changed = {};
      for (const [name, value] of Object.entries(now)) {
        if (JSON.stringify(value) !== JSON.stringify(loaded[name])) { changed[name] = value; }
      }
      if (!Object.keys(changed).length) { say(t.nothingChanged); return; }
      await request("POST", `/api/market/demand/${demandId}/change/`, changed);
      loaded = now;
      say(t.changed);
    }));

    form.addEventListener("submit", (event) => event.preventDefault());
    setMode();
    if (demandId) { load().catch(fail); }
  }

  const filters = document.getElementById("demand-filters");
  const detail = document.getElementById("demand-detail");
  const form = document.getElementById("demand-form");
  if (filters) { listPage(filters); }
  if (detail) { detailPage(detail); }
  if (form) { formPage(form); }
})();
