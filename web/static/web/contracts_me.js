// 我的合同 in the personal centre: my contracts as party A or party B (/api/contracts/), drafting and submitted, with
// the step each is at (of the seed's five), what it waits for and from whom, its coding number, and links to the
// contract's page and its PDF (下载合同).
(function () {
  "use strict";
  const M = window.LandMe;
  const t = window.CONTRACTS_ME_I18N;
  const { el } = window.LandApi;

  function waiting(c) {
    const w = c.waiting_for;
    if (!w || !w.party || w.party === "none") { return null; }
    const text = w.party === c.role ? t.yourTurn : t.waitingFor.replace("{party}", t.parties[w.party] || w.party);
    return el("div", { class: "muted me-meta", dataset: { field: "waiting", party: w.party } }, text);
  }

  function row(c) {
    const mine = c.may && c.may.edit;
    const other = c.role === "b" ? c.a_name : c.b_name;
    return el("tr", { dataset: { id: c.id, status: c.status } },
      el("td", {}, el("a", { href: `/contracts/${c.id}/` }, c.number || t.contract.replace("{id}", c.id)),
        el("div", { class: "muted me-meta" }, t.kinds[c.kind] || c.kind, c.address ? ` · ${c.address}` : "")),
      el("td", {}, other || "—"),
      el("td", { dataset: { field: "step" } }, `${c.step} ${t.steps[c.step] || ""}`),
      el("td", {}, M.statusTag(c.status, t.status[c.status]), waiting(c)),
      el("td", { class: "me-actions" },
        M.linkButton(`/contracts/${c.id}/`, mine ? t.edit : t.view, mine ? "edit" : "view"),
        el("a", { class: "me-button small secondary", href: `/api/contracts/${c.id}/pdf/`, download: "", dataset: { action: "pdf" } }, t.pdf)));
  }

  M.register("contracts", {
    init(panel) {
      this.list = M.panelList(panel, (filters) => ["/api/contracts/", filters], row);
      this.list.load(1);
    },
    show() { this.list.reload(); },
  });
})();
