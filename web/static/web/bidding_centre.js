// 竞买申请 in the centre console: an announced lot's applications (/api/auctions/centre/lots/<id>/applications/)
// with their documents and deposits; approve, reject with a reason, qualify by hand on the bank's proof. The lot's
// counted deposits and qualified bidders are summed above the table. Every refusal is shown with its reason.
(function () {
  "use strict";
  const t = window.BIDDING_CENTRE_I18N;
  const { request, showError, el, time, ApiError } = window.LandApi;
  const panel = document.getElementById("tab-bids");
  const tab = document.querySelector('#console-tabs [data-tab="bids"]');
  if (!panel || !tab) { return; }
  const form = document.getElementById("bids-lot-form");
  const select = form.querySelector("select[name=lot]");
  const rows = panel.querySelector(".console-rows");
  const totals = document.getElementById("bids-totals");
  const yuan = (value) => `${window.LandFormat.grouped(value, 2)} ${t.yuan}`;

  async function loadLots() {
    const data = await request("GET", "/api/auctions/centre/lots/?status=announced");
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...data.results.map((lot) => el("option", { value: lot.id }, `${lot.number} ${lot.title}`)));
    select.value = chosen;
  }

  async function act(box, path, body) {
    try {
      await request("POST", `/api/auctions/applications/${path}`, body);
      await loadApplications();
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      showError(box, error);
    }
  }

  function actions(item) {
    const box = el("div", { class: "stack-form" }, el("p", { class: "form-error", role: "alert", hidden: true }));
    if (item.status === "submitted") {
      const reason = el("input", { name: "reason", maxlength: "500", "aria-label": t.reason, placeholder: t.reason });
      box.append(
        el("button", { type: "button", class: "small primary", dataset: { action: "approve" }, onclick: () => act(box, `${item.id}/approve/`) }, t.approve),
        reason,
        el("button", { type: "button", class: "small danger", dataset: { action: "reject" }, onclick: () => act(box, `${item.id}/reject/`, { reason: reason.value }) }, t.reject));
    }
    if (item.status === "approved" && !item.qualification) {
      const reason = el("input", { name: "reason", maxlength: "500", "aria-label": t.reason, placeholder: t.reason });
      const proof = el("input", { type: "file", name: "proof", accept: ".pdf,.jpg,.png", "aria-label": t.proof });
      box.append(reason, proof, el("button", { type: "button", class: "small", dataset: { action: "qualify" }, onclick: () => {
        const data = new FormData();
        data.append("reason", reason.value);
        if (proof.files[0]) { data.append("proof", proof.files[0]); }
        act(box, `${item.id}/qualify/`, data);
      } }, t.qualify));
    }
    if (item.qualification) {
      box.append(el("div", {}, `${t.bidderNumber}: `, el("strong", { dataset: { field: "bidder-number" } }, item.qualification.bidder_number)),
        el("a", { href: `/api/auctions/applications/${item.id}/qualification.pdf` }, t.certificate));
    }
    return box;
  }

  function row(item) {
    return el("tr", { dataset: { id: item.id, status: item.status } },
      el("td", {}, el("div", {}, item.applicant), el("div", { class: "muted" }, `${t.contact}: ${item.contact_name} ${item.contact_phone}`),
        item.joint ? el("div", { class: "muted" }, `${t.joint}: ${item.partners.map((p) => p.name).join("、")}`) : null,
        el("div", { class: "muted" }, time(item.submitted_at))),
      el("td", {}, item.documents.length ? el("ul", {}, item.documents.map((d) => el("li", {}, `${d.title} (${d.original_name})`))) : t.noDocuments),
      el("td", {}, el("div", { dataset: { field: "counted" } }, `${t.counted}: ${yuan(item.counted_yuan)} / ${yuan(item.required_yuan)}`),
        el("div", { class: "muted" }, `${t.account}: ${item.account_number || "—"}`),
        el("ul", {}, item.arrivals.map((a) => el("li", {}, `${time(a.arrived_at)} ${yuan(a.amount_yuan)}${a.counted ? "" : ` · ${t.notCounted} (${a.flag})`}`)))),
      el("td", {}, t.status[item.status] || item.status, item.reason ? el("div", { class: "muted" }, item.reason) : null),
      el("td", {}, actions(item)));
  }

  async function loadApplications() {
    if (!select.value) { rows.replaceChildren(); totals.hidden = true; return; }
    const data = await request("GET", `/api/auctions/centre/lots/${select.value}/applications/?page_size=100`);
    rows.replaceChildren(...data.results.map(row));
    panel.querySelector(".console-empty").hidden = data.results.length > 0;
    const counted = data.results.reduce((sum, item) => sum + Number(item.counted_yuan), 0);
    const qualified = data.results.filter((item) => item.qualification).length;
    totals.hidden = false;
    totals.textContent = `${t.applications}: ${data.count} · ${t.counted}: ${yuan(counted.toFixed(2))} · ${t.qualified}: ${qualified}`;
  }

  select.addEventListener("change", () => loadApplications().catch((error) => { if (!(error instanceof ApiError)) { throw error; } showError(form, error); }));
  tab.addEventListener("click", () => loadLots().catch((error) => { if (!(error instanceof ApiError)) { throw error; } showError(form, error); }));
})();
