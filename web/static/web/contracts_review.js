// The authority's contract review (合同审核): the contracts of the reviewer's regions by status (in review by
// default) with approve (coding) and reject with a reason, and the pending revocation applications with approve and
// reject. The API (/api/contracts/review/, /api/contracts/revocations/) decides which are shown and every decision.
// An approval is signed with the reviewer's certificate when this browser holds its key, and must be when the
// platform requires it (CONTRACTS_SIGNATURE_REQUIRED; web/static/web/signing.js): contract.confirm {contract, action}.
(function () {
  "use strict";
  const t = window.CONTRACT_REVIEW_I18N;
  const { request, showError, clearErrors, el, time, ApiError } = window.LandApi;
  const PAGE_SIZE = 20;

  function notify(panel, text) {
    const notice = panel.querySelector(".notice");
    notice.hidden = !text;
    notice.textContent = text || "";
  }

  // A reason form in place of the actions cell; `submit(reason)` decides, its errors shown in the panel.
  function reasonCell(cell, panel, label, submit) {
    const saved = Array.from(cell.childNodes);
    const form = el("form", { class: "stack-form", novalidate: true },
      el("label", {}, t.reason, el("textarea", { name: "reason", rows: "2", maxlength: "500" })),
      el("span", { class: "contract-buttons" },
        el("button", { type: "submit", class: "small danger", dataset: { action: "confirm-reject" } }, label),
        el("button", { type: "button", class: "small secondary", onclick: () => cell.replaceChildren(...saved) }, t.cancel)));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try { await submit(form.elements.reason.value.trim()); } catch (error) { fail(panel, error); }
    });
    cell.replaceChildren(form);
    form.elements.reason.focus();
  }

  function fail(panel, error) {
    if (!(error instanceof ApiError)) { throw error; }
    error.message = window.LandSigning.refusal(error);
    showError(panel, error);
  }

  // The approval's body: {signed} with a usable certificate, {} without one where none is required, null (nothing
  // to send) where one is required and cannot be made here; the panel's note says which.
  async function approval(contractId) {
    const panel = document.getElementById("queue-contracts");
    const found = await window.LandSigning.find().catch(() => ({ reason: "none" }));
    const required = panel.dataset.signatureRequired === "true";
    if (!window.LandSigning.describe(document.getElementById("review-signing"), found, required)) { return null; }
    const signature = await window.LandSigning.sign("contract.confirm", { contract: contractId, action: "approve" }, found);
    return signature ? { signed: signature.signed } : {};
  }

  // One queue: a paged table filled from `url()`, each item drawn by `render(item, reload)`.
  function queue(panel, url, render) {
    const state = { page: 1 };
    const rows = panel.querySelector("tbody");
    const empty = panel.querySelector("[data-empty]");
    const pager = panel.querySelector(".me-pager");
    async function load(page) {
      state.page = page || 1;
      try {
        const data = await request("GET", `${url()}${url().includes("?") ? "&" : "?"}page=${state.page}&page_size=${PAGE_SIZE}`);
        rows.replaceChildren(...data.results.map((item) => render(item, () => load(state.page))));
        empty.hidden = data.results.length > 0;
        const pages = Math.max(1, Math.ceil(data.count / PAGE_SIZE));
        pager.replaceChildren(...(pages <= 1 ? [] : [
          el("button", { type: "button", class: "secondary small", disabled: state.page <= 1, onclick: () => load(state.page - 1) }, t.previous),
          el("span", {}, `${t.page} ${state.page} / ${pages}`),
          el("button", { type: "button", class: "secondary small", disabled: state.page >= pages, onclick: () => load(state.page + 1) }, t.next)]));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && state.page > 1) { load(state.page - 1); return; }
        fail(panel, error);
      }
    }
    return { load };
  }

  const name = (contract) => contract.number || t.draftNumber.replace("{id}", contract.id);

  // ------------------------------------------------------------------------------------------- contracts

  const contractsPanel = document.getElementById("queue-contracts");
  const filters = document.getElementById("contract-filters");
  const contracts = queue(contractsPanel, () => `/api/contracts/review/?status=${filters.elements.status.value}`, (c, reload) => {
    const cell = el("td", { class: "contract-buttons" });
    cell.append(el("a", { class: "me-button small secondary", href: `/contracts/${c.id}/`, dataset: { action: "open" } }, t.open));
    if (c.status === "in_review") {
      cell.append(
        el("button", { type: "button", class: "small", dataset: { action: "approve" }, onclick: async () => {
          if (!window.confirm(t.confirmApprove)) { return; }
          clearErrors(contractsPanel);
          try {
            const body = await approval(c.id);
            if (body === null) { return; }
            const coded = await request("POST", `/api/contracts/${c.id}/approve/`, body);
            notify(contractsPanel, t.coded.replace("{number}", coded.number || ""));
            reload();
          } catch (error) { fail(contractsPanel, error); }
        } }, t.approve),
        el("button", { type: "button", class: "small secondary", dataset: { action: "reject" }, onclick: () => reasonCell(cell, contractsPanel, t.reject, async (reason) => {
          clearErrors(contractsPanel);
          await request("POST", `/api/contracts/${c.id}/reject/`, { reason });
          notify(contractsPanel, t.rejected);
          reload();
        }) }, t.reject));
    }
    return el("tr", { dataset: { id: c.id, status: c.status } },
      el("td", {}, el("a", { href: `/contracts/${c.id}/` }, name(c)), el("div", { class: "muted" }, t.kinds[c.kind] || c.kind)),
      el("td", {}, el("div", {}, c.a_name || "—"), el("div", {}, c.b_name || "—")),
      el("td", {}, el("div", {}, c.address || "—"), el("div", { class: "muted" }, c.region_name || "")),
      el("td", {}, time(c.updated_at)),
      cell);
  });
  filters.addEventListener("change", () => contracts.load(1));

  // ------------------------------------------------------------------------------------------- revocations

  const revocationsPanel = document.getElementById("queue-revocations");
  const revocations = queue(revocationsPanel, () => "/api/contracts/revocations/", (r, reload) => {
    const contract = { id: r.contract, number: r.number };
    const cell = el("td", { class: "contract-buttons" });
    const decide = (verb, body) => async () => {
      clearErrors(revocationsPanel);
      await request("POST", `/api/contracts/revocations/${r.id}/${verb}/`, body);
      notify(revocationsPanel, verb === "approve" ? t.approved : t.rejected);
      reload();
    };
    cell.append(
      el("button", { type: "button", class: "small", dataset: { action: "approve-revocation" }, onclick: () => decide("approve")().catch((error) => fail(revocationsPanel, error)) }, t.approveRevocation),
      el("button", { type: "button", class: "small secondary", dataset: { action: "reject-revocation" }, onclick: () => reasonCell(cell, revocationsPanel, t.rejectRevocation, (reason) => decide("reject", { reason })()) }, t.rejectRevocation));
    return el("tr", { dataset: { id: r.id, contract: contract.id } },
      el("td", {}, el("a", { href: `/contracts/${contract.id}/` }, name(contract)), el("div", { class: "muted" }, r.address || "")),
      el("td", {}, el("div", {}, r.reason || ""), el("ul", { class: "contract-documents" }, (r.documents || []).map((d) =>
        el("li", {}, el("a", { href: `/api/contracts/revocation-documents/${d.id}/`, download: "" }, d.original_name))))),
      el("td", {}, time(r.created_at)),
      cell);
  });

  // ------------------------------------------------------------------------------------------- tabs

  const tabs = { contracts: [document.getElementById("tab-contracts"), contractsPanel, contracts], revocations: [document.getElementById("tab-revocations"), revocationsPanel, revocations] };
  for (const [key, [tab]] of Object.entries(tabs)) {
    tab.addEventListener("click", () => {
      for (const [other, [otherTab, panel]] of Object.entries(tabs)) {
        otherTab.setAttribute("aria-selected", String(other === key));
        panel.hidden = other !== key;
      }
      tabs[key][2].load(1);
    });
  }
  contracts.load(1);
})();
