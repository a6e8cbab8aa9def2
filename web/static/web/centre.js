// The trading centre's console (交易中心工作台): entrustments to accept (with the performance bond) or reject (with a
// reason), an accepted one's lot registered with its terms; lots by state (a grantor's submission registered or
// returned, rules overridden before the announcement, documents added); announcements drafted, given documents and
// published (never editable after). Every refusal of the API is shown with its reason.
(function () {
  "use strict";
  const t = window.CENTRE_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError, number } = window.LandApi;
  const RULES = JSON.parse(document.getElementById("rule-fields").textContent);
  const LABELS = JSON.parse(document.getElementById("labels").textContent);
  const label = (kind, value) => (LABELS[kind] || {})[value] || value || "";
  const panels = {};
  document.querySelectorAll(".console-panel").forEach((panel) => { panels[panel.dataset.tab] = panel; });
  const tabs = Array.from(document.querySelectorAll("#console-tabs [data-tab]"));
  let lotsSeen = [];

  function activate(name) {
    tabs.forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.tab === name)));
    Object.values(panels).forEach((panel) => { panel.hidden = panel.dataset.tab !== name; });
    if (name === "lots") { loadLots(); }
    if (name === "announcements") { loadLotChoices(); }
  }
  tabs.forEach((tab) => tab.addEventListener("click", () => activate(tab.dataset.tab)));

  function fail(box, error) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(box, error);
  }

  // A small form inside a detail box: fields, a submit button; `work(values)` runs, its errors shown in the form.
  function miniForm(label, fields, work, { kind = "primary", action } = {}) {
    const form = el("form", { class: "stack-form console-form", novalidate: true, dataset: { form: action } },
      el("p", { class: "form-error", role: "alert", hidden: true }), ...fields,
      el("button", { type: "submit", class: kind }, label));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try { await work(values(form), form); } catch (error) { fail(form, error); } finally { button.disabled = false; }
    });
    return form;
  }

  function dl(pairs) {
    return el("dl", { class: "console-fields" }, ...pairs.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value))]));
  }

  function documentList(documents) {
    if (!documents.length) { return el("p", { class: "muted" }, t.noDocuments); }
    return el("ul", { class: "console-documents" }, ...documents.map((d) => el("li", { dataset: { id: d.id } },
      `${d.kind_name || d.title}: ${d.original_name} (${Math.ceil(d.size / 1024)} KB) `, el("code", { title: "SHA-256" }, d.sha256.slice(0, 12)))));
  }

  function uploadForm(url, after) {
    return miniForm(t.upload, [
      el("label", {}, t.documentTitle, el("input", { name: "title", maxlength: "128" })),
      el("label", {}, t.file, el("input", { type: "file", name: "file", accept: ".pdf,.doc,.docx,.jpg,.jpeg,.zip,.rar" })),
    ], async (data, form) => {
      const body = new FormData();
      body.append("title", data.title || "");
      const file = form.elements.file.files[0];
      if (file) { body.append("file", file); }
      await request("POST", url, body);
      await after();
    }, { kind: "secondary", action: "upload" });
  }

  function termsForm(label, url, method, after, action) {
    const template = document.getElementById("terms-template").content.cloneNode(true);
    const form = miniForm(label, [template], async (data) => {
      const lot = await request(method, url, terms.read(data));
      await after(lot);
    }, { action });
    const terms = window.LandTerms.wire(form);
    return form;
  }

  // ------------------------------------------------------------------------------------------ entrustments

  const ePanel = panels.entrustments;
  const eFilters = ePanel.querySelector(".console-filters");
  const eDetail = document.getElementById("entrustment-detail");

  async function loadEntrustments() {
    clearErrors(eFilters);
    try {
      const data = await request("GET", `/api/auctions/centre/entrustments/?${new URLSearchParams(values(eFilters))}`);
      const rows = data.results.map((item) => el("tr", { dataset: { id: item.id, status: item.status } },
        el("td", {}, item.title || "—", el("div", { class: "muted" }, item.centre ? item.centre.name : "")),
        el("td", {}, item.owner_name || "—"),
        el("td", {}, time(item.submitted_at)),
        el("td", {}, el("span", { class: "me-status", dataset: { status: item.status } }, item.status_name)),
        el("td", {}, el("button", { type: "button", class: "small secondary", dataset: { action: "open" }, onclick: () => openEntrustment(item.id) }, t.open))));
      ePanel.querySelector(".console-rows").replaceChildren(...rows);
      ePanel.querySelector(".console-empty").hidden = rows.length > 0;
    } catch (error) { fail(eFilters, error); }
  }
  eFilters.addEventListener("submit", (event) => { event.preventDefault(); loadEntrustments(); });
  eFilters.addEventListener("change", (event) => { if (event.target.tagName === "SELECT") { loadEntrustments(); } });

  async function openEntrustment(id) {
    let e;
    try { e = await request("GET", `/api/auctions/entrustments/${id}/`); } catch (error) { fail(eFilters, error); return; }
    const yesNo = (v) => (v === true ? t.yes : v === false ? t.no : "—");
    const parts = [
      el("div", { class: "console-detail-head" }, el("h2", {}, e.title || "—"),
        el("button", { type: "button", class: "small secondary", onclick: () => { eDetail.hidden = true; } }, t.close)),
      el("p", {}, el("span", { class: "me-status", dataset: { status: e.status } }, e.status_name), e.reason ? ` ${t.reason}: ${e.reason}` : ""),
      el("h3", {}, t.land),
      dl([[t.region, e.region], [t.address, e.address], [t.area, e.area_m2 === null ? null : window.LandFormat.area(e.area_m2)],
        [t.landUse, e.land_use], [t.certificate, `${label("certificate_type", e.certificate_type)} ${e.certificate_number}`], [t.authority, e.registration_authority],
        [t.price, e.price_wan === null ? null : number(e.price_wan)], [t.term, e.term_years], [t.hideResult, yesNo(e.hide_result)]]),
      el("h3", {}, t.owner),
      dl([[t.owner, `${e.owner_name} (${label("owner_nature", e.owner_nature)})`], [t.idNumber, e.owner_id_number], [t.phone, e.owner_phone],
        [t.address, e.owner_address], [t.agent, `${e.agent_name} ${e.agent_phone}`]]),
      el("h3", {}, t.documents), documentList(e.attachments),
    ];
    if (e.bond_yuan !== null) { parts.push(dl([[t.bondSet, `${window.LandFormat.grouped(e.bond_yuan, 2)} ${t.yuan}`], [t.payment, e.bond_payment_details]])); }
    if (e.status === "submitted") {
      parts.push(miniForm(t.accept, [
        el("label", {}, `* ${t.bond}`, el("input", { name: "bond_yuan", inputmode: "decimal" })),
        el("label", {}, t.payment, el("textarea", { name: "bond_payment_details", rows: "2", maxlength: "500", placeholder: t.paymentHint })),
        el("p", { class: "hint" }, t.paymentHint),
      ], async (data) => { await request("POST", `/api/auctions/entrustments/${id}/accept/`, data); await openEntrustment(id); await loadEntrustments(); }, { action: "accept" }));
      parts.push(miniForm(t.reject, [el("label", {}, `* ${t.reason}`, el("textarea", { name: "reason", rows: "2", maxlength: "500" }))],
        async (data) => { await request("POST", `/api/auctions/entrustments/${id}/reject/`, data); await openEntrustment(id); await loadEntrustments(); }, { kind: "danger", action: "reject" }));
    }
    if (e.status === "accepted" && !e.lot) {
      parts.push(el("h3", {}, t.registerLot));
      parts.push(termsForm(t.registerLot, `/api/auctions/entrustments/${id}/lot/`, "POST", () => openEntrustment(id), "register-lot"));
    }
    if (e.lot) { parts.push(el("p", { class: "notice", role: "status", dataset: { lot: e.lot.id } }, `${t.lotRegistered} `, el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); activate("lots"); openLot(e.lot.id); } }, e.lot.number))); }
    eDetail.replaceChildren(...parts);
    eDetail.hidden = false;
    eDetail.focus();
  }

  // ------------------------------------------------------------------------------------------ lots

  const lPanel = panels.lots;
  const lFilters = lPanel.querySelector(".console-filters");
  const lDetail = document.getElementById("lot-detail");
  lFilters.addEventListener("change", () => loadLots());
  lFilters.addEventListener("submit", (event) => { event.preventDefault(); loadLots(); });

  async function loadLots() {
    clearErrors(lFilters);
    try {
      const data = await request("GET", `/api/auctions/centre/lots/?${new URLSearchParams(values(lFilters))}&page_size=50`);
      const rows = data.results.map((lot) => el("tr", { dataset: { id: lot.id, status: lot.status } },
        el("td", {}, lot.number || "—", el("div", { class: "muted" }, lot.title)),
        el("td", {}, number(lot.start_price_wan)),
        el("td", {}, time(lot.announcement_starts_at)),
        el("td", {}, el("span", { class: "me-status", dataset: { status: lot.status } }, lot.status_name)),
        el("td", {}, el("button", { type: "button", class: "small secondary", dataset: { action: "open" }, onclick: () => openLot(lot.id) }, t.open))));
      lPanel.querySelector(".console-rows").replaceChildren(...rows);
      lPanel.querySelector(".console-empty").hidden = rows.length > 0;
    } catch (error) { fail(lFilters, error); }
  }

  function rulesForm(lot) {
    const fields = RULES.map((rule) => {
      const value = lot.rules.parameters[rule.name];
      if (rule.choices) {
        return el("label", {}, rule.label, el("select", { name: rule.name }, ...rule.choices.map(([v, label]) => el("option", { value: v, selected: v === value || null }, label))));
      }
      if (typeof value === "boolean") { return el("label", { class: "checkbox" }, el("input", { type: "checkbox", name: rule.name, checked: value || null }), ` ${rule.label}`); }
      return el("label", {}, rule.label, el("input", { name: rule.name, inputmode: "numeric", value: value === null ? "" : String(value) }));
    });
    return miniForm(t.saveRules, fields, async (data) => {
      for (const rule of RULES) {
        if (data[rule.name] === undefined) { data[rule.name] = rule.name === "raise_cap_increments" ? null : undefined; }
        else if (typeof data[rule.name] === "string" && !rule.choices) { data[rule.name] = Number(data[rule.name]); }
      }
      await request("PATCH", `/api/auctions/work/lots/${lot.id}/rules/`, data);
      await openLot(lot.id);
      lDetail.querySelector("form[data-form=rules]").before(el("p", { class: "notice", role: "status", dataset: { saved: "rules" } }, t.saved));
    }, { kind: "secondary", action: "rules" });
  }

  // The lot's protocol (staff may download it at any time) and, after a deal, the 成交确认书 (auctions/api/results.py).
  function resultLinks(lot) {
    const box = el("p", { class: "console-result-links", dataset: { field: "result-links" } },
      el("a", { href: `/api/auctions/lots/${lot.id}/protocol/`, download: "", dataset: { action: "protocol" } }, t.protocol));
    request("GET", `/api/auctions/lots/${lot.id}/`).then((detail) => {
      const result = detail.result;
      if (result && result.outcome === "deal" && !result.revoked) {
        box.append(" · ", el("a", { href: `/api/auctions/lots/${lot.id}/result/confirmation.pdf`, download: "", dataset: { action: "confirmation" } }, t.confirmation));
      }
    }).catch(() => {});  // a lot never announced has no public page and no result
    return box;
  }

  async function openLot(id) {
    let lot;
    try { lot = await request("GET", `/api/auctions/work/lots/${id}/`); } catch (error) { fail(lFilters, error); return; }
    const before = ["submitted", "returned", "registered"].includes(lot.status);
    const parts = [
      el("div", { class: "console-detail-head" }, el("h2", {}, `${lot.number || "—"} ${lot.title}`),
        el("button", { type: "button", class: "small secondary", onclick: () => { lDetail.hidden = true; } }, t.close)),
      el("p", {}, el("span", { class: "me-status", dataset: { status: lot.status } }, lot.status_name), lot.reason ? ` ${t.reason}: ${lot.reason}` : "",
        lot.status === "announced" ? el("span", {}, " · ", el("a", { href: `/lots/${lot.id}/` }, t.lotLink)) : null),
      dl([[t.region, lot.region], [t.address, lot.address], [t.area, lot.area_m2 === null ? null : window.LandFormat.area(lot.area_m2)],
        [t.mode, `${label("trading_mode", lot.trading_mode)} / ${label("process", lot.process)}`], [t.startPrice, number(lot.start_price_wan)], [t.increment, number(lot.increment_wan)],
        [t.deposit, number(lot.deposit_wan)]]),
      el("h3", {}, t.schedule),
      dl([["announcement_starts_at", lot.announcement_starts_at], ["applications_open_at", lot.applications_open_at], ["applications_close_at", lot.applications_close_at],
        ["deposit_deadline", lot.deposit_deadline], ["listing_starts_at", lot.listing_starts_at], ["listing_ends_at", lot.listing_ends_at],
        ["auction_starts_at", lot.auction_starts_at]].filter(([, v]) => v).map(([k, v]) => [document.querySelector(`#terms-template`).content.querySelector(`[name=${k}]`).parentElement.textContent.replace("*", "").trim(), time(v)])),
      el("h3", {}, t.documents), documentList(lot.documents),
    ];
    if (!before) { parts.push(resultLinks(lot)); }
    if (before) { parts.push(uploadForm(`/api/auctions/work/lots/${id}/documents/`, () => openLot(id))); }
    parts.push(el("h3", {}, `${t.rules}: ${lot.rules.name}`));
    if (before) { parts.push(rulesForm(lot)); } else { parts.push(el("p", { class: "muted" }, t.rulesLocked), dl(RULES.map((r) => [r.label, lot.rules.parameters[r.name]]))); }
    if (lot.status === "submitted") {
      parts.push(miniForm(t.registerLot, [], async () => { await request("POST", `/api/auctions/work/lots/${id}/register/`); await openLot(id); await loadLots(); }, { action: "register" }));
      parts.push(miniForm(t.returnLot, [el("label", {}, `* ${t.reason}`, el("textarea", { name: "reason", rows: "2", maxlength: "500" }))],
        async (data) => { await request("POST", `/api/auctions/work/lots/${id}/return/`, data); await openLot(id); await loadLots(); }, { kind: "danger", action: "return" }));
    }
    if (lot.status === "registered" || lot.status === "announced") {
      const label = lot.status === "registered" ? t.draftAnnouncement : t.changeAnnouncement;
      parts.push(el("button", { type: "button", dataset: { action: "announce" }, onclick: () => startAnnouncement(lot) }, label));
    }
    lDetail.replaceChildren(...parts);
    lDetail.hidden = false;
    lDetail.focus();
    // other sections of the lot (web/static/web/centre_closing.js: trading and result) add themselves
    document.dispatchEvent(new CustomEvent("centre:lot-opened", { detail: { lot, box: lDetail, reopen: () => openLot(id) } }));
  }

  // ------------------------------------------------------------------------------------------ announcements

  const aForm = document.getElementById("announcement-form");
  const aDraft = document.getElementById("announcement-draft");

  async function loadLotChoices(selected) {
    try {
      const [registered, announced] = await Promise.all(["registered", "announced"].map((status) => request("GET", `/api/auctions/centre/lots/?status=${status}&page_size=100`)));
      lotsSeen = [...registered.results, ...announced.results];
    } catch (error) { fail(aForm, error); return; }
    const select = aForm.elements.lot;
    const current = selected ? String(selected) : select.value;
    select.replaceChildren(select.options[0], ...lotsSeen.map((lot) => el("option", { value: String(lot.id), dataset: { status: lot.status } }, `${lot.number} ${lot.title} (${lot.status_name})`)));
    select.value = current;
    pickKind();
  }

  function pickKind() {
    const lot = lotsSeen.find((l) => String(l.id) === aForm.elements.lot.value);
    if (!lot) { return; }
    aForm.querySelectorAll("[name=kind]").forEach((input) => { input.checked = lot.status === "registered" ? input.value === "normal" : input.value === "change"; });
  }
  aForm.elements.lot.addEventListener("change", pickKind);

  async function startAnnouncement(lot) {
    activate("announcements");
    await loadLotChoices(lot.id);
    if (!aForm.elements.title.value) { aForm.elements.title.value = `${lot.title} ${lot.number}`; }
    aForm.elements.title.focus();
  }

  aForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(aForm);
    const data = values(aForm);
    const button = aForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      if (!data.lot) { throw new ApiError(400, { error: { code: "required", message: t.draftAnnouncement, fields: { lot: [{ code: "required", message: "—" }] } } }); }
      const draft = await request("POST", `/api/auctions/work/lots/${data.lot}/announcements/`, { kind: data.kind, title: data.title || "", body: data.body || "" });
      showDraft(draft);
    } catch (error) { fail(aForm, error); } finally { button.disabled = false; }
  });

  function showDraft(a) {
    const parts = [el("h2", {}, a.title), el("p", {}, el("span", { class: "me-status", dataset: { status: a.status } }, `${label("announcement_kind", a.kind)} · ${label("announcement_status", a.status)}`), a.number ? ` ${t.number}: ${a.number}` : "")];
    if (a.status === "draft") {
      parts.push(miniForm(t.saveText, [
        el("label", {}, t.title, el("input", { name: "title", maxlength: "200", value: a.title })),
        el("label", {}, t.text, el("textarea", { name: "body", rows: "6", maxlength: "50000" }, a.body)),
      ], async (data) => { showDraft(await request("PATCH", `/api/auctions/work/announcements/${a.id}/`, data)); }, { kind: "secondary", action: "save-text" }));
      parts.push(el("h3", {}, t.documents), documentList(a.documents),
        uploadForm(`/api/auctions/work/announcements/${a.id}/documents/`, async () => showDraft(await request("GET", `/api/auctions/work/announcements/${a.id}/`))));
      parts.push(miniForm(t.publish, [el("p", { class: "hint" }, t.confirmPublish)], async () => {
        if (!window.confirm(t.confirmPublish)) { return; }
        showDraft(await request("POST", `/api/auctions/work/announcements/${a.id}/publish/`));
      }, { action: "publish" }));
    } else {
      parts.push(el("p", { class: "notice", role: "status", dataset: { published: a.id } }, `${t.published} ${time(a.published_at)} · `, el("a", { href: `/notices/${a.id}/` }, t.lotLink)));
      parts.push(el("h3", {}, t.documents), documentList(a.documents));
    }
    aDraft.replaceChildren(...parts);
    aDraft.hidden = false;
    aDraft.dataset.id = a.id;
    aDraft.dataset.status = a.status;
  }

  loadEntrustments();
})();
