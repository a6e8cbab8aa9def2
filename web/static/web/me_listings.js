// Personal centre: what I publish — my supply (我的供给), my pre-announcements (我的预公告), my demand (我的需求).
// Each row shows exactly the actions the API's `actions` list gives for its state.
(function () {
  "use strict";
  const M = window.LandMe;
  const t = M.t;
  const { request, el, time } = window.LandApi;

  // A delete after a confirm, then the list again; errors in the panel's filter form.
  async function confirmed(message, list, work) {
    if (!window.confirm(message)) { return; }
    try { await work(); await list.reload(); } catch (error) { M.fail(list.form, error); }
  }

  function createdBy(item) {
    return item.created_by_phone || (item.created_by === null || item.created_by === undefined ? "—" : `#${item.created_by}`);
  }

  function line(label, value) {
    return el("span", { class: "me-field" }, `${label}: `, value === null || value === undefined || value === "" ? "—" : value);
  }

  function reasonLine(reason) {
    return reason ? el("div", { class: "me-reason", dataset: { field: "reason" } }, `${t.reason}: `, reason) : null;
  }

  // ------------------------------------------------------------------------------------------- my supply

  function ownerAppointment(item) {
    return el("tr", { dataset: { id: item.id } }, el("td", {}, item.name), el("td", {}, item.phone), el("td", {}, time(item.visit_at)),
      el("td", {}, M.statusTag(item.status, item.status === "viewed" ? t.viewed : t.upcoming)));
  }

  function ownerQuote(item) {
    return el("tr", { dataset: { id: item.id } }, el("td", {}, item.quoter), el("td", {}, item.quoter_phone),
      el("td", {}, M.price(item.amount_wan, 4)), el("td", {}, time(item.created_at)));
  }

  const DETAILS = {
    appointments: { title: () => t.appointmentsTitle, empty: () => t.noAppointments, head: () => [t.name, t.phone, t.time, t.status_], render: ownerAppointment },
    quotes: { title: () => t.quotesTitle, empty: () => t.noQuotes, head: () => [t.quoter, t.phone, t.amount, t.quotedAt], render: ownerQuote },
  };

  // Opens (or closes) a row under the listing with its appointments or quotes, paged.
  function toggleDetail(row, listingId, kind, toggle) {
    const open = row.parentNode.querySelector(`tr.me-detail[data-for="${listingId}"][data-kind="${kind}"]`);
    if (open) { open.remove(); toggle.setAttribute("aria-expanded", "false"); return; }
    const spec = DETAILS[kind];
    const rows = el("tbody");
    const empty = el("p", { class: "muted me-empty", hidden: true }, spec.empty());
    const pager = el("nav", { class: "me-pager" });
    const errors = el("div", {}, el("p", { class: "form-error", role: "alert", hidden: true }));
    const detail = el("tr", { class: "me-detail", dataset: { for: listingId, kind } },
      el("td", { colspan: "5" }, el("h4", {}, spec.title()), errors,
        el("table", { class: "data me-subtable" }, el("thead", {}, el("tr", {}, spec.head().map((h) => el("th", {}, h)))), rows),
        empty, pager));
    let after = row;
    while (after.nextElementSibling && after.nextElementSibling.dataset.for === String(listingId)) { after = after.nextElementSibling; }
    after.after(detail);
    toggle.setAttribute("aria-expanded", "true");
    new M.PagedList({ rows, empty, pager, form: errors, url: () => [`/api/market/supply/${listingId}/${kind}/`, {}], render: spec.render }).load(1);
  }

  function supplyActions(item, row, list) {
    const id = item.id;
    const make = {
      edit: () => M.linkButton(`/supply/${id}/edit/`, t.actions.edit, "edit"),
      view: () => M.linkButton(`/supply/${id}/`, t.actions.view, "view"),
      change: () => M.linkButton(`/supply/${id}/edit/?change=1`, t.actions.change, "change"),
      delete: () => M.button(t.actions.delete, "delete", () => confirmed(t.confirmDelete, list, () => request("DELETE", `/api/market/supply/${id}/`)), "danger"),
      delist: () => M.button(t.actions.delist, "delist", (event) => M.reasonForm(event.target.closest("td"), {
        required: false,
        submit: async (reason) => { await request("POST", `/api/market/supply/${id}/delist/`, { reason }); await list.reload(); },
      })),
      appointments: () => { const b = M.button(t.actions.appointments, "appointments", () => toggleDetail(row, id, "appointments", b)); b.setAttribute("aria-expanded", "false"); return b; },
      quotes: () => { const b = M.button(t.actions.quotes, "quotes", () => toggleDetail(row, id, "quotes", b)); b.setAttribute("aria-expanded", "false"); return b; },
    };
    const shown = (item.actions || []).filter((action) => make[action]).map((action) => make[action]());
    // 委托交易: a published listing can be entrusted to a trading centre (web/static/web/entrustment_form.js).
    if (item.status === "published") { shown.push(M.linkButton(`/entrustments/new/?listing=${id}`, t.actions.entrust, "entrust")); }
    return shown;
  }

  function supplyRow(list) {
    return (item) => {
      const row = el("tr", { dataset: { id: item.id, status: item.status } });
      const actions = el("td", { class: "me-actions" });
      row.append(
        el("td", {},
          el("div", { class: "me-title", dataset: { field: "title" } }, item.title || "—"),
          el("div", { class: "muted me-meta" }, line(t.createdBy, createdBy(item)), " ", el("span", {}, time(item.created_at))),
          el("div", { class: "muted me-meta" }, line(t.region, item.region_name), " ", line(t.area, item.area_m2 === null ? null : window.LandFormat.area(item.area_m2))),
          reasonLine(item.reason)),
        el("td", {}, M.price(item.price_wan)),
        el("td", {}, t.modes[item.mode] || item.mode),
        el("td", {}, M.statusTag(item.status)),
        actions);
      actions.append(...supplyActions(item, row, list));
      return row;
    };
  }

  M.register("supply", {
    init(panel) {
      let group;
      const list = M.panelList(panel, (filters) => ["/api/market/my/supply/", { ...filters, group: group.value }], (item) => render(item));
      const render = supplyRow(list);
      group = M.groupTabs(panel.querySelector(".tabs"), () => list.load(1));
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });

  // ----------------------------------------------------------------------------------- my pre-announcements

  function preAnnouncementActions(item, list) {
    const id = item.id;
    const base = `/api/market/pre-announcements/${id}/`;
    const make = {
      view: () => M.linkButton(`/pre-announcements/${id}/`, t.actions.view, "view"),
      edit: () => M.linkButton(`/pre-announcements/${id}/edit/`, t.actions.edit, "edit"),
      publish: () => M.button(t.actions.publish, "publish", () => confirmed(t.confirmPublish, list, () => request("POST", `${base}publish/`)), "primary"),
      delete: () => M.button(t.actions.delete, "delete", () => confirmed(t.confirmDelete, list, () => request("DELETE", base)), "danger"),
      delist: () => M.button(t.actions.delist, "delist", (event) => M.reasonForm(event.target.closest("td"), {
        required: true,
        submit: async (reason) => { await request("POST", `${base}delist/`, { reason }); await list.reload(); },
      })),
      change: () => M.linkButton(`/pre-announcements/${id}/edit/?change=1`, t.actions.change, "change"),
    };
    return (item.actions || []).filter((action) => make[action]).map((action) => make[action]());
  }

  M.register("pre-announcements", {
    init(panel) {
      const list = M.panelList(panel, (filters) => ["/api/market/my/pre-announcements/", filters], (item) => el("tr", { dataset: { id: item.id, status: item.status } },
        el("td", {},
          el("div", { class: "me-title", dataset: { field: "title" } }, item.title || "—"),
          el("div", { class: "muted me-meta" }, line(t.contract, item.contract_number), " ", line(t.region, item.region ? item.region.name : null)),
          el("div", { class: "muted me-meta" }, item.address || ""),
          reasonLine(item.reason)),
        el("td", {}, item.area_m2 === null ? "—" : M.number(item.area_m2)),
        el("td", {}, time(item.published_at), item.expires_at ? el("div", { class: "muted" }, `${t.expires}: ${time(item.expires_at)}`) : null),
        el("td", {}, M.statusTag(item.status)),
        el("td", { class: "me-actions" }, preAnnouncementActions(item, list))));
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });

  // ------------------------------------------------------------------------------------------- my demand

  function demandActions(item, list) {
    const id = item.id;
    const make = {
      view: () => M.linkButton(`/demand/${id}/`, t.actions.view, "view"),
      edit: () => M.linkButton(`/demand/${id}/edit/`, t.actions.edit, "edit"),
      change: () => M.linkButton(`/demand/${id}/edit/?change=1`, t.actions.change, "change"),
      delete: () => M.button(t.actions.delete, "delete", () => confirmed(t.confirmDelete, list, () => request("DELETE", `/api/market/demand/${id}/`)), "danger"),
      delist: () => M.button(t.actions.delist, "delist", (event) => M.reasonForm(event.target.closest("td"), {
        required: false,
        submit: async (reason) => { await request("POST", `/api/market/demand/${id}/delist/`, { reason }); await list.reload(); },
      })),
    };
    return (item.actions || []).filter((action) => make[action]).map((action) => make[action]());
  }

  M.register("demand", {
    init(panel) {
      let group;
      const list = M.panelList(panel, (filters) => ["/api/market/my/demand/", { ...filters, group: group.value }], (item) => el("tr", { dataset: { id: item.id, status: item.status } },
        el("td", {},
          el("div", { class: "me-title", dataset: { field: "title" } }, item.title || "—"),
          el("div", { class: "muted me-meta" }, t.demandKinds[item.kind] || item.kind, " · ", item.region ? item.region.name : "—", item.land_use_name ? ` · ${item.land_use_name}` : ""),
          el("div", { class: "muted me-meta" }, time(item.registered_at || item.created_at)),
          reasonLine(item.reason)),
        el("td", {}, M.range(item.area_min_m2, item.area_max_m2)),
        el("td", {}, M.range(item.price_min_wan, item.price_max_wan)),
        el("td", {}, M.statusTag(item.status)),
        el("td", { class: "me-actions" }, demandActions(item, list))));
      group = M.groupTabs(panel.querySelector(".tabs"), () => list.load(1));
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });
})();
