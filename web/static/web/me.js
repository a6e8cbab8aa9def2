// The personal centre (个人中心): tabs that switch without reloading and keep ?section= in the address, and the
// helpers its sections share (paged lists, group tabs, inline reason forms, money and status labels). The sections
// themselves are in me_listings.js, me_activity.js and me_settings.js, which register here.
(function () {
  "use strict";
  const t = window.ME_I18N;
  const { request, values, showError, clearErrors, el, ApiError } = window.LandApi;
  const root = document.getElementById("me");
  const PAGE_SIZE = 10;
  const sections = {};
  const started = new Set();

  // ------------------------------------------------------------------------------------------------ helpers

  function fail(form, error) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(form, error);
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined || value === null || value === "" || value === false) { continue; }
      search.set(key, value === true ? "true" : String(value));
    }
    return search.toString();
  }

  // "12000.5000" → "12,000.5"; null stays null.
  function number(value) {
    return value === null || value === undefined || value === "" ? null : window.LandFormat.grouped(value, 4);
  }

  // An amount in 万元 under a column header that names the unit (金额（万元）): "2,468.5"; quotes pass places 4 (to the yuan).
  function price(wan, places) {
    const value = number(wan);
    return value === null ? el("span", { class: "muted" }, t.negotiable) : el("span", { class: "price" }, window.LandFormat.wanNumber(wan, { places }));
  }

  function range(low, high, unit) {
    const a = number(low), b = number(high);
    const suffix = unit ? ` ${unit}` : "";
    if (a === null && b === null) { return "—"; }
    if (a === null) { return `≤ ${b}${suffix}`; }
    if (b === null) { return `≥ ${a}${suffix}`; }
    return `${a}–${b}${suffix}`;
  }

  function statusTag(status, label) {
    return el("span", { class: "me-status", dataset: { status: status || "" } }, label || t.status[status] || status || "—");
  }

  // A path inside this site (never another origin or a javascript: URL), else null.
  function sitePath(link) {
    return typeof link === "string" && /^\/(?!\/)/.test(link) ? link : null;
  }

  function linkButton(href, label, action) {
    return el("a", { class: "me-button small", href, dataset: { action } }, label);
  }

  function button(label, action, onclick, kind) {
    return el("button", { type: "button", class: `small ${kind || "secondary"}`, dataset: { action }, onclick }, label);
  }

  // An inline form asking for a reason (下架原因) in place of `cell`'s content; `submit(reason)` does the work and
  // its errors are shown in the form. Cancel puts the content back.
  function reasonForm(cell, { required, submit }) {
    const saved = Array.from(cell.childNodes);
    const form = el("form", { class: "me-reason-form stack-form", novalidate: true },
      el("p", { class: "form-error", role: "alert", hidden: true }),
      el("label", {}, required ? t.delistReason : t.delistReasonOptional,
        el("textarea", { name: "reason", rows: "2", maxlength: "500", required: required || null })),
      el("span", { class: "me-actions" },
        el("button", { type: "submit", class: "small danger", dataset: { action: "confirm-delist" } }, t.confirmDelist),
        el("button", { type: "button", class: "small secondary", dataset: { action: "cancel" }, onclick: () => cell.replaceChildren(...saved) }, t.cancel)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const submitButton = form.querySelector("button[type=submit]");
      submitButton.disabled = true;
      try { await submit(form.elements.reason.value.trim()); } catch (error) { fail(form, error); } finally { submitButton.disabled = false; }
    });
    cell.replaceChildren(form);
    form.elements.reason.focus();
    return form;
  }

  // Sub-tabs inside a panel (未发布/已发布, business/system …): the selected one's data-group.
  function groupTabs(container, onChange) {
    const tabs = Array.from(container.querySelectorAll("[data-group]"));
    const state = { value: (tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0]).dataset.group };
    for (const tab of tabs) {
      tab.addEventListener("click", () => {
        state.value = tab.dataset.group;
        tabs.forEach((other) => other.setAttribute("aria-selected", String(other === tab)));
        onChange(state.value);
      });
    }
    return state;
  }

  // A paged list of the API (…?page=N&page_size=10): rows into `rows`, the empty note, the pager, errors in `form`.
  class PagedList {
    constructor({ rows, empty, pager, form, url, render, onError }) {
      Object.assign(this, { rows, empty, pager, form, url, render, onError });
      this.page = 1;
      this.count = 0;
      this.latest = 0;
    }

    async load(page) {
      this.page = page || 1;
      const params = this.url();
      if (params === null) { return; }
      const [path, filters] = params;
      // Only the latest load fills the list: an earlier one answered later (another tab or page asked in between)
      // would show rows of what is no longer selected.
      const ticket = ++this.latest;
      let data;
      try {
        data = await request("GET", `${path}?${query({ ...filters, page: this.page, page_size: PAGE_SIZE })}`);
      } catch (error) {
        if (ticket !== this.latest) { return; }
        if (this.page > 1 && error instanceof ApiError && error.status === 404) { return this.load(this.page - 1); }
        this.rows.replaceChildren();
        this.pager.replaceChildren();
        if (this.onError && this.onError(error)) { return; }
        if (this.empty) { this.empty.hidden = true; }
        fail(this.form, error);
        return;
      }
      if (ticket !== this.latest) { return; }
      if (this.form) { clearErrors(this.form); }
      const items = data.results || [];
      if (!items.length && this.page > 1) { return this.load(this.page - 1); }
      this.count = data.count || 0;
      this.rows.replaceChildren(...items.flatMap((item) => { const node = this.render(item); return Array.isArray(node) ? node : [node]; }));
      if (this.empty) { this.empty.hidden = items.length > 0; }
      this.showPager();
    }

    reload() { return this.load(this.page); }

    showPager() {
      const pages = Math.max(1, Math.ceil(this.count / PAGE_SIZE));
      if (pages <= 1) { this.pager.replaceChildren(); return; }
      this.pager.replaceChildren(
        el("button", { type: "button", class: "secondary small", dataset: { page: "previous" }, disabled: this.page <= 1, onclick: () => this.load(this.page - 1) }, t.previous),
        el("span", { class: "me-page", "aria-live": "polite" }, `${t.page} ${this.page} / ${pages}`),
        el("button", { type: "button", class: "secondary small", dataset: { page: "next" }, disabled: this.page >= pages, onclick: () => this.load(this.page + 1) }, t.next));
    }
  }

  // The usual panel: a filter form, a table body (or list), the empty note and the pager.
  function panelList(panel, url, render, options) {
    const form = panel.querySelector(".me-filters");
    const list = new PagedList({
      rows: panel.querySelector(".me-rows"), empty: panel.querySelector(".me-empty"), pager: panel.querySelector(".me-pager"),
      form, url: () => url(form ? values(form) : {}), render, ...(options || {}),
    });
    if (form) {
      form.addEventListener("submit", (event) => { event.preventDefault(); list.load(1); });
      form.addEventListener("change", (event) => { if (event.target.tagName === "SELECT" || event.target.type === "checkbox") { list.load(1); } });
    }
    return list;
  }

  // ------------------------------------------------------------------------------------------------ tabs

  const menu = root.querySelector(".me-menu");
  const menuTabs = Array.from(menu.querySelectorAll("[data-section]"));

  function known(name) { return menuTabs.some((tab) => tab.dataset.section === name); }

  function activate(name, push) {
    if (!known(name)) { name = "supply"; }
    root.dataset.section = name;
    for (const tab of menuTabs) {
      const selected = tab.dataset.section === name;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    root.querySelectorAll(".me-panels > [role=tabpanel]").forEach((panel) => { panel.hidden = panel.dataset.section !== name; });
    const url = new URL(window.location.href);
    if (url.searchParams.get("section") !== name || url.searchParams.has("email_token")) {
      url.searchParams.set("section", name);
      url.searchParams.delete("email_token");
      history[push ? "pushState" : "replaceState"]({ section: name }, "", url.pathname + url.search + url.hash);
    }
    const section = sections[name];
    if (!section) { return; }
    const panel = document.getElementById(`panel-${name}`);
    if (!started.has(name)) { started.add(name); section.init(panel); } else if (section.show) { section.show(panel); }
  }

  menu.addEventListener("click", (event) => {
    const tab = event.target.closest("[data-section]");
    if (!tab || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    activate(tab.dataset.section, true);
  });
  menu.addEventListener("keydown", (event) => {
    const keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
    if (!(event.key in keys)) { return; }
    const index = menuTabs.findIndex((tab) => tab.dataset.section === root.dataset.section);
    const next = menuTabs[(index + keys[event.key] + menuTabs.length) % menuTabs.length];
    event.preventDefault();
    activate(next.dataset.section, true);
    next.focus();
  });
  window.addEventListener("popstate", () => activate(new URLSearchParams(window.location.search).get("section") || "supply", false));

  function register(name, section) { sections[name] = section; }

  document.addEventListener("DOMContentLoaded", async () => {
    const params = new URLSearchParams(window.location.search);
    const first = params.has("email_token") ? "settings" : params.get("section") || root.dataset.section || "supply";
    if (params.has("email_token") && sections.settings && sections.settings.emailToken) {
      // Confirmed before the panel loads the account, so the account shows the confirmed address.
      await sections.settings.emailToken(params.get("email_token"));
    }
    activate(first, false);
    if (window.LandMe.startup) { window.LandMe.startup.forEach((fn) => fn()); }
  });

  window.LandMe = {
    t, register, activate, fail, query, number, price, range, statusTag, sitePath, linkButton, button, reasonForm,
    groupTabs, PagedList, panelList, PAGE_SIZE, startup: [],
    userId: Number(root.dataset.userId), userPhone: root.dataset.userPhone,
  };
})();
