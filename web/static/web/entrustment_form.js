// The entrustment form (申请委托交易): centre and land, applicant, attachments. Saves drafts through the trading API
// ("Next" saves a step only when the server finds it complete), uploads the two document lists and submits to the
// chosen centre; the API's errors are shown at their fields. The land comes from a published listing (read-only) or is
// entered with the supply form's map picker (supply_picker.js); the applicant from supply_applicant.js.
(function () {
  "use strict";
  const t = window.ENTRUSTMENT_I18N;
  const { request, values, showError, clearErrors, el, ApiError } = window.LandApi;
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const form = document.getElementById("entrustment-form");
  if (form.hidden) { return; } // not verified: the page says so, with the link
  const notice = form.querySelector(".notice");
  const landUses = JSON.parse(document.getElementById("land-uses").textContent);
  const LAND = ["land_nature", "region", "use_right_type", "land_type", "land_use", "area_m2", "right_end_date", "address",
    "boundary_east", "boundary_west", "boundary_south", "boundary_north", "certificate_type", "certificate_number",
    "registration_authority", "unit_numbers", "with_buildings", "investment_over_25", "floor_area_ratio", "notes",
    "location", "outline", "parcel_id", "lon", "lat", "mode"];
  let entrustmentId = form.dataset.entrustmentId || "";
  let fromListing = Boolean(form.dataset.listingId);
  let step = 1;
  let identity = null;
  let titleTouched = false;

  const centres = { select: form.elements.centre, region: "", list: [] };
  const region = new RegionSelect(form.querySelector(".region-select"), (code) => { preview(); loadCentres(code); });
  const landUse = new LandUseSelect(form.querySelector(".land-use-select"), landUses, preview);
  const PARCEL_FIELDS = ["address", "boundary_east", "boundary_west", "boundary_south", "boundary_north", "floor_area_ratio",
    "area_m2", "land_nature", "use_right_type"];
  const picker = window.LandSupplyPicker.mount(document.getElementById("supply-picker"), {
    config: JSON.parse(document.getElementById("map-config").textContent),
    onRegion: (code) => region.set(code),
    onArea: (m2) => { form.elements.area_m2.value = m2.toFixed(2); preview(); },
    onParcel: (parcel) => {
      fill(Object.fromEntries(PARCEL_FIELDS.filter((name) => parcel[name] !== null && parcel[name] !== "").map((name) => [name, parcel[name]])));
      if (parcel.land_use) { landUse.set(parcel.land_use); }
      if (parcel.region_code) { region.set(parcel.region_code); }
    },
  });

  function mode() { return (form.querySelector("[name=mode]:checked") || {}).value || "transfer"; }

  // The seed's title: 行政区域 + 面积 + 土地一级用途 + 流转方式.
  function suggestedTitle() {
    const area = parseFloat(form.elements.area_m2.value);
    return [region.label(), area > 0 ? `${Math.round(area)}平方米` : "", landUse.majorName() || "土地", mode() === "lease" ? "出租" : "转让"].join("");
  }

  function preview() {
    const title = suggestedTitle();
    document.getElementById("title-preview").textContent = title;
    if (!titleTouched && !form.elements.title.value) { form.elements.title.value = title; }
    const end = form.elements.right_end_date.value;
    const out = document.getElementById("remaining-years");
    if (end) {
      const today = new Date(), until = new Date(end);
      let years = until.getFullYear() - today.getFullYear();
      if (until.getMonth() < today.getMonth() || (until.getMonth() === today.getMonth() && until.getDate() < today.getDate())) { years -= 1; }
      out.textContent = `${Math.max(years, 0)} ${t.years}`;
    } else { out.textContent = "—"; }
  }
  form.addEventListener("input", (event) => { if (event.target.name === "title") { titleTouched = true; } preview(); });
  form.querySelector("[data-action=title]").addEventListener("click", () => { form.elements.title.value = suggestedTitle(); titleTouched = true; });

  // The centres serving the land's county (its own, its city's, its province's), with their address, phone and banks.
  async function loadCentres(code, wanted) {
    const select = centres.select;
    const current = wanted !== undefined && wanted !== null ? String(wanted) : select.value;
    if (!/^\d{4}(?!00)\d{2}$/.test(code || "")) {
      select.replaceChildren(el("option", { value: "" }, select.dataset.empty)); centres.list = []; showCentre(); return;
    }
    centres.region = code;
    const list = await request("GET", `/api/auctions/centres/?region=${code}`);
    if (centres.region !== code) { return; }
    centres.list = list;
    select.replaceChildren(...(list.length ? list.map((c) => el("option", { value: String(c.id) }, c.name)) : [el("option", { value: "" }, t.noCentre)]));
    if (list.some((c) => String(c.id) === current)) { select.value = current; }
    showCentre();
  }

  function showCentre() {
    const card = document.getElementById("centre-card");
    const centre = centres.list.find((c) => String(c.id) === centres.select.value);
    card.hidden = !centre;
    if (!centre) { card.replaceChildren(); return; }
    card.replaceChildren(el("strong", {}, centre.name),
      el("dl", {},
        el("dt", {}, t.address), el("dd", {}, centre.address || "—"),
        el("dt", {}, t.phone), el("dd", {}, centre.phone || "—"),
        el("dt", {}, t.contact), el("dd", {}, centre.contact || "—"),
        el("dt", {}, t.banks), el("dd", {}, centre.banks.map((b) => b.name).join("、") || "—"),
        el("dt", {}, t.rules), el("dd", {}, centre.rule_profile || "—")));
  }
  centres.select.addEventListener("change", showCentre);

  function lockLand() {
    document.getElementById("from-listing").hidden = false;
    document.getElementById("picker-box").hidden = true;
    form.querySelectorAll("#land-fields input, #land-fields select, #land-fields textarea").forEach((input) => { input.disabled = true; });
  }

  function show(next) {
    step = next;
    form.querySelectorAll("section[data-step]").forEach((s) => { s.hidden = Number(s.dataset.step) !== step; });
    document.querySelectorAll(".steps li").forEach((li) => {
      if (Number(li.dataset.step) === step) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
    form.querySelector("[data-action=back]").hidden = step === 1;
    form.querySelector("[data-action=next]").hidden = step === 3;
    form.querySelector("[data-action=submit]").hidden = step !== 3;
    window.scrollTo(0, 0);
  }

  function payload() {
    const data = values(form, true);
    data.hide_result = form.elements.hide_result.checked;
    delete data.lon; delete data.lat; delete data.mode;
    if (fromListing) { for (const name of LAND) { delete data[name]; } } else {
      Object.assign(data, picker.place());
      if (data.unit_numbers === null) { data.unit_numbers = []; }
    }
    if (data.centre === "") { data.centre = null; }
    return data;
  }

  function fill(record) {
    for (const [name, value] of Object.entries(record)) {
      const inputs = form.querySelectorAll(`[name="${name}"]`);
      if (!inputs.length || value === null || typeof value === "object" && !Array.isArray(value)) { continue; }
      for (const input of inputs) {
        if (input.type === "radio") { input.checked = String(value) === input.value; } else if (input.type === "checkbox") { input.checked = Boolean(value); } else if (input.type !== "hidden") { input.value = Array.isArray(value) ? value.join(",") : value; }
      }
    }
    preview();
  }

  // An entrustment from the API into the form: its land, place, centre, applicant and files.
  async function load(entrustment) {
    fill(entrustment);
    titleTouched = Boolean(entrustment.title);
    if (Array.isArray(entrustment.location)) { [form.elements.lon.value, form.elements.lat.value] = entrustment.location; }
    fromListing = entrustment.listing !== null;
    if (fromListing) {
      lockLand();
      document.getElementById("listing-link").href = `/supply/${entrustment.listing}/`;
    } else { picker.load({ ...entrustment, parcel_id: entrustment.parcel }); }
    landUse.set(entrustment.land_use || "");
    await region.set(entrustment.region || "");
    await loadCentres(entrustment.region || "", entrustment.centre ? entrustment.centre.id : "");
    if (identity) { window.LandSupplyApplicant.apply(form, identity); }
    showFiles(entrustment.attachments || []);
    const state = document.getElementById("entrustment-state");
    state.hidden = entrustment.status === "draft";
    state.textContent = `${t.status}: ${entrustment.status_name}${entrustment.reason ? ` — ${entrustment.reason}` : ""}`;
    if (!["draft", "rejected"].includes(entrustment.status)) {
      state.textContent += ` · ${t.notEditable}`;
      form.querySelectorAll(".form-actions button[data-action=save], .form-actions button[data-action=submit], input[type=file]").forEach((b) => { b.disabled = true; });
    }
    preview();
  }

  async function save(which) {
    clearErrors(form);
    const body = which ? { ...payload(), step: which } : payload();
    if (entrustmentId) {
      await load(await request("PATCH", `/api/auctions/entrustments/${entrustmentId}/`, body));
      return;
    }
    const extra = form.dataset.listingId ? { listing: Number(form.dataset.listingId) } : { mode: mode() };
    const created = await request("POST", "/api/auctions/entrustments/", { ...body, ...extra });
    entrustmentId = String(created.id);
    form.dataset.entrustmentId = entrustmentId;
    history.replaceState(null, "", `/entrustments/${entrustmentId}/edit/`);
    await load(created);
  }

  function showFiles(attachments) {
    form.querySelectorAll("td.files").forEach((cell) => cell.replaceChildren());
    for (const file of attachments) {
      const cell = form.querySelector(`tr[data-kind="${file.kind}"] .files`);
      if (!cell) { continue; }
      cell.append(el("span", { class: "file", dataset: { id: file.id } }, file.original_name, " ",
        el("button", { type: "button", class: "secondary small", onclick: () => remove(file.id) }, t.remove)));
    }
  }

  async function refresh() { await load(await request("GET", `/api/auctions/entrustments/${entrustmentId}/`)); }

  async function remove(id) {
    try { await request("DELETE", `/api/auctions/entrustment-attachments/${id}/`); await refresh(); } catch (error) { fail(error); }
  }

  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (input.type !== "file" || !input.files.length) { return; }
    try {
      if (!entrustmentId) { await save(); }
      notice.hidden = false; notice.textContent = t.uploading;
      const body = new FormData();
      body.append("kind", input.dataset.kind);
      body.append("file", input.files[0]);
      await request("POST", `/api/auctions/entrustments/${entrustmentId}/attachments/`, body);
      notice.hidden = true;
      await refresh();
    } catch (error) { notice.hidden = true; fail(error); } finally { input.value = ""; }
  });

  function fail(error) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(form, error);
    const invalid = form.querySelector("[aria-invalid]");
    const section = invalid && invalid.closest("section[data-step]");
    if (section && Number(section.dataset.step) !== step) { show(Number(section.dataset.step)); }
  }

  async function busy(work) {
    const buttons = form.querySelectorAll(".form-actions button");
    buttons.forEach((b) => { b.disabled = true; });
    try { await work(); } finally { buttons.forEach((b) => { b.disabled = false; }); }
  }

  form.querySelector("[data-action=save]").addEventListener("click", () => busy(async () => {
    try { await save(); notice.hidden = false; notice.textContent = t.saved; } catch (error) { fail(error); }
  }));
  form.querySelector("[data-action=next]").addEventListener("click", () => busy(async () => {
    try { await save(step); show(step + 1); } catch (error) { fail(error); }
  }));
  form.querySelector("[data-action=back]").addEventListener("click", () => show(step - 1));
  form.querySelector("[data-action=submit]").addEventListener("click", () => busy(async () => {
    try {
      await save();
      await request("POST", `/api/auctions/entrustments/${entrustmentId}/submit/`);
      notice.hidden = false; notice.textContent = t.submitted;
      form.dataset.submitted = "true";
      setTimeout(() => window.location.assign("/me/?section=entrustments"), 800);
    } catch (error) { fail(error); }
  }));

  async function start() {
    identity = (await window.LandSupplyApplicant.showIdentity(form)) || null;
    if (entrustmentId) { await refresh(); } else if (fromListing) {
      // The listing's land, shown as it is; the server copies it into the draft when it is first saved.
      const listing = await request("GET", `/api/market/supply/${form.dataset.listingId}/`);
      const code = typeof listing.region === "object" && listing.region ? listing.region.code : listing.region;
      fill({ ...listing, title: listing.title, region: code, price_wan: listing.price_wan, term_years: listing.lease_term_years });
      titleTouched = true;
      lockLand();
      document.getElementById("listing-link").href = `/supply/${listing.id}/`;
      landUse.set(listing.land_use || "");
      await region.set(code || "");
      await loadCentres(code || "");
      if (identity) { window.LandSupplyApplicant.apply(form, identity); }
    }
    form.dataset.ready = "true";
  }
  show(1);
  preview();
  start().catch(fail);
})();
