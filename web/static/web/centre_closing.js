// The centre console's 交易与结果 section of an announced or terminated lot (web/static/web/centre.js opens the lot
// and announces it with the "centre:lot-opened" event): the trading phase and the result; suspend (with the
// supplementary announcement) or resume; record a semi-process lot's on-site result after its trading time; revoke a
// deal. Small forms posting to the API (auctions/api/closing.py); its refusals are shown next to the fields they name.
// Then the deposits' refunds with their retry, and the evidence chain's verification beside the protocol download.
// A suspension and a recorded result are signed with the staff member's certificate when this browser holds its key,
// and must be where the lot's rules require it (web/static/web/signing.js, docs/signing.md).
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
        error.message = window.LandSigning.refusal(error);
        showError(node, error);
      } finally { button.disabled = false; }
    });
    return node;
  }

  // The signing note of a form (which certificate signs, or why none can) and, where the lot requires a signature
  // that cannot be made here, its submit button disabled.
  function signingNote(found, required) {
    const note = el("p", { class: "muted", dataset: { field: "signing" } });
    const may = window.LandSigning.describe(note, found, required);
    return { note, may };
  }

  // The `signed` block for `action` over `fields`, or null without a usable certificate.
  async function signature(found, action, fields) {
    if (!found.certificate) { return null; }
    const signed = await window.LandSigning.sign(action, fields, found);
    return signed ? signed.signed : null;
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

  // The lot's deposit movements after the trade (auctions/api/refunds.py): each refund or conversion and where it
  // stands at the bank; a failed one may be sent again, after a confirmation.
  function refunds(base) {
    const part = el("div", { class: "closing-refunds", dataset: { part: "refunds" } }, el("h4", {}, t.refunds),
      el("p", { class: "form-error", role: "alert", hidden: true }));
    async function load() {
      let data;
      try { data = await request("GET", `${base}/deposit-movements/?page_size=100`); } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(part, error);
        return;
      }
      part.querySelectorAll("table, p.muted").forEach((old) => old.remove());
      if (!data.results.length) { part.append(el("p", { class: "muted" }, t.noMovements)); return; }
      const head = [t.bidderNumber, t.kind, t.cause, t.amountYuan, t.status, t.bankRef, t.attempts, t.lastError, ""];
      part.append(el("table", { class: "data console-table" }, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
        el("tbody", {}, ...data.results.map((m) => el("tr", { dataset: { arrival: m.arrival, status: m.status } },
          el("td", {}, m.bidder_number || "—"), el("td", {}, t.kinds[m.kind] || m.kind), el("td", {}, t.causes[m.cause] || m.cause),
          el("td", {}, window.LandFormat.grouped(m.amount_yuan, 2)), el("td", {}, t.statuses[m.status] || m.status),
          el("td", {}, m.bank_ref || "—"), el("td", {}, String(m.attempts)), el("td", {}, m.last_error || "—"),
          el("td", {}, m.status === "failed" ? el("button", { type: "button", class: "small", dataset: { action: "retry" }, onclick: () => retry(m) }, t.retry) : null))))));
    }
    async function retry(movement) {
      if (!window.confirm(t.confirmRetry)) { return; }
      clearErrors(part);
      try { await request("POST", `${base}/deposit-movements/${movement.arrival}/retry/`); } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(part, error);
        return;
      }
      await load();
    }
    load();
    return part;
  }

  // The evidence chain's verification (auctions/selectors_evidence.py): the server recomputes the lot's chain and
  // says whether the newest signed root holds it; the protocol download beside it, to check it offline.
  function evidence(lot, base) {
    const status = el("p", { dataset: { field: "evidence" }, role: "status" });
    async function verify() {
      status.className = "";
      status.textContent = t.verifying;
      let check;
      try { check = await request("GET", `${base}/evidence-check/`); } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        status.className = "form-error";
        status.textContent = error.message;
        return;
      }
      status.dataset.ok = String(check.ok);
      if (!check.ok) {
        status.className = "form-error";
        status.textContent = `${t.chainBroken} #${check.failure.seq} (${t.reasons[check.failure.reason] || check.failure.reason}): ${check.failure.detail}`;
        return;
      }
      const head = check.head ? `${check.head.slice(0, 12)}…` : "—";
      let root = t.noRoot;
      if (check.root) {
        root = check.root.matches ? `${t.heldByRoot} #${check.root.id} ${t.signedAt} ${time(check.root.signed_at)}`
          : `${t.rootDiffers} #${check.root.id} (${t.entry} #${check.root.seq})`;
        if (!check.root.matches) { status.className = "form-error"; }
      }
      status.dataset.root = check.root ? String(check.root.matches) : "none";
      status.textContent = `${t.chainIntact}: ${check.entries} ${t.entries}, ${t.head} ${head}; ${root}`;
      await signed();
    }
    // The signed entries and who signed them, from the staff's protocol (its `signers`, by record hash).
    const signatures = el("div", { dataset: { field: "signatures" } });
    async function signed() {
      const protocol = await request("GET", `/api/auctions/lots/${lot.id}/protocol/`);
      const signers = protocol.signers || {};
      const rows = protocol.entries.filter((entry) => entry.data && signers[entry.data.signature]).map((entry) => {
        const text = t.signedBy.replace(/\{(\w+)\}/g, (all, key) => signers[entry.data.signature][key] ?? all);
        return el("li", { dataset: { seq: String(entry.seq), kind: entry.kind } }, `#${entry.seq} ${entry.kind} · ${text}`);
      });
      signatures.replaceChildren(el("h5", {}, t.signedEntries), rows.length ? el("ul", {}, rows) : el("p", { class: "muted" }, t.noSigned));
    }
    return el("div", { class: "closing-evidence", dataset: { part: "evidence" } }, el("h4", {}, t.evidence),
      el("p", {}, el("button", { type: "button", class: "small secondary", dataset: { action: "verify" }, onclick: verify }, t.verify), " ",
        el("a", { href: `/api/auctions/lots/${lot.id}/protocol/`, download: "", dataset: { action: "protocol" } }, t.protocol)),
      status, signatures);
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
    const required = Boolean(lot.rules && lot.rules.parameters && lot.rules.parameters.certificates_required);
    const found = await window.LandSigning.find().catch(() => ({ reason: "none" }));
    const signedForm = (node, note) => { node.querySelector("button[type=submit]").before(note.note); node.querySelector("button[type=submit]").disabled = !note.may; return node; };
    if (lot.status === "announced" && state.phase === "suspended") {
      parts.push(form("resume", t.resume, [], async () => { await request("POST", `${base}/resume/`); await reopen(); }, { kind: "secondary" }));
    } else if (lot.status === "announced" && !["closed", "ended"].includes(state.phase)) {
      parts.push(signedForm(form("suspend", t.suspend, [area("reason", `* ${t.reason}`, 500), text("announcement_title", t.announcementTitle, { maxlength: "200" }),
        area("announcement_body", t.announcementBody, 50000)], async (node) => {
        const body = values(node);
        const signed = await signature(found, "trading.suspend", { lot: lot.id, reason: body.reason || "" });
        await request("POST", `${base}/suspension/`, signed ? { ...body, signed } : body);
        await reopen();
      }, { kind: "secondary", hint: t.announcementHint }), signingNote(found, required)));
    }
    if (state.recordable) {
      const outcome = el("label", {}, `* ${t.outcome}`, el("select", { name: "outcome" },
        el("option", { value: "deal" }, t.deal), el("option", { value: "failed" }, t.failed)));
      parts.push(form("record", t.record, [outcome, text("bidder_number", t.bidderNumber, { maxlength: "8", inputmode: "numeric" }),
        text("price_wan", t.price, { inputmode: "decimal" }), file("confirmation", t.confirmation, ".pdf,.jpg,.jpeg,.png"), area("reason", t.reason, 500)],
      async (node) => {
        const data = new FormData(node);
        const deal = data.get("outcome") === "deal";
        const fields = { lot: lot.id, outcome: data.get("outcome"), winner: deal ? data.get("bidder_number").trim() : "",
          price_wan: deal ? window.LandSigning.fourPlaces(data.get("price_wan")) : "" };
        const signed = await signature(found, "result.record", fields);
        if (signed) { data.append("signed", JSON.stringify(signed)); }
        await request("POST", `${base}/result/`, data);
        await reopen();
      }, { hint: t.recordHint }));
      signedForm(parts[parts.length - 1], signingNote(found, required));
    }
    if (state.result && state.result.outcome === "deal" && !state.result.revoked_at) {
      parts.push(form("revoke", t.revoke, [area("reason", `* ${t.reason}`, 500), file("document", `* ${t.decision}`, ".pdf")],
        async (node) => { await request("POST", `${base}/result/revoke/`, new FormData(node)); await reopen(); },
        { kind: "danger", hint: t.revokeHint, confirm: t.confirmRevoke }));
    }
    parts.push(refunds(base), evidence(lot, base));
    section.append(...parts);
    box.querySelectorAll("section.closing").forEach((old) => old.remove());
    box.append(section);
  }

  document.addEventListener("centre:lot-opened", (event) => {
    const { lot, box, reopen } = event.detail;
    if (["announced", "terminated"].includes(lot.status)) { show(lot, box, reopen); }
  });
})();
