// The centre console's 实时交易 tab: every lot of my centres that trades today, is in a trading phase or closed in the
// last 24 hours (GET /api/auctions/centre/trading/, one call for the whole table), refreshed every two seconds while
// the tab is shown and the page visible. Countdowns run by the server's clock: offset = server time − local time at
// the answer's receipt. Each row links to the lot's trading room (a new tab) and opens the lot's 交易与结果 below
// the table (web/static/web/centre_closing.js adds it on the "centre:lot-opened" event).
(function () {
  "use strict";
  const t = window.LIVE_I18N;
  const phases = window.CLOSING_I18N.phases;
  const outcomes = { deal: window.CLOSING_I18N.deal, failed: window.CLOSING_I18N.failed, terminated: window.CLOSING_I18N.terminated };
  const { request, showError, clearErrors, el, time, ApiError, number } = window.LandApi;
  const REFRESH_MS = 2000;
  const panel = document.getElementById("tab-live");
  const tab = document.querySelector('#console-tabs [data-tab="live"]');
  const table = document.getElementById("live-table");
  const detail = document.getElementById("live-detail");
  if (!panel || !tab) { return; }
  let offset = 0; // server time − local time, in ms
  let timer = null;
  let busy = false;

  const shown = () => !panel.hidden && document.visibilityState === "visible";

  function left(deadline) {
    if (!deadline) { return null; }
    return Math.max(0, new Date(deadline).getTime() - (Date.now() + offset));
  }

  function clock(ms) {
    if (ms === null) { return "—"; }
    const seconds = Math.floor(ms / 1000);
    const [d, h, m, s] = [Math.floor(seconds / 86400), Math.floor(seconds / 3600) % 24, Math.floor(seconds / 60) % 60, seconds % 60];
    const hms = [h, m, s].map((v) => String(v).padStart(2, "0")).join(":");
    return d ? `${d}${t.days} ${hms}` : hms;
  }

  function tick() {
    table.querySelectorAll("[data-field=countdown][data-deadline]").forEach((cell) => {
      const ms = left(cell.dataset.deadline);
      cell.dataset.remainingMs = String(ms);
      cell.textContent = clock(ms);
    });
  }
  setInterval(() => { if (shown()) { tick(); } }, 250);

  function resultCell(result) {
    if (!result) { return el("td", { dataset: { field: "result" } }, "—"); }
    const price = result.price_wan === null ? "" : ` ${number(result.price_wan)}`;
    return el("td", { dataset: { field: "result", outcome: result.outcome } }, outcomes[result.outcome] || result.outcome,
      result.winner ? el("div", {}, `${t.bidder} ${result.winner}${price}`) : null,
      result.revoked ? el("div", { class: "form-error" }, t.revoked) : null);
  }

  function row(lot) {
    const countdown = el("td", { dataset: { field: "countdown" } }, "—");
    if (lot.deadline && lot.phase !== "closed") { countdown.dataset.deadline = lot.deadline; }
    return el("tr", { dataset: { id: lot.id, phase: lot.phase } },
      el("td", {}, lot.number || "—", el("div", { class: "muted" }, lot.title)),
      el("td", { dataset: { field: "phase" } }, phases[lot.phase] || lot.phase,
        lot.suspended_reason && lot.phase === "suspended" ? el("div", { class: "me-reason" }, `${t.suspended} ${lot.suspended_reason}`) : null),
      el("td", { dataset: { field: "highest" } }, lot.highest_wan === null ? "—" : number(lot.highest_wan),
        lot.highest_bidder ? el("div", { class: "muted", dataset: { field: "bidder" } }, `${t.bidder} ${lot.highest_bidder}`) : null),
      el("td", { dataset: { field: "bids" } }, String(lot.bid_count)),
      countdown,
      resultCell(lot.result),
      el("td", {},
        el("a", { href: `/lots/${lot.id}/room/`, target: "_blank", rel: "noopener", dataset: { action: "room" } }, t.room), " ",
        el("button", { type: "button", class: "small secondary", dataset: { action: "open" }, onclick: () => openLot(lot.id) }, t.open)));
  }

  async function load() {
    try {
      const data = await request("GET", "/api/auctions/centre/trading/");
      offset = new Date(data.server_time).getTime() - Date.now();
      clearErrors(panel);
      table.querySelector(".console-rows").replaceChildren(...data.lots.map(row));
      table.querySelector("caption").textContent = `${t.updated} ${new Date(Date.now() + offset).toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false })}`;
      panel.querySelector(".console-empty").hidden = data.lots.length > 0;
      tick();
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      showError(panel, error);
      table.querySelector("caption").textContent = t.stale;
    }
  }

  // One refresh at a time, the next two seconds after the last answer, only while the tab and the page are shown.
  async function refresh() {
    clearTimeout(timer);
    timer = null;
    if (busy || !shown()) { return; }
    busy = true;
    try { await load(); } finally { busy = false; }
    if (shown() && !timer) { timer = setTimeout(refresh, REFRESH_MS); }
  }
  document.querySelectorAll("#console-tabs [data-tab]").forEach((button) => button.addEventListener("click", () => { if (!timer) { refresh(); } }));
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") { refresh(); } else { clearTimeout(timer); timer = null; } });

  async function openLot(id) {
    let lot;
    try { lot = await request("GET", `/api/auctions/work/lots/${id}/`); } catch (error) { if (error instanceof ApiError) { showError(panel, error); return; } throw error; }
    detail.replaceChildren(
      el("div", { class: "console-detail-head" }, el("h2", {}, `${lot.number || "—"} ${lot.title}`),
        el("button", { type: "button", class: "small secondary", onclick: () => { detail.hidden = true; } }, t.close)),
      el("p", {}, el("span", { class: "me-status", dataset: { status: lot.status } }, lot.status_name), " · ",
        el("a", { href: `/lots/${lot.id}/` }, t.lotLink), " · ", el("a", { href: `/lots/${lot.id}/room/`, target: "_blank", rel: "noopener" }, t.room)));
    detail.hidden = false;
    detail.dataset.id = lot.id;
    detail.focus();
    document.dispatchEvent(new CustomEvent("centre:lot-opened", { detail: { lot, box: detail, reopen: () => openLot(id) } }));
  }
})();
