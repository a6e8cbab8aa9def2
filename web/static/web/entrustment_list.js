// 我的委托交易 in the personal centre: my entrustments (/api/auctions/entrustments/) searched by title, submission
// dates, mode and region; each with its centre, status, the centre's reason on rejection, the performance bond and how
// to pay it once accepted, its lot once registered (and, once announced, its sealed reserve price entered), and the
// actions its state allows (edit, submit, withdraw).
(function () {
  "use strict";
  const M = window.LandMe;
  const t = window.ENTRUSTMENT_LIST_I18N;
  const { request, el, time, ApiError } = window.LandApi;

  function actions(item, list, cell) {
    const id = item.id;
    const act = (path, question) => async () => {
      if (!window.confirm(question)) { return; }
      try { await request("POST", `/api/auctions/entrustments/${id}/${path}/`); await list.reload(); } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        const form = cell.closest("section").querySelector(".me-filters");
        M.fail(form, error);
      }
    };
    const out = [];
    if (["draft", "rejected"].includes(item.status)) {
      out.push(M.linkButton(`/entrustments/${id}/edit/`, t.edit, "edit"));
      out.push(M.button(t.submit, "submit", act("submit", t.confirmSubmit), "primary"));
    }
    if (!["draft", "rejected"].includes(item.status)) { out.push(M.linkButton(`/entrustments/${id}/edit/`, M.t.actions.view, "view")); }
    if (["draft", "submitted"].includes(item.status)) { out.push(M.button(t.withdraw, "withdraw", act("withdraw", t.confirmWithdraw), "danger")); }
    return out;
  }

  function row(list) {
    return (item) => {
      const cell = el("td", { class: "me-actions" });
      const details = [];
      if (item.submitted_at) { details.push(el("div", { class: "muted me-meta" }, `${t.submittedAt}: ${time(item.submitted_at)}`)); }
      if (item.status === "rejected" && item.reason) { details.push(el("div", { class: "me-reason", dataset: { field: "reason" } }, `${t.reason}: ${item.reason}`)); }
      if (item.status === "accepted" && item.bond_yuan !== null) {
        details.push(el("div", { class: "me-bond", dataset: { field: "bond" } }, `${t.bond}: ${window.LandFormat.grouped(item.bond_yuan, 2)} ${t.yuan}`));
        if (item.bond_payment_details) { details.push(el("div", { class: "muted me-meta" }, `${t.payment}: ${item.bond_payment_details}`)); }
      }
      if (item.lot && item.lot.number) {
        details.push(el("div", { dataset: { field: "lot" } }, `${t.lot}: `, el("a", { href: `/lots/${item.lot.id}/` }, item.lot.number)));
      }
      if (item.lot && item.lot.status === "announced") {  // 底价录入 (web/static/web/reserve_form.js): the server keeps the deadline
        details.push(el("details", { class: "reserve-details" }, el("summary", {}, window.RESERVE_I18N.heading), window.LandReserve.form({ id: item.lot.id, reserve_sealed_at: item.lot.reserve_sealed_at })));
      }
      const area = item.area_m2 === null ? null : window.LandFormat.area(item.area_m2);
      const tr = el("tr", { dataset: { id: item.id, status: item.status } },
        el("td", {}, el("div", { class: "me-title", dataset: { field: "title" } }, item.title || "—"),
          area ? el("div", { class: "muted me-meta" }, `${t.area}: ${area}`) : null, ...details),
        el("td", {}, item.centre ? item.centre.name : "—"),
        el("td", {}, M.t.modes[item.mode] || item.mode),
        el("td", {}, M.statusTag(item.status, item.status_name)),
        cell);
      cell.append(...actions(item, list, cell));
      return tr;
    };
  }

  M.register("entrustments", {
    init(panel) {
      const form = panel.querySelector(".me-filters");
      new window.LandSelectors.RegionSelect(form.querySelector(".region-select"));
      const list = M.panelList(panel, (filters) => ["/api/auctions/entrustments/", filters], null);
      list.render = row(list);
      list.onError = (error) => {
        if (error instanceof ApiError && error.status === 403) { form.querySelector(".form-error").hidden = false; form.querySelector(".form-error").textContent = error.message; return true; }
        return false;
      };
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });
})();
