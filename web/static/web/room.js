// The trading room (/lots/<id>/room/): the lot's phase, highest bid, countdown and bid history from its event stream
// (docs/live.md), and for a qualified bidder the next valid amounts, a confirmation and the API's answer. The page
// decides nothing: the server judges every bid by the database's clock; the page only counts down with it.
(function () {
  "use strict";

  const root = document.getElementById("room");
  if (!root) { return; }
  const t = JSON.parse(document.getElementById("room-labels").textContent);
  const $ = (id) => document.getElementById(id);
  const { el, request, ApiError } = window.LandApi;
  const money = (value) => window.LandFormat.wanNumber(value, { places: 4 });
  const BIDDING = new Set(["listing", "timed", "auction"]);
  const TICKING = new Set(["timed", "auction", "ended"]); // the server ticks every second then
  const WINDOW = 30; // ticks whose delay bounds the offset
  const JUMP_MS = 1000; // a sample this far from the estimate: the server's (or this machine's) clock jumped
  const SILENCE_MS = 4000; // no tick for this long in a ticking phase: the connection is taken for lost
  const SLOW_SILENCE_MS = 15000; // ... in a phase with slow ticks (every 5 s)
  const LAST_MINUTE_MS = 60000;

  const state = {
    phase: "", deadline: null, highest: null, highestBidder: null, count: 0, outcome: "",
    mine: null, increment: null, cap: null, amounts: [], lastSeq: 0, lastHeard: performance.now(),
    certificatesRequired: false,
  };
  const rows = new Map(); // evidence sequence number → its row: a replayed event never doubles a row
  let samples = []; // server_time − local receive time of recent ticks (ms, local time from performance.now())
  let offset = null; // server time = performance.now() + offset
  let source = null;
  let closed = false;

  // --- time: the server's clock, measured NTP-style -------------------------------------------------------------

  // One measurement: server − local at receipt. A request's answer is taken at the middle of its round trip
  // (the server read its clock somewhere in it); a tick's at its receipt, so each tick's sample is smaller than the
  // true offset by its one-way delay. The largest sample of recent ticks (the least delayed one) is the estimate.
  function measure(serverIso, receivedAt, roundTrip) {
    const sample = Date.parse(serverIso) - (receivedAt - (roundTrip || 0) / 2);
    if (offset !== null && Math.abs(sample - offset) > JUMP_MS) { samples = []; } // a clock jump: start over
    samples.push(sample);
    if (samples.length > WINDOW) { samples.shift(); }
    offset = Math.max(...samples);
  }

  const serverNow = () => performance.now() + offset;

  function remainingMs() {
    if (state.deadline === null || offset === null) { return null; }
    return Math.max(0, state.deadline - serverNow());
  }

  function clock(ms) {
    const total = Math.ceil(ms / 1000);
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const two = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
  }

  function drawCountdown() {
    const node = $("room-countdown");
    const left = remainingMs();
    node.dataset.remainingMs = left === null ? "" : String(Math.round(left));
    node.textContent = left === null ? "—" : clock(left);
    const warn = left !== null && left > 0 && left <= LAST_MINUTE_MS && BIDDING.has(state.phase);
    $("room-last-minute").hidden = !warn;
    node.classList.toggle("room-countdown-late", warn);
  }

  // --- what the page shows ----------------------------------------------------------------------------------------

  const stamp = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });

  function addBid(seq, bidder, amount, arrivedAt) {
    if (rows.has(seq)) { return; }
    const row = el("tr", { dataset: { seq: String(seq) } },
      el("td", { class: "room-bidder" }, bidder), el("td", { class: "room-amount" }, money(amount)),
      el("td", { class: "muted" }, arrivedAt ? stamp.format(new Date(arrivedAt)).replace(/\//g, "-") : ""));
    if (state.mine && bidder === state.mine) { row.classList.add("room-mine"); }
    rows.set(seq, row);
    const body = $("room-history");
    const after = Array.from(body.rows).find((other) => Number(other.dataset.seq) < seq); // newest first
    body.insertBefore(row, after || null);
    $("room-history-empty").hidden = true;
  }

  function phaseText() {
    const name = t.phases[state.phase] || state.phase || "—";
    return state.outcome && t.outcomes[state.outcome] ? `${name} · ${t.outcomes[state.outcome]}` : name;
  }

  function draw() {
    $("room-phase").textContent = phaseText();
    $("room-phase").dataset.phase = state.phase;
    $("room-highest").textContent = state.highest === null ? "—" : `${money(state.highest)} 万元`;
    $("room-highest").dataset.amount = state.highest === null ? "" : state.highest;
    $("room-highest-bidder").textContent = state.highestBidder ? `(${state.highestBidder})` : "";
    $("room-bid-count").textContent = String(state.count);
    drawCountdown();
    if (state.mine) { drawMine(); }
  }

  // --- the bidder's part ------------------------------------------------------------------------------------------

  // The next valid amounts after `highest` by the lot's rules, as the API computes them (auctions/api/trading.py):
  // the highest plus one increment, and its multiples up to the raise cap (five without one), at most ten.
  function nextAmounts() {
    if (!BIDDING.has(state.phase) || state.increment === null) { return []; }
    if (state.highest === null) { return state.amounts; } // the first bid: from the start price, the API's list
    const scale = (value) => { const [w, f = ""] = String(value).split("."); return BigInt(w + f.padEnd(4, "0").slice(0, 4)); };
    const text = (n) => { const s = n.toString().padStart(5, "0"); return `${s.slice(0, -4)}.${s.slice(-4)}`; };
    const base = scale(state.highest), step = scale(state.increment);
    const count = Math.min(state.cap || 5, 10);
    return Array.from({ length: count }, (_, i) => text(base + step * BigInt(i + 1)));
  }

  let shownAmounts = "";
  function drawMine() {
    $("room-my-number").textContent = state.mine;
    const mineBid = Array.from(rows.values()).some((row) => row.querySelector(".room-bidder").textContent === state.mine);
    $("room-my-status").textContent = state.highestBidder === state.mine ? t.leading : mineBid ? t.outbid : t.noBid;
    const form = $("room-bid-form");
    form.hidden = !BIDDING.has(state.phase);
    const amounts = nextAmounts();
    const key = amounts.join(",");
    if (key === shownAmounts) { return; }
    shownAmounts = key;
    $("room-amounts").replaceChildren(...amounts.map((amount) => el("button", {
      type: "button", class: "room-amount-button", dataset: { amount }, onclick: () => ask(amount),
    }, `${money(amount)} 万元`)));
  }

  // The confirmation: the amount, and the certificate that will sign the bid (web/static/web/signing.js) or why
  // none can where the lot requires one — then there is nothing to confirm, only the way to a certificate.
  let pending = null;
  let signer = null;
  async function ask(amount) {
    pending = amount;
    $("room-confirm-text").textContent = t.confirm.replace("{amount}", money(amount));
    const note = $("room-signing");
    note.dataset.state = "checking";
    note.textContent = window.LandSigning.labels().checking;
    $("room-confirm-yes").hidden = true;
    $("room-confirm").hidden = false;
    try {
      signer = await window.LandSigning.find();
    } catch (failure) {
      signer = { reason: "none" }; // the certificates could not be read: unsigned, or refused where required
    }
    const may = window.LandSigning.describe(note, signer, state.certificatesRequired);
    $("room-confirm-yes").hidden = !may;
    $(may ? "room-confirm-yes" : "room-confirm-no").focus();
  }

  function uuid() {
    if (window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    const b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function send() {
    const amount = pending;
    pending = null;
    $("room-confirm").hidden = true;
    const error = $("room-bid-error"), sent = $("room-bid-sent");
    error.hidden = true; sent.hidden = true;
    const body = { client_bid_id: uuid(), amount_wan: amount };
    if (signer && signer.certificate) {
      const fields = { lot: Number(root.dataset.lot), client_bid_id: body.client_bid_id, amount_wan: window.LandSigning.fourPlaces(amount) };
      const signature = await window.LandSigning.sign("bid.place", fields, signer);
      if (signature) { body.signed = signature.signed; }
    }
    let answer = null;
    for (let attempt = 0; attempt < 2 && answer === null; attempt += 1) { // a lost answer: the same id once more
      try {
        answer = await request("POST", root.dataset.bidUrl, body);
      } catch (failure) {
        if (failure instanceof ApiError) {
          error.textContent = window.LandSigning.refusal(failure);
          error.dataset.code = failure.code || "";
          error.hidden = false;
          return;
        }
      }
    }
    if (answer === null) { error.textContent = t.failed; error.dataset.code = "network"; error.hidden = false; return; }
    sent.textContent = t.sent.replace("{amount}", money(answer.amount_wan));
    sent.dataset.seq = String(answer.seq);
    sent.hidden = false;
  }

  $("room-confirm-yes").addEventListener("click", send);
  $("room-confirm-no").addEventListener("click", () => { pending = null; $("room-confirm").hidden = true; });
  $("room-bid-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("room-amount-input").value.trim();
    if (value) { ask(value); }
  });

  // --- the live channel -------------------------------------------------------------------------------------------

  function connection(name) {
    const node = $("room-connection");
    if (node.dataset.state === name) { return; }
    node.dataset.state = name;
    node.textContent = t[name];
  }

  function onTick(event) {
    const received = performance.now();
    const tick = JSON.parse(event.data);
    state.lastHeard = received;
    measure(tick.server_time, received, 0);
    Object.assign(state, {
      phase: tick.phase, deadline: tick.deadline ? Date.parse(tick.deadline) : null, highest: tick.highest_wan,
      highestBidder: tick.highest_bidder, count: tick.bid_count, outcome: tick.outcome || "",
    });
    connection("synced");
    draw();
  }

  function onEntry(event) {
    state.lastHeard = performance.now();
    const seq = Number(event.lastEventId);
    if (seq > state.lastSeq) { state.lastSeq = seq; }
    if (event.type !== "bid.accepted") { return; }
    const entry = JSON.parse(event.data);
    const data = entry.data || {};
    addBid(seq, data.bidder, data.amount_wan, data.arrived_at);
    // the newest bid is the highest (each must raise it); the next tick confirms the rest
    if (seq === Math.max(...rows.keys())) {
      state.highest = data.amount_wan;
      state.highestBidder = data.bidder;
      if (data.deadline) { state.deadline = Date.parse(data.deadline); }
      state.count = Math.max(state.count, rows.size);
      draw();
    }
  }

  const KINDS = ["bid.accepted", "trading.suspended", "trading.resumed", "trading.terminated", "reserve.committed",
    "reserve.revealed", "result", "result.revoked"];

  // A new EventSource from the last entry seen: the server replays what came after it (the browser's own
  // reconnection sends Last-Event-ID by itself; this one is for a stream the page gave up on).
  function connect() {
    if (source) { source.close(); }
    source = new EventSource(`${root.dataset.eventsUrl}?last_event_id=${state.lastSeq}`);
    source.addEventListener("tick", onTick);
    for (const kind of KINDS) { source.addEventListener(kind, onEntry); }
    source.addEventListener("closed", (event) => {
      closed = true;
      source.close();
      const outcome = JSON.parse(event.data).outcome;
      state.phase = "closed";
      state.outcome = outcome || state.outcome;
      connection("synced");
      draw();
    });
    source.addEventListener("error", () => { if (!closed) { connection("reconnecting"); } });
    state.lastHeard = performance.now();
  }

  // The watchdog: a stream silent for longer than its ticks allow is dead even if the browser has not noticed (a
  // network gone without a reset): say so and reconnect from the last entry seen.
  setInterval(() => {
    if (closed) { return; }
    const silence = performance.now() - state.lastHeard;
    const limit = TICKING.has(state.phase) ? SILENCE_MS : SLOW_SILENCE_MS;
    if (silence > limit) { connection("reconnecting"); connect(); }
  }, 1000);
  setInterval(drawCountdown, 50);
  // The browser knows its network is gone: a stream through it is dead even where its socket has not failed yet.
  window.addEventListener("offline", () => { if (!closed && source) { source.close(); connection("reconnecting"); } });
  window.addEventListener("online", () => { if (!closed) { connect(); } });

  async function start() {
    const sentAt = performance.now();
    try {
      const data = await request("GET", root.dataset.stateUrl);
      const receivedAt = performance.now();
      measure(data.server_time, receivedAt, receivedAt - sentAt);
      Object.assign(state, {
        phase: data.phase, deadline: data.deadline ? Date.parse(data.deadline) : null, highest: data.highest_wan,
        highestBidder: data.highest_bidder, count: data.bid_count, outcome: data.outcome || "",
        mine: data.my_bidder_number, increment: data.increment_wan, cap: data.raise_cap_increments,
        amounts: data.next_amounts, certificatesRequired: data.certificates_required,
      });
      for (const bid of data.history.slice().reverse()) { addBid(bid.seq, bid.bidder, bid.amount_wan, bid.arrived_at); }
      state.lastSeq = data.history.length ? data.history[0].seq : 0;
      if (state.mine) { $("room-me").hidden = false; }
      draw();
    } finally {
      connect();
    }
  }

  start();
})();
