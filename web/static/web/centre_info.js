// Two tabs of the centre console: 对账差异, the bank reconciliation's differences of a day (yesterday in Beijing
// time by default) for the banks of the staff's centres; 中心信息, the centre's contact details, performance bond
// account and banks, kept by its staff. Every refusal of the API is shown with its reason.
(function () {
  "use strict";
  const t = window.CENTRE_INFO_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError } = window.LandApi;
  const tabOf = (name) => document.querySelector(`#console-tabs [data-tab="${name}"]`);
  if (!tabOf("differences") || !tabOf("centre-info")) { return; }

  function fail(box, error) {
    if (!(error instanceof ApiError)) { throw error; }
    showError(box, error);
  }

  // ------------------------------------------------------------------------------------------ differences

  const dPanel = document.getElementById("tab-differences");
  const dForm = document.getElementById("differences-form");
  const yesterday = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() - 86_400_000));
  dForm.elements.day.value = yesterday;

  function arrivalCell(arrival) {
    if (!arrival) { return el("td", { class: "muted" }, t.noArrival); }
    return el("td", {}, `${window.LandFormat.grouped(arrival.amount_yuan, 2)} ${t.yuan}`, el("div", { class: "muted" }, time(arrival.arrived_at)),
      arrival.payer_name ? el("div", {}, `${t.payer}: ${arrival.payer_name}`) : null);
  }

  async function loadDifferences() {
    clearErrors(dForm);
    dPanel.dataset.state = "loading";
    try {
      const found = await request("GET", `/api/auctions/bank/reconciliation/?${new URLSearchParams({ day: dForm.elements.day.value })}`);
      const rows = found.map((d) => el("tr", { dataset: { kind: d.kind, serial: d.serial } },
        el("td", {}, t.kinds[d.kind] || d.kind), el("td", {}, d.bank), el("td", {}, el("code", {}, d.serial)),
        arrivalCell(d.arrival), el("td", {}, time(d.found_at))));
      dPanel.querySelector(".console-rows").replaceChildren(...rows);
      dPanel.querySelector("caption").textContent = `${t.count} ${rows.length}`;
      dPanel.querySelector(".console-empty").hidden = rows.length > 0;
      dPanel.dataset.state = "loaded";
    } catch (error) { dPanel.dataset.state = "failed"; fail(dForm, error); }
  }
  dForm.addEventListener("submit", (event) => { event.preventDefault(); loadDifferences(); });
  tabOf("differences").addEventListener("click", loadDifferences);

  // ------------------------------------------------------------------------------------------ centre details

  const cForm = document.getElementById("centre-info-form");
  const choice = document.getElementById("centre-info-choice");
  const FIELDS = ["address", "phone", "contact", "bond_payee", "bond_bank", "bond_account"];

  function showCentre(centre) {
    cForm.querySelector("[data-field=name]").textContent = centre.name;
    cForm.querySelector("[data-field=rule_profile]").textContent = centre.rule_profile;
    FIELDS.forEach((name) => { cForm.elements[name].value = centre[name]; });
    const chosen = new Set(centre.banks.map((b) => b.code));
    const boxes = centre.bank_choices.map((b) => el("label", {}, el("input", { type: "checkbox", name: "banks", value: b.code, checked: chosen.has(b.code) || null }), ` ${b.name} (${b.code})`));
    const banks = document.getElementById("centre-info-banks");
    banks.replaceChildren(banks.querySelector("legend"), ...boxes);
    cForm.dataset.id = centre.id;
  }

  async function loadCentre() {
    clearErrors(cForm);
    cForm.querySelector("[data-saved]").hidden = true;
    try { showCentre(await request("GET", `/api/auctions/centre/${choice.value}/`)); } catch (error) { fail(cForm, error); }
  }

  cForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(cForm);
    const saved = cForm.querySelector("[data-saved]");
    saved.hidden = true;
    const data = values(cForm, true);
    data.banks = Array.from(cForm.querySelectorAll("[name=banks]:checked"), (box) => box.value);
    const button = cForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      showCentre(await request("PATCH", `/api/auctions/centre/${choice.value}/`, data));
      saved.hidden = false;
    } catch (error) { fail(cForm, error); } finally { button.disabled = false; }
  });
  choice.addEventListener("change", loadCentre);
  tabOf("centre-info").addEventListener("click", loadCentre);
})();
