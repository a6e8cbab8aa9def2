// 我的竞买 in the personal centre: my applications (/api/auctions/applications/) with their status, the deposit
// account, each arrival (counted or flagged), the counted total against the requirement, the qualification with its
// bidder number and the 竞买资格确认书 PDF, and the 成交确认书 PDF once the bidder won.
(function () {
  "use strict";
  const M = window.LandMe;
  const t = window.BIDDING_ME_I18N;
  const { el, time } = window.LandApi;
  const yuan = (value) => `${window.LandFormat.grouped(value, 2)} ${t.yuan}`;

  // After the trade (or at once for a flagged arrival): its refund or its conversion into the price, and where it stands.
  function movement(a) {
    const m = a.movement;
    if (!m) { return ""; }
    return el("span", { class: "bid-movement", dataset: { field: "movement", kind: m.kind, status: m.status } },
      ` · ${t.movementKind[m.kind]}: ${t.movementStatus[m.status]}`);
  }

  function arrivals(item) {
    if (!item.arrivals.length) { return null; }
    return el("ul", { class: "bid-arrivals", dataset: { field: "arrivals" } }, item.arrivals.map((a) => el("li", { dataset: { counted: String(a.counted) } },
      `${time(a.arrived_at)} ${yuan(a.amount_yuan)}`, a.counted ? "" : ` · ${t.notCounted}: ${t.flags[a.flag] || a.flag}`, movement(a))));
  }

  function row(item) {
    const q = item.qualification;
    return el("tr", { dataset: { id: item.id, status: item.status } },
      el("td", {}, el("a", { href: `/lots/${item.lot.id}/` }, item.lot.number), el("div", { class: "muted me-meta" }, item.lot.title),
        item.status === "rejected" && item.reason ? el("div", { class: "me-reason", dataset: { field: "reason" } }, `${t.reason}: ${item.reason}`) : null),
      el("td", {}, el("div", { class: "bid-number", dataset: { field: "account" } }, item.account_number || "—"),
        el("div", { class: "muted me-meta" }, `${t.bank}: ${item.bank ? item.bank.name : "—"}`),
        el("div", { class: "muted me-meta" }, `${t.deadline}: ${time(item.lot.deposit_deadline)}`)),
      el("td", {}, el("div", { dataset: { field: "counted" } }, `${t.counted}: ${yuan(item.counted_yuan)}`),
        el("div", { class: "muted me-meta" }, `${t.required}: ${yuan(item.required_yuan)}`), arrivals(item)),
      el("td", {}, M.statusTag(item.status, t.status[item.status])),
      el("td", { dataset: { field: "qualification" } }, q
        ? [el("div", {}, `${t.bidderNumber}: `, el("span", { class: "bid-number", dataset: { field: "bidder-number" } }, q.bidder_number)),
          el("a", { class: "me-button small", href: `/api/auctions/applications/${item.id}/qualification.pdf`, download: "", dataset: { action: "certificate" } }, t.certificate),
          q.confirmation ? el("a", { class: "me-button small", href: q.confirmation, download: "", dataset: { action: "confirmation" } }, t.confirmation) : null]
        : el("span", { class: "muted" }, t.notYet)));
  }

  M.register("bids", {
    init(panel) {
      this.list = M.panelList(panel, () => ["/api/auctions/applications/", {}], row);
      this.list.load(1);
    },
    show() { this.list.reload(); },
  });
})();
