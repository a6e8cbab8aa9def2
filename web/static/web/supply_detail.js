// A listing's page (土地详情页面): every public field, photos and videos, heat, and the seeker's actions —
// intention quote (意向报价) with the record (出价记录) and my rank, viewing appointment (预约看地), favourite (收藏)
// and comparison (加入比价). Visitors are sent to sign in when they use an action; the owner sees a note instead
// of the quote and appointment forms. Where the land is: a small map, the link to the map page and the surroundings.
(function () {
  "use strict";
  const t = window.SUPPLY_DETAIL_I18N;
  const { request, showError, clearErrors, el, time, ApiError, number, blank } = window.LandApi;
  const F = window.LandFormat;
  const root = document.getElementById("supply-detail");
  const id = Number(root.dataset.listingId);
  const loginUrl = `/login/?next=/supply/${id}/`;
  const quoteForm = document.getElementById("quote-form");
  const appointmentForm = document.getElementById("appointment-form");
  const actions = document.getElementById("detail-actions");
  const favouriteButton = document.getElementById("favourite-button");
  const compareButton = document.getElementById("compare-button");
  const recordRows = document.getElementById("record-rows");
  const recordMore = document.getElementById("record-more");
  let me = null;
  let listing = null;
  let owner = false;
  let favourite = false;
  let compared = false;
  let recordPage = 1;

  const unit = (suffix) => (value) => (blank(value) ? "—" : `${number(value)} ${suffix}`);
  const choice = (name) => (value) => (blank(value) ? "—" : (t.choices[name] || {})[value] || value);
  const yesNo = (value) => (value === true ? t.yes : value === false ? t.no : "—");

  // How each data-field is shown; the others are shown as they are.
  const FORMAT = {
    mode: choice("mode"),
    land_nature: choice("land_nature"),
    use_right_type: choice("use_right_type"),
    land_type: choice("land_type"),
    certificate_type: choice("certificate_type"),
    land_use: (value, l) => (blank(value) ? "—" : `${l.land_use_name || ""} (${value})`),
    area_m2: (value) => (blank(value) ? "—" : F.area(value, { withMu: true })),
    building_area_m2: (value) => (blank(value) ? "—" : F.area(value)),
    height_limit_m: unit(t.metres),
    green_ratio: unit(t.percent),
    building_density: unit(t.percent),
    floor_area_ratio: (value) => (blank(value) ? "—" : number(value)),
    price_wan: (value) => (value === null ? t.negotiable : F.money(value)),
    unit_price_wan: (value, l) => (blank(value) ? "" : F.unitPrice(l.price_wan, l.area_m2)),
    remaining_years: unit(t.years),
    lease_term_years: unit(t.years),
    with_buildings: yesNo,
    investment_over_25: yesNo,
    published_at: (value) => time(value).slice(0, 10),
    location: (value) => (Array.isArray(value) ? value.map((v) => Number(v).toFixed(6)).join(", ") : "—"),
  };

  function toLogin() { window.location.assign(loginUrl); }

  function fail(where, error) {
    if (!(error instanceof ApiError)) { throw error; }
    if (error.status === 401) { toLogin(); return; }
    showError(where, error);
  }

  function say(where, ...content) {
    const notice = where.querySelector(".notice");
    notice.replaceChildren(...content);
    notice.hidden = false;
  }

  function hush(where) {
    clearErrors(where);
    const notice = where.querySelector(".notice");
    notice.hidden = true;
    notice.replaceChildren();
  }

  async function whoAmI() {
    try {
      return await request("GET", "/api/auth/me/");
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) { return null; }
      throw error;
    }
  }

  // The listing

  function renderGallery() {
    const media = listing.attachments || [];
    const photos = media.filter((a) => a.kind === "photo");
    const videos = media.filter((a) => a.kind === "video");
    const main = document.getElementById("gallery-main");
    const thumbs = document.getElementById("gallery-thumbs");
    document.getElementById("gallery-empty").hidden = photos.length > 0 || videos.length > 0;
    main.hidden = photos.length === 0;
    function show(index) {
      main.src = photos[index].url;
      main.alt = `${t.photo} ${index + 1}`;
      thumbs.querySelectorAll("button").forEach((b, i) => b.setAttribute("aria-current", String(i === index)));
    }
    thumbs.replaceChildren(...(photos.length > 1 ? photos.map((photo, index) => el("button", {
      type: "button", "aria-label": `${t.photo} ${index + 1}`, onclick: () => show(index),
    }, el("img", { src: photo.url, alt: "" }))) : []));
    if (photos.length) { show(0); }
    document.getElementById("gallery-videos").replaceChildren(...videos.map((video, index) => el("video", {
      controls: true, preload: "metadata", src: video.url, "aria-label": `${t.video} ${index + 1}`,
    })));
  }

  function renderHeat() {
    const heat = listing.heat || {};
    root.querySelectorAll("[data-heat]").forEach((node) => { node.textContent = String(heat[node.dataset.heat] || 0); });
  }

  function bump(kind, by) {
    listing.heat[kind] = Math.max(0, (listing.heat[kind] || 0) + by);
    renderHeat();
  }

  function render() {
    document.title = `${listing.title} · ${t.site}`;
    document.getElementById("detail-title").textContent = listing.title;
    const certified = listing.certification === "certified";
    const tagNode = document.getElementById("detail-tag");
    tagNode.className = `tag ${certified ? "certified" : "uncertified"}`;
    tagNode.dataset.certification = listing.certification;
    tagNode.textContent = certified ? t.certified : t.uncertified;
    root.querySelectorAll("[data-field]").forEach((node) => {
      const name = node.dataset.field;
      const value = listing[name];
      node.textContent = FORMAT[name] ? FORMAT[name](value, listing) : blank(value) ? "—" : String(value);
    });
    root.querySelectorAll("[data-mode]").forEach((node) => { node.hidden = node.dataset.mode !== listing.mode; });
    const status = document.getElementById("detail-status");
    status.hidden = ["published", "certified"].includes(listing.status);
    status.textContent = `${t.notPublic} ${t.statuses[listing.status] || listing.status}`;
    renderHeat();
    renderGallery();
  }

  // Where it is: a small map of the outline (or the point), the link to the map page there, the surroundings

  function renderPlace() {
    return window.LandPlace.showOnPage(listing, { t, properties: { listing_id: id } });
  }

  // The quote record and my quotes

  function recordRow(quote) {
    return el("tr", { class: quote.is_mine ? "mine" : null, dataset: { id: quote.id } },
      el("td", {}, quote.quoter, quote.is_mine ? ` ${t.you}` : ""),
      el("td", {}, quote.quoter_phone),
      el("td", { class: "price" }, F.wanNumber(quote.amount_wan, { places: 4 })),
      el("td", {}, time(quote.created_at)));
  }

  async function loadRecord(reset) {
    if (reset) { recordPage = 1; }
    let data;
    try {
      data = await request("GET", `/api/market/supply/${id}/quotes/?page=${recordPage}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) { document.getElementById("quote-record").hidden = true; return; }
      throw error;
    }
    if (reset) { recordRows.replaceChildren(); }
    recordRows.append(...data.results.map(recordRow));
    document.getElementById("record-count").textContent = `(${data.count})`;
    document.getElementById("record-empty").hidden = data.count > 0;
    recordMore.hidden = !data.next;
  }

  async function loadMine() {
    const box = document.getElementById("my-quote");
    if (!me || owner) { box.hidden = true; return; }
    const mine = await request("GET", `/api/market/supply/${id}/quotes/mine/`);
    box.hidden = mine.rank === null;
    if (mine.rank === null) { return; }
    box.querySelector("[data-mine=best]").textContent = F.wanNumber(mine.best_amount_wan, { places: 4 });
    box.querySelector("[data-mine=rank]").textContent = String(mine.rank);
    box.querySelector("[data-mine=quoters]").textContent = String(mine.quoter_count);
    box.querySelector("[data-mine=count]").textContent = String(mine.quote_count);
  }

  recordMore.addEventListener("click", async () => { recordPage += 1; await loadRecord(false); });

  quoteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!me) { toLogin(); return; }
    hush(quoteForm);
    try {
      const quote = await request("POST", `/api/market/supply/${id}/quotes/`, { amount_wan: quoteForm.elements.amount_wan.value.trim() });
      quoteForm.reset();
      say(quoteForm, t.quoted.replace("{amount}", F.wanNumber(quote.amount_wan, { places: 4 })), " ",
        el("a", { href: "/me/?section=quotes" }, t.seeQuotes));
      bump("quotes", 1);
      await Promise.all([loadRecord(true), loadMine()]);
    } catch (error) { fail(quoteForm, error); }
  });

  // Viewing appointment

  function localNow() {
    const now = new Date(Date.now() + 8 * 3600 * 1000); // Asia/Shanghai, as the site's times are
    return now.toISOString().slice(0, 16);
  }

  appointmentForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!me) { toLogin(); return; }
    hush(appointmentForm);
    const local = appointmentForm.elements.visit_at.value; // 2026-05-01T09:30, read as Beijing time
    const body = { name: appointmentForm.elements.name.value, phone: appointmentForm.elements.phone.value.trim() };
    if (local) { body.visit_at = `${local.length === 16 ? `${local}:00` : local}+08:00`; }
    try {
      const appointment = await request("POST", `/api/market/supply/${id}/appointments/`, body);
      appointmentForm.elements.visit_at.value = "";
      say(appointmentForm, t.booked.replace("{time}", time(appointment.visit_at)), " ",
        el("a", { href: "/me/?section=appointments" }, t.seeBookings));
      bump("appointments", 1);
    } catch (error) { fail(appointmentForm, error); }
  });

  // Favourite and comparison

  function showFavourite(on) {
    favourite = on;
    favouriteButton.setAttribute("aria-pressed", String(on));
    favouriteButton.textContent = on ? t.favourited : t.favourite;
  }

  function showCompared(on) {
    compared = on;
    compareButton.disabled = on;
    compareButton.textContent = on ? t.inComparison : t.addToComparison;
  }

  async function loadFavourite() {
    const params = new URLSearchParams({ target: "supply", title: listing.title.slice(0, 200), page_size: "100" });
    const data = await request("GET", `/api/market/my/favourites/?${params}`);
    showFavourite(data.results.some((row) => row.target_id === id));
  }

  async function loadComparison() {
    const data = await request("GET", "/api/market/comparison/");
    showCompared(data.items.some((item) => item.listing_id === id));
  }

  favouriteButton.addEventListener("click", async () => {
    if (!me) { toLogin(); return; }
    hush(actions);
    favouriteButton.disabled = true;
    try {
      if (favourite) {
        await request("DELETE", `/api/market/favourites/supply/${id}/`);
        showFavourite(false);
        bump("favourites", -1);
      } else {
        await request("POST", "/api/market/favourites/", { target: "supply", target_id: id });
        showFavourite(true);
        bump("favourites", 1);
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && favourite) { showFavourite(false); } else { fail(actions, error); }
    } finally { favouriteButton.disabled = false; }
  });

  compareButton.addEventListener("click", async () => {
    if (!me) { toLogin(); return; }
    hush(actions);
    try {
      await request("POST", "/api/market/comparison/", { listing_id: id });
      showCompared(true);
      say(actions, t.added, " ", el("a", { href: "/compare/" }, document.getElementById("compare-link").textContent));
    } catch (error) { fail(actions, error); }
  });

  // Start

  async function start() {
    let found;
    [me, found] = await Promise.all([whoAmI(), request("GET", `/api/market/supply/${id}/`).catch((error) => error)]);
    document.getElementById("detail-loading").hidden = true;
    if (found instanceof Error) {
      if (!(found instanceof ApiError)) { throw found; }
      const missing = document.getElementById("detail-missing");
      if (found.status !== 404) { missing.prepend(`${found.message} `); }
      missing.hidden = false;
      return;
    }
    listing = found;
    owner = Boolean(me && listing.owner !== undefined && listing.owner === (me.parent_id || me.id));
    render();
    root.hidden = false;
    document.getElementById("owner-note").hidden = !owner;
    document.getElementById("interactions").hidden = owner;
    if (me && !owner) {
      appointmentForm.elements.name.value = me.real_name || "";
      appointmentForm.elements.phone.value = me.phone || "";
    }
    appointmentForm.elements.visit_at.min = localNow();
    const loads = [loadRecord(true), renderPlace()];
    if (me) { loads.push(loadMine(), loadFavourite(), loadComparison()); }
    await Promise.all(loads);
  }

  start();
})();
