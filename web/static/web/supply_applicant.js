// The supply form's fields that come from elsewhere: the reviewing institution (审核机构), chosen among the authorities
// of the land's county, city and province (/api/market/supply/institutions/), and the applicant (申请人) as real-name
// verification established it (/api/market/supply/identity/), shown read-only; the server enforces both.
(function () {
  "use strict";
  const { request, ApiError, el } = window.LandApi;
  const COUNTY = /^\d{4}(?!00)\d{2}$/;

  class InstitutionSelect {
    constructor(select) {
      this.select = select;
      this.region = "";
      this.wanted = "";
    }

    // The options of a county (the first, the county's own, chosen unless `wanted` is one of them); none otherwise.
    async load(region, wanted) {
      if (wanted !== undefined) { this.wanted = wanted; }
      const current = this.select.value || this.wanted;
      if (region === this.region && this.select.options.length > 1) { this.choose(current); return; }
      this.region = region;
      const placeholder = el("option", { value: "" }, this.select.dataset.empty);
      if (!COUNTY.test(region || "")) { this.select.replaceChildren(placeholder); return; }
      try {
        const { options } = await request("GET", `/api/market/supply/institutions/?region=${region}`);
        if (region !== this.region) { return; } // another county was chosen meanwhile
        this.select.replaceChildren(...options.map((name) => el("option", { value: name }, name)));
        this.choose(current);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        this.select.replaceChildren(placeholder);
      }
    }

    // A saved listing's institution, shown at once (the county's list replaces it when it arrives).
    preset(name) {
      this.wanted = name;
      if (name && !Array.from(this.select.options).some((o) => o.value === name)) {
        this.select.replaceChildren(el("option", { value: name }, name));
        this.region = "";
      }
      this.select.value = name;
    }

    choose(name) {
      const names = Array.from(this.select.options).map((o) => o.value);
      this.select.value = names.includes(name) ? name : names[0] || "";
    }
  }

  // The applicant's verified fields, filled and read-only, with where they came from; false when not verified.
  async function showIdentity(form) {
    let body;
    try { body = await request("GET", "/api/market/supply/identity/"); } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      return false;
    }
    if (!body.verified) { return false; }
    apply(form, body.identity);
    document.getElementById("identity-source").hidden = false;
    return body.identity;
  }

  function apply(form, identity) {
    for (const [name, value] of Object.entries(identity)) {
      for (const input of form.querySelectorAll(`[name="${name}"]`)) {
        if (input.type === "radio") {
          input.checked = input.value === value;
          input.disabled = !input.checked; // the verified choice stays sent; the other cannot be picked
        } else {
          input.value = value;
          input.readOnly = true;
        }
      }
    }
  }

  window.LandSupplyApplicant = { InstitutionSelect, showIdentity, apply };
})();
