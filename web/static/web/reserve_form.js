// 底价录入: the form a lot's grantor (web/static/web/grantor.js) or the owner of an entrusted lot
// (web/static/web/entrustment_list.js) seals the reserve price with (POST /api/auctions/lots/<id>/reserve/, 204).
// Two steps: the amount, then a confirmation naming it; afterwards "sealed at" the time of the server's answer (on a
// later visit, the server's own time of the entry: reserve_sealed_at in the lot or the entrustment's lot). No
// answer ever carries the amount back; it may be entered again until the rules' deadline, which the server decides.
// Signed (web/static/web/signing.js) when this browser holds the key of the user's certificate, and always where the
// lot's rules require it: the page draws the salt, computes the commitment, signs {lot, commitment} and sends the
// amount with the salt, so the signature never holds the amount (docs/signing.md).
(function () {
  "use strict";

  // The reserve's window by the lot's rules ({opens, closes} as Dates; opens null when any time before): the
  // grantor's lot list carries the rules (auctions/services/trading.py _reserve_deadline decides the same).
  function entryWindow(lot) {
    const end = lot.trading_mode === "listing" ? lot.listing_ends_at : lot.auction_starts_at;
    if (!end || !lot.rules) { return { opens: null, closes: null }; }
    const p = lot.rules.parameters;
    const endMs = new Date(end).getTime();
    if (p.reserve_entry === "final_window") { return { opens: new Date(endMs - p.reserve_final_window_seconds * 1000), closes: new Date(endMs) }; }
    return { opens: null, closes: new Date(endMs - p.reserve_lead_seconds * 1000) };
  }

  // The form for one lot: `lot` has its id (and, for the grantor's list, its schedule and rules).
  function form(lot) {
    const t = window.RESERVE_I18N;
    const { request, showError, clearErrors, el, time, ApiError, number } = window.LandApi;
    const { opens, closes } = entryWindow(lot);
    const box = el("div", { class: "reserve-entry", dataset: { reserve: lot.id } });
    if (closes && Date.now() > closes.getTime()) { box.append(el("p", { class: "muted", dataset: { field: "reserve-closed" } }, t.closed)); return box; }
    const hint = opens ? `${t.window} ${time(opens.toISOString())} – ${time(closes.toISOString())}` : closes ? `${t.until} ${time(closes.toISOString())}` : t.hint;
    const amount = el("input", { name: "amount_wan", inputmode: "decimal", autocomplete: "off" });
    const sealed = el("p", { class: "notice", role: "status", dataset: { field: "sealed" }, hidden: true });
    const question = el("p", { class: "hint", dataset: { field: "confirm" } });
    const signingNote = el("p", { class: "muted", dataset: { field: "signing" } });
    const required = Boolean(lot.rules && lot.rules.parameters && lot.rules.parameters.certificates_required);
    let found = null;
    const confirmStep = el("div", { class: "reserve-confirm", hidden: true }, question, signingNote,
      el("button", { type: "button", dataset: { action: "reserve-confirm" }, onclick: () => send() }, t.confirm), " ",
      el("button", { type: "button", class: "secondary", dataset: { action: "reserve-back" }, onclick: () => step(false) }, t.back));
    const entry = el("div", { class: "reserve-amount" }, el("label", {}, `* ${t.label}`, amount),
      el("button", { type: "submit", dataset: { action: "reserve-seal" } }, t.seal));
    const node = el("form", { class: "stack-form console-form", novalidate: true, dataset: { form: "reserve" } },
      el("p", { class: "form-error", role: "alert", hidden: true }), el("p", { class: "hint" }, hint), entry, confirmStep);

    function step(confirming) {
      entry.hidden = confirming;
      confirmStep.hidden = !confirming;
      (confirming ? confirmStep.querySelector("button") : amount).focus();
    }

    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(node);
      const value = amount.value.trim();
      if (!value) {
        showError(node, new ApiError(400, { error: { code: "invalid", message: t.required, fields: { amount_wan: [{ code: "required", message: t.required }] } } }));
        return;
      }
      question.textContent = `${number(value)} ${t.unit}: ${t.question}`;
      found = await window.LandSigning.find().catch(() => ({ reason: "none" }));
      confirmStep.querySelector("button").hidden = !window.LandSigning.describe(signingNote, found, required);
      step(true);
    });

    // The body: the amount, and with a usable certificate the salt and the signature over {lot, commitment}.
    async function body() {
      const out = { amount_wan: amount.value.trim() };
      if (!found || !found.certificate) { return out; }
      const sealedWith = await window.LandSigning.commitment(window.LandSigning.fourPlaces(out.amount_wan));
      const signature = await window.LandSigning.sign("reserve.enter", { lot: Number(lot.id), commitment: sealedWith.commitment }, found);
      return signature ? { ...out, salt: sealedWith.salt, signed: signature.signed } : out;
    }

    async function send() {
      const button = confirmStep.querySelector("button");
      button.disabled = true;
      try {
        await request("POST", `/api/auctions/lots/${lot.id}/reserve/`, await body());
        amount.value = "";
        sealed.hidden = false;
        sealed.textContent = `${t.sealed} ${time(new Date().toISOString())}`;
        step(false);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        step(false);
        error.message = window.LandSigning.refusal(error);
        showError(node, error);
      } finally { button.disabled = false; }
    }

    if (lot.reserve_sealed_at) {  // the server's time of the last entry (the lot APIs' reserve_sealed_at)
      sealed.hidden = false;
      sealed.textContent = `${t.sealed} ${time(lot.reserve_sealed_at)}`;
    }
    box.append(node, sealed);
    return box;
  }

  window.LandReserve = { form };
})();
