// The search filters the search page (search.js) and the map page (map.js) share: read from a link or from the form,
// written as the parameters the search API and the map's tiles take, and set back into the form (kind, modes, sorts,
// the region and land-use selectors).
(function () {
  "use strict";
  const { el } = window.LandApi;
  const SUPPLY_ONLY = ["certified", "unit_price_min", "unit_price_max"];
  const SELECTED = ["region", "land_use", "published"]; // set by the selectors and radios, not as plain inputs

  function kindOf(value) { return value === "demand" ? "demand" : "supply"; }

  // A repeated parameter (land_use=05&land_use=06) reads as one comma-separated value, as the API takes it.
  function fromQuery(query, names) {
    const filters = {};
    for (const name of names) { filters[name] = query.getAll(name).map((v) => v.trim()).filter(Boolean).join(","); }
    return filters;
  }

  // Region and land use are the hidden inputs the selectors write (a code from a link that the selectors cannot show
  // stays there until another is chosen); `published` is the checked radio.
  function fromForm(form, names) {
    const filters = {};
    for (const name of names) {
      const input = form.elements[name];
      filters[name] = input && input.value !== undefined ? String(input.value || "").trim() : "";
    }
    if (names.includes("published")) { filters.published = (form.querySelector("input[name=published]:checked") || { value: "" }).value; }
    return filters;
  }

  // The filters that apply to the kind, as parameters (appended to `out`).
  function toParams(kind, filters, names, out = new URLSearchParams()) {
    for (const name of names) {
      if (!filters[name] || (kind === "demand" && SUPPLY_ONLY.includes(name))) { continue; }
      out.set(name, filters[name]);
    }
    return out;
  }

  function showKind(root, form, kind, modes) {
    root.dataset.kind = kind;
    for (const radio of form.querySelectorAll("input[name=kind]")) { radio.checked = radio.value === kind; }
    form.querySelectorAll("[data-only=supply]").forEach((node) => { node.hidden = kind !== "supply"; });
    form.querySelectorAll("[data-kind-label]").forEach((node) => { node.hidden = node.dataset.kindLabel !== kind; });
    const mode = form.elements.mode;
    const chosen = mode.value;
    mode.replaceChildren(mode.options[0], ...modes[kind].map(([value, label]) => el("option", { value }, label)));
    mode.value = modes[kind].some(([value]) => value === chosen) ? chosen : "";
    for (const option of form.elements.sort.options) { option.hidden = kind === "demand" && option.value.startsWith("unit_price"); }
  }

  // Sets the form to the kind and filters; resolves once the region selector shows the region.
  async function applyToForm({ root, form, modes, kind, filters, names, landUse, region }) {
    showKind(root, form, kind, modes);
    for (const name of names) {
      if (SELECTED.includes(name)) { continue; }
      if (form.elements[name]) { form.elements[name].value = filters[name] || ""; }
    }
    for (const radio of form.querySelectorAll("input[name=published]")) { radio.checked = radio.value === (filters.published || ""); }
    const uses = filters.land_use || "";
    if (landUse) { landUse.set(uses.includes(",") ? "" : uses); }
    form.elements.land_use.value = uses; // several codes (from a link) stay as they are until a use is chosen
    await region.set(filters.region || "");
    // A code the selectors cannot show (from a link) stays the filter until another region is chosen.
    if (filters.region && !region.value()) { region.hidden.value = filters.region; }
  }

  window.LandSearchFilters = { SUPPLY_ONLY, kindOf, fromQuery, fromForm, toParams, showKind, applyToForm };
})();
