// The three-step supply form (发布地源): land, applicant, attachments. Saves drafts through the API ("Next" saves a
// step only when the server finds it complete), uploads attachments (videos in chunks), and submits for review; the
// API's errors are shown at their fields. The place comes from the map picker (supply_picker.js), the institution and
// the applicant from supply_applicant.js.
(function () {
  "use strict";
  const t = window.LAND_FORM_I18N;
  const { request, values, showError, clearErrors, el, ApiError } = window.LandApi;
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const form = document.getElementById("supply-form");
  const notice = form.querySelector(".notice");
  const title = document.getElementById("form-title");
  const landUses = JSON.parse(document.getElementById("land-uses").textContent);
  const CHUNK = 4 * 1024 * 1024;
  let listingId = form.dataset.listingId || "";
  let step = 1;
  // 信息变更: a published listing's changed fields go to review (POST …/changes/); files cannot change that way.
  const changeMode = Boolean(listingId) && new URLSearchParams(window.location.search).get("change") === "1";
  const lastStep = changeMode ? 2 : 3;
  let loaded = null;

  const { InstitutionSelect, showIdentity, apply } = window.LandSupplyApplicant;
  const institutions = new InstitutionSelect(form.elements.institution);
  const region = new RegionSelect(form.querySelector(".region-select"), (code) => { preview(); institutions.load(code); });
  const landUse = new LandUseSelect(form.querySelector(".land-use-select"), landUses, preview);
  let identity = null;
  const PARCEL_FIELDS = ["address", "boundary_east", "boundary_west", "boundary_south", "boundary_north", "floor_area_ratio",
    "building_density", "green_ratio", "height_limit_m", "area_m2", "land_nature", "use_right_type"];
  const picker = window.LandSupplyPicker.mount(document.getElementById("supply-picker"), {
    config: JSON.parse(document.getElementById("map-config").textContent),
    onRegion: (code) => region.set(code),
    onArea: (m2) => { form.elements.area_m2.value = m2.toFixed(2); preview(); },
    onParcel: (parcel) => {
      fill(Object.fromEntries(PARCEL_FIELDS.filter((name) => parcel[name] !== null && parcel[name] !== "").map((name) => [name, parcel[name]])), { place: false });
      if (parcel.land_use) { landUse.set(parcel.land_use); }
      if (parcel.region_code) { region.set(parcel.region_code); }
    },
  });

  function mode() { return (form.querySelector("[name=mode]:checked") || {}).value || "transfer"; }

  function preview() {
    title.textContent = title.dataset[mode()];
    form.querySelectorAll("[data-mode]").forEach((node) => { node.hidden = node.dataset.mode !== mode(); });
    const area = parseFloat(form.elements.area_m2.value);
    const parts = [region.label(), area > 0 ? `${Math.round(area)}平方米` : "", landUse.majorName() || "土地", mode() === "lease" ? "出租" : "转让"];
    document.getElementById("title-preview").textContent = parts.join("");
    const end = form.elements.right_end_date.value;
    const out = document.getElementById("remaining-years");
    if (end) {
      const today = new Date(), until = new Date(end);
      let years = until.getFullYear() - today.getFullYear();
      if (until.getMonth() < today.getMonth() || (until.getMonth() === today.getMonth() && until.getDate() < today.getDate())) { years -= 1; }
      out.textContent = `${Math.max(years, 0)} ${t.years}`;
    } else { out.textContent = "—"; }
  }
  form.addEventListener("input", preview);
  form.addEventListener("change", preview);

  function show(next) {
    step = next;
    form.querySelectorAll("section[data-step]").forEach((s) => { s.hidden = Number(s.dataset.step) !== step; });
    document.querySelectorAll(".steps li").forEach((li) => {
      if (Number(li.dataset.step) === step) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
    form.querySelector("[data-action=back]").hidden = step === 1;
    form.querySelector("[data-action=next]").hidden = step === lastStep;
    form.querySelector("[data-action=submit]").hidden = step !== lastStep;
    form.querySelector("[data-action=save]").hidden = changeMode;
    window.scrollTo(0, 0);
  }

  function payload() {
    const data = values(form, true);
    delete data.lon; delete data.lat;
    if (listingId) { delete data.mode; }
    Object.assign(data, picker.place());
    if (data.unit_numbers === null) { data.unit_numbers = []; }
    return data;
  }

  // Puts a listing's (or a parcel's) fields into the form; with place (a listing), its place and files too.
  function fill(listing, { place = true } = {}) {
    for (const [name, value] of Object.entries(listing)) {
      const inputs = form.querySelectorAll(`[name="${name}"]`);
      if (!inputs.length || value === null || typeof value === "object" && !Array.isArray(value)) { continue; }
      for (const input of inputs) {
        if (input.type === "radio") { input.checked = String(value) === input.value; } else if (input.type !== "hidden") { input.value = Array.isArray(value) ? value.join(",") : value; }
      }
    }
    if (!place) { preview(); return; }
    if (Array.isArray(listing.location)) { [form.elements.lon.value, form.elements.lat.value] = listing.location; }
    institutions.preset(listing.institution || "");
    const regionCode = typeof listing.region === "object" && listing.region ? listing.region.code : listing.region;
    const regionShown = region.set(regionCode || "");
    landUse.set(listing.land_use || "");
    picker.load(listing);
    if (identity) { apply(form, identity); }
    showFiles(listing.attachments || []);
    preview();
    return regionShown;
  }

  // Saves the draft; with `step` ("Next"), the server saves nothing unless that step is complete.
  async function save(step) {
    clearErrors(form);
    const body = step ? { ...payload(), step } : payload();
    if (listingId) {
      fill(await request("PATCH", `/api/market/supply/${listingId}/`, body));
    } else {
      const created = await request("POST", "/api/market/supply/", { ...body, mode: mode() });
      listingId = String(created.id);
      form.dataset.listingId = listingId;
      history.replaceState(null, "", `/supply/${listingId}/edit/`);
      form.querySelectorAll("[name=mode]").forEach((input) => { input.disabled = true; });
      fill(created);
    }
  }

  function showFiles(attachments) {
    form.querySelectorAll(".files").forEach((cell) => cell.replaceChildren());
    for (const file of attachments) {
      const row = form.querySelector(`tr[data-kind="${file.kind}"] .files`) || form.querySelector(`div.files[data-kind="${file.kind}"]`);
      if (!row) { continue; }
      row.append(el("span", { class: "file", dataset: { id: file.id } },
        file.kind === "photo" && file.url ? el("img", { src: file.url, alt: file.original_name, class: "thumb" }) : file.original_name, " ",
        el("button", { type: "button", class: "secondary small", onclick: () => remove(file.id) }, t.remove)));
    }
  }

  async function refresh() {
    const shown = fill(await request("GET", `/api/market/supply/${listingId}/`));
    loaded = payload(); // as loaded, before anything is typed: a change request carries only what the owner changed
    await shown;
    loaded.region = payload().region; // the region selects show the saved region once their lists have arrived
  }

  async function requestChange() {
    await Promise.all([ready, identityShown]); // the listing as loaded, to compare with
    const now = payload(), changed = {};
    for (const [name, value] of Object.entries(now)) {
      if (identity && name in identity) { continue; } // the verified applicant: the server's, never a change
      if (JSON.stringify(value) !== JSON.stringify(loaded[name])) { changed[name] = value; }
    }
    await request("POST", `/api/market/supply/${listingId}/changes/`, changed);
  }

  async function remove(id) {
    try { await request("DELETE", `/api/market/supply/attachments/${id}/`); await refresh(); } catch (error) { fail(error); }
  }

  async function uploadVideo(file) {
    const progress = document.getElementById("video-progress");
    const upload = await request("POST", `/api/market/supply/${listingId}/uploads/`, { kind: "video", filename: file.name, size: file.size });
    progress.hidden = false; progress.max = file.size; progress.value = 0;
    for (let start = 0; start < file.size; start += CHUNK) {
      const end = Math.min(start + CHUNK, file.size);
      const response = await fetch(`/api/market/uploads/${upload.id}/`, {
        method: "PUT", body: file.slice(start, end), credentials: "same-origin",
        headers: { "Content-Range": `bytes ${start}-${end - 1}/${file.size}`, "Content-Type": "application/octet-stream",
          "X-CSRFToken": (document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")) || "=").split("=")[1], Accept: "application/json" },
      });
      if (!response.ok) { throw new ApiError(response.status, await response.json().catch(() => null)); }
      progress.value = end;
    }
    progress.hidden = true;
  }

  form.addEventListener("change", async (event) => {
    const input = event.target;
    if (input.type !== "file" || !input.files.length) { return; }
    const file = input.files[0];
    try {
      if (!listingId) { await save(); }
      notice.hidden = false; notice.textContent = t.uploading;
      if (input.dataset.kind === "video") { await uploadVideo(file); } else {
        const body = new FormData();
        body.append("kind", input.dataset.kind);
        body.append("file", file);
        await request("POST", `/api/market/supply/${listingId}/attachments/`, body);
      }
      notice.hidden = true;
      await refresh();
    } catch (error) { notice.hidden = true; fail(error); } finally { input.value = ""; }
  });

  function fail(error) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(form, error);
    // Go to the first step that holds a field in error.
    const invalid = form.querySelector("[aria-invalid]");
    const section = invalid && invalid.closest("section[data-step]");
    if (section && Number(section.dataset.step) !== step) { show(Number(section.dataset.step)); }
  }

  // One request at a time: the buttons are disabled while one runs (a double click must not make two drafts).
  async function busy(work) {
    const buttons = form.querySelectorAll(".form-actions button");
    buttons.forEach((b) => { b.disabled = true; });
    try { await work(); } finally { buttons.forEach((b) => { b.disabled = false; }); }
  }

  form.querySelector("[data-action=save]").addEventListener("click", () => busy(async () => {
    try { await save(); notice.hidden = false; notice.textContent = t.saved; } catch (error) { fail(error); }
  }));
  form.querySelector("[data-action=next]").addEventListener("click", () => busy(async () => {
    try { if (!changeMode) { await save(step); } show(step + 1); } catch (error) { fail(error); }
  }));
  form.querySelector("[data-action=back]").addEventListener("click", () => show(step - 1));
  form.querySelector("[data-action=submit]").addEventListener("click", () => busy(async () => {
    try {
      if (changeMode) { await requestChange(); } else {
        await save();
        await request("POST", `/api/market/supply/${listingId}/submit/`);
      }
      notice.hidden = false; notice.textContent = changeMode ? t.changeSubmitted : t.submitted;
      setTimeout(() => window.location.assign("/me/?section=supply"), 800);
    } catch (error) { fail(error); }
  }));

  if (changeMode) { title.dataset.transfer = title.dataset.lease = title.dataset.change; }
  const identityShown = showIdentity(form).then((verified) => { identity = verified || null; }).catch(fail);
  const ready = listingId ? refresh().catch(fail) : Promise.resolve();
  show(1);
  preview();
})();
