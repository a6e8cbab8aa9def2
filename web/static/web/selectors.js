// Cascading selectors: regions (province → city → county from /api/geo/regions/) and GB/T 21010 land use (two
// levels from the page's table). Each writes its choice to a hidden input and can be set from a code ("" clears it).
(function () {
  "use strict";
  const { request, el } = window.LandApi;
  const LEVELS = ["province", "city", "county"];

  // An option's label, "0501 零售商业用地": the code once, even when the name given already starts with it (a table
  // or a preset from elsewhere, such as "0501 零售商业用地" as a name, must not read "0501 0501 零售商业用地").
  function landUseLabel(code, name) {
    let bare = String(name || "").trim();
    while (bare.startsWith(code)) { bare = bare.slice(code.length).trim(); }
    return bare ? `${code} ${bare}` : code;
  }

  function prefixOf(code) {
    return code.endsWith("0000") ? code.slice(0, 2) : code.endsWith("00") ? code.slice(0, 4) : code;
  }

  class RegionSelect {
    constructor(root, onChange) {
      this.root = root;
      this.hidden = root.querySelector("input[type=hidden]");
      this.selects = LEVELS.map((level) => root.querySelector(`select[data-level=${level}]`));
      this.onChange = onChange || (() => {});
      this.selects.forEach((select, index) => select.addEventListener("change", () => this.changed(index)));
      this.ready = this.fill(0, null);
    }

    async fill(index, parent) {
      const select = this.selects[index];
      const first = select.options[0];
      select.replaceChildren(first);
      if (index > 0 && !parent) { return; }
      const url = parent ? `/api/geo/regions/?parent=${parent}` : "/api/geo/regions/";
      for (const region of await request("GET", url)) {
        select.append(el("option", { value: region.code }, region.name));
      }
    }

    async changed(index) {
      for (let i = index + 1; i < this.selects.length; i += 1) { await this.fill(i, null); }
      const code = this.selects[index].value;
      if (code && index + 1 < this.selects.length) { await this.fill(index + 1, code); }
      this.hidden.value = this.value();
      this.onChange(this.value());
    }

    value() {
      for (let i = this.selects.length - 1; i >= 0; i -= 1) { if (this.selects[i].value) { return this.selects[i].value; } }
      return "";
    }

    label() {
      return this.selects.filter((s) => s.value).map((s) => s.selectedOptions[0].textContent).join("");
    }

    async set(code) {
      await this.ready;
      if (!code) {
        this.selects[0].value = "";
        await this.changed(0);
        return;
      }
      const chain = [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code].filter((c, i, all) => all.indexOf(c) === i);
      for (let i = 0; i < chain.length && i < this.selects.length; i += 1) {
        if (!Array.from(this.selects[i].options).some((o) => o.value === chain[i])) { break; }
        this.selects[i].value = chain[i];
        if (i + 1 < this.selects.length) { await this.fill(i + 1, chain[i]); }
      }
      this.hidden.value = this.value();
      this.onChange(this.value());
    }
  }

  class LandUseSelect {
    constructor(root, table, onChange) {
      this.hidden = root.querySelector("input[type=hidden]");
      this.major = root.querySelector("select[data-level=major]");
      this.minor = root.querySelector("select[data-level=minor]");
      this.table = table;
      this.onChange = onChange || (() => {});
      for (const row of table.filter((r) => !r.parent)) { this.major.append(el("option", { value: row.code }, landUseLabel(row.code, row.name))); }
      this.major.addEventListener("change", () => { this.fillMinor(); this.changed(); });
      this.minor.addEventListener("change", () => this.changed());
    }

    fillMinor() {
      this.minor.replaceChildren(this.minor.options[0]);
      for (const row of this.table.filter((r) => r.parent && r.parent === this.major.value)) {
        this.minor.append(el("option", { value: row.code }, landUseLabel(row.code, row.name)));
      }
    }

    changed() { this.hidden.value = this.minor.value || this.major.value; this.onChange(this.hidden.value); }

    majorName() {
      const row = this.table.find((r) => r.code === this.major.value);
      return row ? row.name : "";
    }

    set(code) {
      this.major.value = code ? code.slice(0, 2) : "";
      this.fillMinor();
      if (code && code.length === 4) { this.minor.value = code; }
      this.changed();
    }
  }

  window.LandSelectors = { RegionSelect, LandUseSelect, prefixOf, landUseLabel };
})();
