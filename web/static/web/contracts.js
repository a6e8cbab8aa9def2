// A contract's page (合同网签赋码): the seed's five steps as a progress bar; while party A may edit, the drafting
// wizard (both parties → the parcel → attachments, saved as a draft at each step, then sent to party B or, for a
// contract signed offline, submitted with its signed copy); otherwise the contract's content read-only, what it waits
// for and from whom, and the actions the API's `may` allows the viewer. Every rule is the API's (/api/contracts/);
// its structured errors are shown at their fields. Party B's confirmation and the authority's approval are signed
// with the user's certificate when this browser holds its key, and must be when the platform requires it
// (CONTRACTS_SIGNATURE_REQUIRED; web/static/web/signing.js).
(function () {
  "use strict";
  const t = window.CONTRACT_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError } = window.LandApi;
  const { RegionSelect, LandUseSelect } = window.LandSelectors;
  const root = document.getElementById("contract-page");
  const form = document.getElementById("contract-form");
  const fields = document.getElementById("contract-fields");
  const actions = document.getElementById("contract-actions");
  const reasonForm = document.getElementById("reason-form");
  const PARTS = ["parties", "parcel", "attachments"];
  const REASONED = ["return", "dispute_signed", "reject", "apply_revocation"];
  const SIGNED = ["confirm", "approve"]; // signed as contract.confirm {contract, action}
  // The actions of `may` shown as buttons (edit, send and submit are the form's own).
  const BUTTONS = ["recall", "confirm", "return", "upload_signed", "confirm_signed", "dispute_signed", "approve", "reject",
    "apply_revocation", "cancel"];
  // The POST each button makes on /api/contracts/<id>/ (the reasoned ones send the reason form).
  const PATHS = {
    recall: "recall/", confirm: "confirm/", return: "return/", confirm_signed: "signed-copy/confirm/",
    dispute_signed: "signed-copy/dispute/", approve: "approve/", reject: "reject/", apply_revocation: "revocations/",
    cancel: "cancel/",
  };
  let contract = null;
  let part = "parties";

  const region = new RegionSelect(form.querySelector(".region-select"), () => {});
  const landUse = new LandUseSelect(form.querySelector(".land-use-select"), JSON.parse(document.getElementById("land-uses").textContent), () => {});

  const base = () => `/api/contracts/${contract.id}/`;
  const format = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

  function notify(box, text) {
    const notice = box.querySelector(".notice");
    notice.hidden = !text;
    notice.textContent = text || "";
  }

  // The kind's words (转让人 or 出租人, the price or the rent) and the origin.
  function showKind(kind, origin) {
    root.dataset.kind = kind;
    root.dataset.origin = origin;
    document.getElementById("contract-origin").textContent = t[origin] || "";
  }

  // ------------------------------------------------------------------------------------------- the progress bar

  function showSteps(step, status) {
    const finished = status === "coded" || status === "revoked";
    document.querySelectorAll("#contract-steps > li").forEach((li) => {
      const n = Number(li.dataset.step);
      li.classList.toggle("done", finished || n < step);
      if (!finished && n === step) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
  }

  function showPart(next) {
    part = next;
    const editing = form.dataset.mode === "edit";
    form.querySelectorAll("section[data-part]").forEach((s) => { s.hidden = editing && s.dataset.part !== part; });
    document.querySelectorAll("#contract-parts li").forEach((li) => {
      if (editing && li.dataset.part === part) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
    const index = PARTS.indexOf(part);
    const button = (name) => form.querySelector(`[data-action=${name}]`);
    button("back").hidden = !editing || index === 0;
    button("next").hidden = !editing || index === PARTS.length - 1;
    button("save").hidden = !editing;
    const last = editing && index === PARTS.length - 1;
    button("send").hidden = !(last && contract && contract.may.send);
    button("submit").hidden = !(last && contract && contract.may.submit);
  }

  // ------------------------------------------------------------------------------------------- the form

  function fill(record) {
    for (const [name, value] of Object.entries(record)) {
      const inputs = form.querySelectorAll(`[name="${name}"]`);
      if (!inputs.length || (value !== null && typeof value === "object")) { continue; }
      for (const input of inputs) {
        if (input.type === "radio") { input.checked = String(value) === input.value; } else if (input.type === "checkbox") { input.checked = Boolean(value); } else if (input.type !== "file" && input.type !== "hidden") { input.value = value === null ? "" : value; }
      }
    }
  }

  const code = (value) => (value && typeof value === "object" ? value.code : value) || "";

  function payload() {
    const data = values(form, true);
    for (const name of ["region", "land_use"]) { if (data[name] === "") { data[name] = name === "region" ? null : ""; } }
    if (root.dataset.kind === "transfer") { delete data.rent_wan_per_year; } else { delete data.price_wan; }
    if (data.term_years !== null) { data.term_years = /^\d+$/.test(data.term_years) ? Number(data.term_years) : data.term_years; }
    return data;
  }

  function download(href, label, action) {
    return el("a", { href, download: "", class: "me-button small", dataset: { action } }, label);
  }

  function showFiles() {
    const editable = contract.may.edit;
    form.querySelectorAll("#contract-documents td.files").forEach((cell) => cell.replaceChildren());
    form.querySelectorAll("#contract-documents input[type=file]").forEach((input) => { input.closest("label").hidden = !editable; });
    for (const file of contract.attachments || []) {
      const cell = form.querySelector(`#contract-documents tr[data-kind="${file.kind}"] .files`);
      if (!cell) { continue; }
      cell.append(el("span", { class: "file", dataset: { id: file.id } },
        el("a", { href: `/api/contracts/attachments/${file.id}/`, download: "" }, file.original_name), " ",
        editable ? el("button", { type: "button", class: "secondary small", dataset: { action: "remove" }, onclick: () => removeFile(file.id) }, t.remove) : null));
    }
    const offline = document.getElementById("offline-signed");
    offline.hidden = contract.origin !== "offline";
    offline.querySelector("label.upload").hidden = !contract.may.upload_signed;
    const scan = document.getElementById("offline-signed-file");
    scan.replaceChildren(contract.signed_copy ? el("a", { href: `${base()}signed-copy/`, download: "" }, contract.signed_copy.name) : "—");
  }

  // ------------------------------------------------------------------------------------------- state and actions

  // The viewer's part in the contract: a, b, or the authority.
  function viewerRole() {
    const id = (who) => (who && typeof who === "object" ? who.id : who);
    const me = Number(root.dataset.userId);
    if (contract.role) { return contract.role; }
    if (Number(id(contract.initiator)) === me) { return "a"; }
    return Number(id(contract.counterparty)) === me ? "b" : "authority";
  }

  function waitingText(waiting) {
    if (!waiting || !waiting.party || waiting.party === "none") { return t.nothingToWait; }
    const action = t.waiting[waiting.action] || "";
    if (waiting.party === viewerRole()) { return format(t.yourTurn, { action }); }
    return format(t.waitingFor, { party: t.parties[waiting.party] || waiting.party, action });
  }

  function showState() {
    document.getElementById("contract-state").hidden = false;
    const status = document.getElementById("contract-status");
    status.dataset.status = contract.status;
    status.textContent = t.status[contract.status] || contract.status_name || contract.status;
    const coded = document.getElementById("contract-coded");
    coded.hidden = !contract.number;
    document.getElementById("contract-number").textContent = contract.number || "";
    document.getElementById("contract-waiting").textContent = waitingText(contract.waiting_for);
    const reason = document.getElementById("contract-reason");
    const returned = ["returned", "rejected", "confirmed"].includes(contract.status) && contract.reason;
    reason.hidden = !returned;
    reason.textContent = returned ? `${t.reasonLabel}: ${contract.reason}` : "";
    const pending = (contract.revocations || []).find((r) => r.status === "pending");
    const revocation = document.getElementById("contract-revocation");
    revocation.hidden = !pending;
    revocation.textContent = pending ? `${t.revocationPending} ${t.reasonLabel}: ${pending.reason}` : "";
    const links = [];
    if (contract.signed_copy) { links.push(download(`${base()}signed-copy/`, t.signedCopy, "signed-copy")); }
    links.push(download(`${base()}pdf/`, t.pdf, "pdf"));  // any state: the parties read the draft's text too
    if (contract.number && contract.verify_token) {
      links.push(el("a", { href: `/contracts/verify/${contract.verify_token}/`, class: "me-button small secondary", dataset: { action: "verify" } }, t.verify));
    }
    document.getElementById("contract-links").replaceChildren(...links);
  }

  function showActions() {
    const may = contract.may || {};
    const shown = BUTTONS.filter((name) => may[name] && !(name === "upload_signed" && contract.origin === "offline"));
    actions.hidden = shown.length === 0;
    reasonForm.hidden = true;
    document.getElementById("signed-upload").hidden = !shown.includes("upload_signed");
    document.getElementById("contract-buttons").replaceChildren(...shown.filter((name) => name !== "upload_signed").map((name) =>
      el("button", { type: "button", class: ["cancel", "reject", "return", "dispute_signed"].includes(name) ? "secondary" : "", dataset: { action: name }, onclick: () => act(name) }, t.actions[name])));
  }

  function showEvents() {
    const box = document.getElementById("contract-events");
    const events = contract.events || [];
    box.hidden = events.length === 0;
    box.querySelector("tbody").replaceChildren(...events.map((event) => el("tr", { dataset: { action: event.action } },
      el("td", {}, time(event.created_at)), el("td", {}, t.events[event.action] || event.action),
      el("td", {}, t.parties[event.by] || ""), el("td", {}, event.note || ""), signedCell(event))));
  }

  // A signed step's certificate (the API names it to the parties and the authority), "—" for an unsigned one.
  function signedCell(event) {
    if (!event.signed) { return el("td", { dataset: { field: "signature" } }, "—"); }
    const signer = event.signer || { subject: "", serial: "" };
    return el("td", { dataset: { field: "signature", signed: "yes" } }, format(t.signedWith, signer));
  }

  async function show(record) {
    contract = record;
    showKind(record.kind, record.origin);
    showSteps(record.step, record.status);
    form.hidden = false;
    form.dataset.mode = record.may.edit ? "edit" : "view";
    fields.disabled = !record.may.edit;
    fill(record);
    landUse.set(record.land_use || "");
    await region.set(code(record.region));
    showFiles();
    showState();
    showActions();
    showEvents();
    showPart(record.may.edit ? part : "parties");
    root.dataset.status = record.status;
    root.dataset.ready = "true";
  }

  async function reload() { await show(await request("GET", base())); }

  function fail(error, box) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(box || form, error);
    if (box && box !== form) { return; }
    const invalid = form.querySelector("[aria-invalid]");
    const section = invalid && invalid.closest("section[data-part]");
    if (section && section.dataset.part !== part) { showPart(section.dataset.part); }
  }

  async function busy(box, work) {
    const buttons = box.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try { await work(); } finally { buttons.forEach((b) => { b.disabled = false; }); }
  }

  async function save() {
    clearErrors(form);
    await show(await request("PATCH", base(), payload()));
  }

  async function removeFile(id) {
    try { await request("DELETE", `/api/contracts/attachments/${id}/`); await reload(); } catch (error) { fail(error); }
  }

  async function upload(input, box) {
    if (!input.files.length) { return; }
    notify(box, t.uploading);
    try {
      const body = new FormData();
      if (input.dataset.kind) { body.append("kind", input.dataset.kind); }
      body.append("file", input.files[0]);
      const path = input.dataset.kind ? "attachments/" : "signed-copy/";
      if (input.dataset.kind && form.dataset.mode === "edit") { await request("PATCH", base(), payload()); }
      await request("POST", `${base()}${path}`, body);
      clearErrors(box);
      notify(box, "");
      await reload();
    } catch (error) { notify(box, ""); fail(error, box); } finally { input.value = ""; }
  }

  // The body of a signed step: {signed} with a usable certificate, {} without one where none is required, null
  // (nothing to send) where one is required and cannot be made here; the note says which.
  async function signedBody(name) {
    const found = await window.LandSigning.find().catch(() => ({ reason: "none" }));
    const note = document.getElementById("contract-signing");
    if (!window.LandSigning.describe(note, found, root.dataset.signatureRequired === "true")) { return null; }
    const signature = await window.LandSigning.sign("contract.confirm", { contract: contract.id, action: name }, found);
    return signature ? { signed: signature.signed } : {};
  }

  async function post(name, body) {
    await request("POST", `${base()}${PATHS[name]}`, body);
    clearErrors(actions);
    await reload();
    notify(actions, t.done);
    actions.hidden = false;
  }

  function act(name) {
    clearErrors(actions);
    notify(actions, "");
    if (REASONED.includes(name)) { askReason(name); return; }
    if (name === "cancel" && !window.confirm(t.confirmCancel)) { return; }
    if (name === "approve" && !window.confirm(t.confirmApprove)) { return; }
    busy(actions, async () => {
      try {
        const body = SIGNED.includes(name) ? await signedBody(name) : undefined;
        if (body !== null) { await post(name, body); }
      } catch (error) {
        if (error instanceof ApiError) { error.message = window.LandSigning.refusal(error); }
        fail(error, actions);
      }
    });
  }

  function askReason(name) {
    reasonForm.hidden = false;
    reasonForm.dataset.action = name;
    document.getElementById("reason-label").textContent = t.reasonFor[name];
    document.getElementById("reason-submit").textContent = t.actions[name];
    document.getElementById("revocation-documents").hidden = name !== "apply_revocation";
    reasonForm.elements.reason.value = "";
    reasonForm.elements.reason.focus();
  }

  reasonForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = reasonForm.dataset.action;
    const reason = reasonForm.elements.reason.value.trim();
    let body = { reason };
    if (name === "apply_revocation") {
      body = new FormData();
      body.append("reason", reason);
      for (const file of reasonForm.elements.documents.files) { body.append("documents", file); }
    }
    busy(actions, async () => { try { await post(name, body); reasonForm.elements.documents.value = ""; } catch (error) { fail(error, actions); } });
  });
  reasonForm.querySelector("[data-action=reason-cancel]").addEventListener("click", () => { reasonForm.hidden = true; });
  document.getElementById("signed-upload").addEventListener("change", (event) => busy(actions, () => upload(event.target, actions)));
  form.addEventListener("change", (event) => {
    if (event.target.type === "file") { busy(form, () => upload(event.target, form)); }
  });

  const formButton = (name) => form.querySelector(`[data-action=${name}]`);
  formButton("save").addEventListener("click", () => busy(form, async () => {
    try { await save(); notify(form, t.saved); } catch (error) { fail(error); }
  }));
  formButton("next").addEventListener("click", () => busy(form, async () => {
    try { await save(); notify(form, ""); showPart(PARTS[PARTS.indexOf(part) + 1]); window.scrollTo(0, 0); } catch (error) { fail(error); }
  }));
  formButton("back").addEventListener("click", () => { showPart(PARTS[PARTS.indexOf(part) - 1]); window.scrollTo(0, 0); });
  for (const name of ["send", "submit"]) {
    formButton(name).addEventListener("click", () => busy(form, async () => {
      try {
        await save();
        await request("POST", `${base()}${name}/`);
        await reload();
        notify(actions, name === "send" ? t.sent : t.submitted);
        actions.hidden = false;
        window.scrollTo(0, 0);
      } catch (error) { fail(error); }
    }));
  }

  // The page opens a contract (/contracts/<id>/), or creates the draft the service chose (/contracts/new/?kind=…).
  async function start() {
    const id = root.dataset.contractId;
    if (id) {
      try { await show(await request("GET", `/api/contracts/${id}/`)); } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
        const missing = document.getElementById("contract-missing");
        missing.hidden = false;
        missing.textContent = t.missing;
      }
      return;
    }
    showKind(root.dataset.kind, root.dataset.origin);
    if (document.getElementById("verification-needed")) { return; }
    const body = { kind: root.dataset.kind, origin: root.dataset.origin };
    if (root.dataset.listing) { body.listing = Number(root.dataset.listing); }
    if (root.dataset.lot) { body.lot = Number(root.dataset.lot); }
    try {
      const created = await request("POST", "/api/contracts/", body);
      history.replaceState(null, "", `/contracts/${created.id}/`);
      root.dataset.contractId = String(created.id);
      await show(created);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      const missing = document.getElementById("contract-missing");
      missing.hidden = false;
      missing.textContent = error.message;
    }
  }
  showKind(root.dataset.kind, root.dataset.origin);
  start();
})();
