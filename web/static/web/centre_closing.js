// The centre console's 交易与结果 section of an announced or terminated lot (web/static/web/centre.js opens the lot
// and announces it with the "centre:lot-opened" event): the trading phase and the result; suspend (with the
// supplementary announcement) or resume; record a semi-process lot's on-site result after its trading time; revoke a
// deal. Small forms posting to the API (auctions/api/closing.py); its refusals are shown next to the fields they name.
(function () {
  "use strict";
  const t = window.CLOSING_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError, number } = window.LandApi;

  function form(action, label, fields, work, { kind = "primary", hint, confirm } = {}) {
    const node = el("form", { class: "stack-form console-form", novalidate: true, dataset: { form: action } },
      el("h4", {}, label), hint ? el("p", { class: "hint" }, hint) : null,
      el("p", { class: "form-error", role: "alert", hidden: true }), ...fields,
      el("button", { type: "submit", class: kind }, label));
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(node);
      if (confirm && !window.confirm(confirm)) { return; }
      const button = node.querySelector("button[type=submit]");
      button.disabled = true;
      try { await work(node); } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(node, error);
      } finally { button.disabled = false; }
    });
    return node;
  }

  const text = (name, label, attrs = {}) => el("label", {}, label, el("input", { name, ...attrs }));
  const area = (name, label, max) => el("label", {}, label, el("textarea", { name, rows: "2", maxlength: String(max) }));
  const file = (name, label, accept) => el("label", {}, label, el("input", { type: "file", name, accept }));

  function resultList(result) {
    if (!result) { return el("p", { class: "muted", dataset: { result: "none" } }, t.noResult); }
    const pairs = [[t.outcome, t[result.outcome] || result.outcome], [t.source, t[result.source] || result.source],
      [t.winner, result.winner], [t.price, result.price_wan === null ? null : number(result.price_wan)], [t.reason, result.reason]];
    if (result.revoked_at) { pairs.push([t.revoked, `${time(result.revoked_at)} ${result.revoked_reason}`]); }
    return el("dl", { class: "console-fields", dataset: { result: result.outcome, revoked: String(Boolean(result.revoked_at)) } },
      ...pairs.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value))]));
  }

  async function show(lot, box, reopen) {
    const base = `/api/auctions/work/lots/${lot.id}`;
    let state;
    try { state = await request("GET", `${base}/result/`); } catch (error) { if (error instanceof ApiError) { return; } throw error; }
    const section = el("section", { class: "closing", dataset: { closing: lot.id, phase: state.phase } },
      el("h3", {}, t.heading),
      el("dl", { class: "console-fields" }, el("dt", {}, t.phase), el("dd", { dataset: { field: "phase" } }, t.phases[state.phase] || state.phase),
        el("dt", {}, t.tradingTime), el("dd", {}, time(state.trading_time))),
      state.suspended_reason ? el("p", { class: "notice", role: "status" }, `${t.suspendedBecause} ${state.suspended_reason}`) : null,
      el("h4", {}, t.result), resultList(state.result));
    const parts = [];
    if (lot.status === "announced" && state.phase === "suspended") {
      parts.push(form("resume", t.resume, [], async () => { await request("POST", `${base}/resume/`); await reopen(); }, { kind: "secondary" }));
    } else if (lot.status === "announced" && !["closed", "ended"].includes(state.phase)) {
      parts.push(form("suspend", t.suspend, [area("reason", `* ${t.reason}`, 500), text("announcement_title", t.announcementTitle, { maxlength: "200" }),
        area("announcement_body", t.announcementBody, 50000)], async (node) => {
        await request("POST", `${base}/suspension/`, values(node));
        await reopen();
      }, { kind: "secondary", hint: t.announcementHint }));
    }
    if (state.recordable) {
      const outcome = el("label", {}, `* ${t.outcome}`, el("select", { name: "outcome" },
        el("option", { value: "deal" }, t.deal), el("option", { value: "failed" }, t.failed)));
      parts.push(form("record", t.record, [outcome, text("bidder_number", t.bidderNumber, { maxlength: "8", inputmode: "numeric" }),
        text("price_wan", t.price, { inputmode: "decimal" }), file("confirmation", t.confirmation, ".pdf,.jpg,.jpeg,.png"), area("reason", t.reason, 500)],
      async (node) => { await request("POST", `${base}/result/`, new FormData(node)); await reopen(); }, { hint: t.recordHint }));
    }
    if (state.result && state.result.outcome === "deal" && !state.result.revoked_at) {
      parts.push(form("revoke", t.revoke, [area("reason", `* ${t.reason}`, 500), file("document", `* ${t.decision}`, ".pdf")],
        async (node) => { await request("POST", `${base}/result/revoke/`, new FormData(node)); await reopen(); },
        { kind: "danger", hint: t.revokeHint, confirm: t.confirmRevoke }));
    }
    section.append(...parts);
    box.querySelectorAll("section.closing").forEach((old) => old.remove());
    box.append(section);
  }

  document.addEventListener("centre:lot-opened", (event) => {
    const { lot, box, reopen } = event.detail;
    if (["announced", "terminated"].includes(lot.status)) { show(lot, box, reopen); }
  });
})();
