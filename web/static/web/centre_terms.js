// The trading terms form shared by the centre's console and the grantor's page (web/trading/_terms.html): the
// listing or auction times shown for the chosen mode, and datetime-local values read and written in Beijing time
// (Asia/Shanghai, UTC+8 all year) whatever the browser's own zone.
(function () {
  "use strict";
  const SHANGHAI_MS = 8 * 3600 * 1000;
  const TIMES = ["announcement_starts_at", "applications_open_at", "applications_close_at", "deposit_deadline",
    "listing_starts_at", "listing_ends_at", "auction_starts_at"];

  // "2026-12-10T09:00" (Beijing) → "2026-12-10T09:00:00+08:00"; "" → null.
  function toApi(local) { return local ? `${local.length === 16 ? `${local}:00` : local}+08:00` : null; }

  // An API time → the datetime-local value in Beijing time.
  function toLocal(iso) { return iso ? new Date(new Date(iso).getTime() + SHANGHAI_MS).toISOString().slice(0, 16) : ""; }

  function wire(form) {
    const box = form.querySelector("[data-terms]");
    const sync = () => {
      const mode = (box.querySelector("[name=trading_mode]:checked") || {}).value;
      box.querySelectorAll("[data-trading]").forEach((label) => {
        const on = label.dataset.trading === mode;
        label.hidden = !on;
        label.querySelector("input").disabled = !on;
      });
    };
    box.addEventListener("change", sync);
    sync();
    return {
      // The form's values with its times as the API takes them.
      read(data) {
        for (const name of TIMES) { if (name in data) { data[name] = toApi(data[name]); } }
        return data;
      },
      fill(lot) {
        for (const name of ["start_price_wan", "increment_wan", "deposit_wan"]) { if (lot[name] !== undefined && lot[name] !== null) { form.elements[name].value = window.LandApi.number(lot[name]); } }
        for (const name of TIMES) { if (lot[name] !== undefined) { form.elements[name].value = toLocal(lot[name]); } }
        for (const name of ["trading_mode", "process"]) {
          box.querySelectorAll(`[name=${name}]`).forEach((input) => { input.checked = input.value === lot[name]; });
        }
        sync();
      },
    };
  }

  window.LandTerms = { wire, toApi, toLocal };
})();
