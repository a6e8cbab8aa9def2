// The grantor's page (出让登记): the primary-market lots of my region (/api/auctions/grantor/lots/), a lot submitted
// to a centre serving its county with its fields, terms and documents, and a returned lot corrected and submitted again;
// an announced lot's sealed reserve price entered before the rules' deadline.
(function () {
  "use strict";
  const t = window.GRANTOR_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError, number } = window.LandApi;
  const form = document.getElementById("grant-form");
  const notice = form.querySelector(".notice");
  const heading = document.getElementById("grant-heading");
  const docs = document.getElementById("grant-documents");
  const terms = window.LandTerms.wire(form);
  const landUse = new window.LandSelectors.LandUseSelect(form.querySelector(".land-use-select"), JSON.parse(document.getElementById("land-uses").textContent));
  const region = new window.LandSelectors.RegionSelect(form.querySelector(".region-select"), (code) => loadCentres(code));
  let lotId = "";

  function fail(error) { if (!(error instanceof ApiError)) { throw error; } showError(form, error); }

  async function loadCentres(code, wanted) {
    const select = form.elements.centre;
    const current = wanted ? String(wanted) : select.value;
    if (!/^\d{4}(?!00)\d{2}$/.test(code || "")) { select.replaceChildren(el("option", { value: "" }, select.dataset.empty)); return; }
    const list = await request("GET", `/api/auctions/centres/?region=${code}`);
    select.replaceChildren(...(list.length ? list.map((c) => el("option", { value: String(c.id) }, c.name)) : [el("option", { value: "" }, t.noCentre)]));
    if (list.some((c) => String(c.id) === current)) { select.value = current; }
  }

  async function loadLots() {
    const data = await request("GET", "/api/auctions/grantor/lots/");
    const rows = data.results.map((lot) => el("tr", { dataset: { id: lot.id, status: lot.status } },
      el("td", {}, lot.number || "—", el("div", { class: "muted" }, lot.title), lot.reason ? el("div", { class: "me-reason" }, `${t.reason}: ${lot.reason}`) : null),
      el("td", {}, String(lot.centre)),
      el("td", {}, number(lot.start_price_wan)),
      el("td", {}, el("span", { class: "me-status", dataset: { status: lot.status } }, lot.status_name), el("div", { class: "muted" }, time(lot.created_at))),
      el("td", {}, lot.status === "returned" ? el("button", { type: "button", class: "small secondary", dataset: { action: "edit" }, onclick: () => edit(lot) }, t.edit) : null,
        lot.status === "announced" ? reserve(lot) : null)));
    document.querySelector("#grantor-lots .console-rows").replaceChildren(...rows);
    document.querySelector(".console-empty").hidden = rows.length > 0;
  }

  // 底价录入 of an announced lot, before the rules' deadline (web/static/web/reserve_form.js)
  function reserve(lot) {
    return el("details", { class: "reserve-details" }, el("summary", {}, window.RESERVE_I18N.heading), window.LandReserve.form(lot));
  }

  async function edit(lot) {
    lotId = String(lot.id);
    heading.textContent = heading.dataset.again;
    for (const name of ["title", "kind", "transfer", "address", "term_years", "transferor", "conditions"]) { if (lot[name] !== undefined && lot[name] !== null) { form.elements[name].value = lot[name]; } }
    form.elements.area_m2.value = lot.area_m2 === null ? "" : number(lot.area_m2);
    landUse.set(lot.land_use || "");
    terms.fill(lot);
    await region.set(lot.region);
    await loadCentres(lot.region, lot.centre);
    showDocuments(lot.documents);
    heading.scrollIntoView();
  }

  function showDocuments(documents) {
    docs.hidden = !lotId;
    docs.querySelector("ul").replaceChildren(...(documents.length ? documents.map((d) => el("li", {}, `${d.title}: ${d.original_name}`)) : [el("li", { class: "muted" }, t.noDocuments)]));
  }

  form.querySelector("[data-action=upload]").addEventListener("click", async () => {
    clearErrors(form);
    const body = new FormData();
    body.append("title", form.elements.document_title.value);
    if (form.elements.document_file.files[0]) { body.append("file", form.elements.document_file.files[0]); }
    try {
      await request("POST", `/api/auctions/work/lots/${lotId}/documents/`, body);
      form.elements.document_title.value = ""; form.elements.document_file.value = "";
      showDocuments((await request("GET", `/api/auctions/work/lots/${lotId}/`)).documents);
    } catch (error) { fail(error); }
  });

  form.querySelector("[data-action=reset]").addEventListener("click", () => { lotId = ""; form.reset(); heading.textContent = heading.dataset.new; showDocuments([]); });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = terms.read(values(form));
    delete data.document_title;
    if (data.centre) { data.centre = Number(data.centre); }
    try {
      const lot = lotId ? await request("PUT", `/api/auctions/work/lots/${lotId}/`, data) : await request("POST", "/api/auctions/grantor/lots/", data);
      lotId = String(lot.id);
      heading.textContent = heading.dataset.again;
      showDocuments(lot.documents);
      notice.hidden = false; notice.textContent = t.submitted;
      await loadLots();
    } catch (error) { fail(error); }
  });

  loadLots().catch(fail);
})();
