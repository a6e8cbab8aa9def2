// The supervisor's page (监管, web/views_supervision.py): the lots of my regions by status and keyword, a lot's panel
// (its trading state, the verification of its evidence log, the log itself paged here, the trail of who did what,
// its warnings and links to the room, the public page and the protocol), every warning of my regions, and the newest
// signed roots. It only reads: every answer comes from the supervision, trading, protocol and roots APIs.
(function () {
  "use strict";
  const t = JSON.parse(document.getElementById("supervision-labels").textContent);
  const { request, el, showError, clearErrors, ApiError, number } = window.LandApi;
  const PAGE_SIZE = 20;

  // "{count} found" with {count} filled in.
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));

  const shanghai = new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  // A moment in Asia/Shanghai to the second: "2026-11-05 09:30:07".
  function moment(iso) {
    if (!iso) { return "—"; }
    const p = {};
    for (const part of shanghai.formatToParts(new Date(iso))) { p[part.type] = part.value; }
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
  }

  // A hash or other long text cut short, the whole of it in the title.
  const HEX = /^[0-9a-f]{32,}$/;
  function short(value) {
    if (value === null || value === undefined) { return "—"; }
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    if (HEX.test(text)) { return `${text.slice(0, 12)}…`; }
    return text.length > 48 ? `${text.slice(0, 47)}…` : text;
  }
  // An entry's or a warning's data in one line: "bidder: 731905 · amount_wan: 1000".
  function summary(data) {
    const pairs = Object.entries(data || {});
    return pairs.length ? pairs.map(([key, value]) => `${key}: ${short(value)}`).join(" · ") : "—";
  }
  const hash = (value) => el("code", { title: value }, short(value));

  function pager(nav, page, pages, go) {
    nav.hidden = pages <= 1;
    nav.replaceChildren(
      el("button", { type: "button", class: "small secondary", rel: "prev", disabled: page <= 1, onclick: () => go(page - 1) }, t.previous),
      el("span", { class: "muted" }, fill(t.page, { page, pages: Math.max(pages, 1) })),
      el("button", { type: "button", class: "small secondary", rel: "next", disabled: page >= pages, onclick: () => go(page + 1) }, t.next));
  }

  // A list from a paged API into `rows` (a tbody), with its count in `note` and a pager in `nav`; errors shown in
  // `form` (or in `note`). Returns load(page).
  function pagedRows({ rows, note, nav, form, endpoint, params, row }) {
    async function load(page) {
      if (form) { clearErrors(form); }
      note.textContent = t.loading;
      const query = new URLSearchParams({ ...params(), page: String(page), page_size: String(PAGE_SIZE) });
      let data;
      try {
        data = await request("GET", `${endpoint}?${query}`);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        rows.replaceChildren();
        note.textContent = form ? "" : fill(t.failed, { message: error.message });
        if (form) { showError(form, error); }
        return;
      }
      rows.replaceChildren(...data.results.map(row));
      note.textContent = data.count ? fill(t.found, { count: data.count }) : t.none;
      if (nav) { pager(nav, page, Math.ceil(data.count / PAGE_SIZE), load); }
    }
    return load;
  }

  function filled(form) {
    return Object.fromEntries(Array.from(new FormData(form)).filter(([, value]) => String(value).trim() !== ""));
  }

  function table(headers, body) {
    return el("table", { class: "data console-table" },
      el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, h)))), body);
  }

  // ---------------------------------------------------------------------------------------------------- tabs

  const tabs = Array.from(document.querySelectorAll("#supervision-tabs [data-tab]"));
  const panels = Object.fromEntries(Array.from(document.querySelectorAll(".supervision-panel")).map((p) => [p.dataset.tab, p]));
  const loaded = new Set();
  function activate(name) {
    tabs.forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.tab === name)));
    Object.values(panels).forEach((panel) => { panel.hidden = panel.dataset.tab !== name; });
    if (!loaded.has(name)) { loaded.add(name); FIRST_LOAD[name](); }
  }
  tabs.forEach((tab) => tab.addEventListener("click", () => activate(tab.dataset.tab)));

  // ---------------------------------------------------------------------------------------------------- lots

  const lotsPanel = panels.lots;
  const lotFilters = document.getElementById("lot-filters");
  const lotPanel = document.getElementById("lot-panel");
  const loadLots = pagedRows({
    rows: lotsPanel.querySelector(".supervision-rows"),
    note: lotsPanel.querySelector(".supervision-summary"),
    nav: lotsPanel.querySelector(".supervision-pager"),
    form: lotFilters,
    endpoint: "/api/auctions/supervision/lots/",
    params: () => filled(lotFilters),
    row: (lot) => el("tr", { dataset: { id: lot.id, status: lot.status } },
      el("td", {}, lot.number || "—"),
      el("td", {}, lot.title, el("div", { class: "muted" }, lot.region_name)),
      el("td", {}, lot.centre_name),
      el("td", {}, lot.status_name),
      el("td", {}, el("span", { class: lot.anomalies ? "warning-count" : "muted", dataset: { anomalies: lot.anomalies } }, String(lot.anomalies))),
      el("td", {}, el("button", { type: "button", class: "small secondary", dataset: { action: "open" }, onclick: () => openLot(lot) }, t.open))),
  });
  lotFilters.addEventListener("submit", (event) => { event.preventDefault(); loadLots(1); });
  lotFilters.elements.status.addEventListener("change", () => loadLots(1));

  // A section of the lot's panel: its title and a body filled by `work` (its failure said in the section).
  function section(name, title, work) {
    const body = el("div", { class: "panel-body" }, t.loading);
    const box = el("section", { class: "panel-section", dataset: { section: name } }, el("h3", {}, title), body);
    work(body).catch((error) => {
      if (!(error instanceof ApiError)) { throw error; }
      body.replaceChildren(el("p", { class: "muted" }, fill(t.failed, { message: error.message })));
    });
    return box;
  }

  function dl(pairs) {
    return el("dl", { class: "console-fields" }, ...pairs.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, value === null || value === undefined || value === "" ? "—" : String(value))]));
  }

  async function tradingState(body, lot) {
    let state;
    try {
      state = await request("GET", `/api/auctions/lots/${lot.id}/trading/`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
      body.replaceChildren(el("p", { class: "muted", dataset: { phase: "none" } }, t.notTrading));
      return;
    }
    body.replaceChildren(el("div", { dataset: { phase: state.phase } }, dl([
      [t.phase, t.phases[state.phase] || state.phase],
      [t.deadline, state.deadline ? moment(state.deadline) : null],
      [t.highest, state.highest_wan === null ? null : number(state.highest_wan)],
      [t.highestBidder, state.highest_bidder],
      [t.bidCount, state.bid_count],
      [t.outcome, state.outcome ? t.outcomes[state.outcome] || state.outcome : null],
    ])));
  }

  async function verification(body, lot) {
    const check = await request("GET", `/api/auctions/work/lots/${lot.id}/evidence-check/`);
    const chain = check.ok
      ? el("p", { class: "verify-ok", dataset: { verify: "ok" } }, "✓ ", fill(t.chainOk, { entries: check.entries }))
      : el("p", { class: "verify-broken", dataset: { verify: "broken", seq: check.failure.seq } }, "✗ ", fill(t.chainBroken, check.failure));
    let root;
    if (!check.root) {
      root = el("p", { class: "muted", dataset: { root: "none" } }, t.rootNotYet);
    } else {
      const text = check.root.matches ? t.rootHolds : t.rootDiffers;
      root = el("p", { class: check.root.matches ? "verify-ok" : "verify-broken", dataset: { root: check.root.matches ? "holds" : "differs" } }, fill(text, check.root));
    }
    body.replaceChildren(chain, root, check.head ? el("p", { class: "muted" }, `${t.hash}: `, hash(check.head)) : "");
  }

  // Who signed a signed entry (its data.signature is the record's hash; the staff's protocol names the signer).
  function signedBy(entry, signers) {
    const signer = entry.data && signers[entry.data.signature];
    if (!signer) { return el("td", { dataset: { field: "signature" } }, "—"); }
    return el("td", { dataset: { field: "signature", signed: "yes" } }, fill(t.signedBy, signer));
  }

  // The protocol's entries, newest first, paged here (the protocol comes whole).
  async function evidence(body, lot) {
    const protocol = await request("GET", `/api/auctions/lots/${lot.id}/protocol/`);
    const entries = protocol.entries.slice().reverse();
    const rows = el("tbody");
    const nav = el("nav", { class: "pager", "aria-label": t.evidence, hidden: true });
    const show = (page) => {
      const slice = entries.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
      rows.replaceChildren(...slice.map((entry) => el("tr", { dataset: { seq: entry.seq, kind: entry.kind } },
        el("td", {}, String(entry.seq)), el("td", {}, el("code", {}, entry.kind)), el("td", {}, moment(entry.at)),
        el("td", { class: "entry-data" }, summary(entry.data)), signedBy(entry, protocol.signers || {}),
        el("td", {}, hash(entry.hash)))));
      pager(nav, page, Math.ceil(entries.length / PAGE_SIZE), show);
    };
    if (!entries.length) { body.replaceChildren(el("p", { class: "muted" }, t.none)); return; }
    body.replaceChildren(table([t.seq, t.kind, t.time, t.data, t.signature, t.hash], rows), nav);
    show(1);
  }

  function trail(body, lot) {
    const rows = el("tbody");
    const note = el("p", { class: "muted" });
    const nav = el("nav", { class: "pager", "aria-label": t.trail, hidden: true });
    body.replaceChildren(note, table([t.time, t.action, t.actor, t.note], rows), nav);
    return pagedRows({
      rows, note, nav,
      endpoint: "/api/auctions/supervision/events/",
      params: () => ({ lot: lot.id }),
      row: (event) => el("tr", {}, el("td", {}, moment(event.created_at)), el("td", {}, el("code", {}, event.action)),
        el("td", {}, `${event.actor.name} (${event.actor.role})`), el("td", {}, event.note || "—")),
    })(1);
  }

  const anomalyRow = (anomaly, withLot) => el("tr", { dataset: { anomaly: anomaly.id, kind: anomaly.kind } },
    el("td", {}, moment(anomaly.created_at)),
    withLot ? el("td", {}, anomaly.lot_number || `#${anomaly.lot}`, el("div", { class: "muted" }, anomaly.lot_title)) : null,
    el("td", {}, el("span", { class: "warning-kind" }, anomaly.kind_name)),
    el("td", { class: "entry-data" }, summary(anomaly.detail)));

  function lotAnomalies(body, lot) {
    const rows = el("tbody");
    const note = el("p", { class: "muted" });
    const nav = el("nav", { class: "pager", "aria-label": t.anomalies, hidden: true });
    body.replaceChildren(note, table([t.time, t.warningKind, t.detail], rows), nav);
    return pagedRows({
      rows, note, nav,
      endpoint: "/api/auctions/supervision/anomalies/",
      params: () => ({ lot: lot.id }),
      row: (anomaly) => anomalyRow(anomaly, false),
    })(1);
  }

  function openLot(lot) {
    lotPanel.dataset.lot = lot.id;
    lotPanel.replaceChildren(
      el("div", { class: "console-detail-head" },
        el("h2", {}, `${lot.number || ""} ${lot.title}`.trim()),
        el("button", { type: "button", class: "small secondary", onclick: () => { lotPanel.hidden = true; } }, t.close)),
      el("p", { class: "panel-links" },
        el("a", { href: `/lots/${lot.id}/room/`, dataset: { link: "room" } }, t.room),
        el("a", { href: `/lots/${lot.id}/`, dataset: { link: "public" } }, t.publicPage),
        el("a", { href: `/api/auctions/lots/${lot.id}/protocol/`, download: "", dataset: { link: "protocol" } }, t.protocol)),
      section("trading", t.trading, (body) => tradingState(body, lot)),
      section("verification", t.verification, (body) => verification(body, lot)),
      section("anomalies", t.anomalies, (body) => lotAnomalies(body, lot)),
      section("evidence", t.evidence, (body) => evidence(body, lot)),
      section("trail", t.trail, (body) => trail(body, lot)));
    lotPanel.hidden = false;
    lotPanel.focus();
    lotPanel.scrollIntoView({ block: "start" });
  }

  // ---------------------------------------------------------------------------------------------------- warnings

  const anomaliesPanel = panels.anomalies;
  const anomalyFilters = document.getElementById("anomaly-filters");
  const loadAnomalies = pagedRows({
    rows: anomaliesPanel.querySelector(".supervision-rows"),
    note: anomaliesPanel.querySelector(".supervision-summary"),
    nav: anomaliesPanel.querySelector(".supervision-pager"),
    form: anomalyFilters,
    endpoint: "/api/auctions/supervision/anomalies/",
    params: () => filled(anomalyFilters),
    row: (anomaly) => anomalyRow(anomaly, true),
  });
  anomalyFilters.addEventListener("submit", (event) => { event.preventDefault(); loadAnomalies(1); });
  anomalyFilters.elements.kind.addEventListener("change", () => loadAnomalies(1));

  // ---------------------------------------------------------------------------------------------------- roots

  const rootsPanel = panels.roots;
  const loadRoots = pagedRows({
    rows: rootsPanel.querySelector(".supervision-rows"),
    note: rootsPanel.querySelector(".supervision-summary"),
    endpoint: "/api/auctions/roots/",
    params: () => ({}),
    row: (root) => el("tr", { dataset: { root: root.id } },
      el("td", {}, root.signed_at), el("td", {}, String(root.tree_size)), el("td", {}, hash(root.root)), el("td", {}, el("code", {}, root.key_id))),
  });

  const FIRST_LOAD = { lots: () => loadLots(1), anomalies: () => loadAnomalies(1), roots: () => loadRoots(1) };
  activate("lots");
})();
