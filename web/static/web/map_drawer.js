// The map page's drawer: a listing's key facts, photos, certification tag and the seeker's actions (quote, viewing,
// favourite, comparison — as on the listing's page, by the same APIs), a demand or a parcel's facts, and the
// surroundings (周边配套): radius rings on the map, amenity counts and the nearest per category, amenities shown; a
// lot's summary (交易标的: number, phase, start price, its schedule in Beijing time, centre) with links to its page and
// its announcement.
(function () {
  "use strict";
  const { request, showError, clearErrors, el, time, ApiError, blank } = window.LandApi;
  const F = window.LandFormat;
  const { rings } = window.LandMapStyle;
  const { distance, renderSurroundings } = window.LandPlace;

  function create({ map, t, modes, categories, radii, signedIn, showAmenities, onClose }) {
    const root = document.getElementById("map-drawer");
    const title = document.getElementById("drawer-title");
    const body = document.getElementById("drawer-body");
    const around = document.getElementById("drawer-surroundings");
    const table = document.getElementById("surroundings-table");
    const names = Object.fromEntries(categories.map(({ code, name }) => [code, name]));
    let token = 0;

    function facts(rows) {
      return el("dl", { class: "drawer-facts" }, ...rows.filter(([, value]) => !blank(value)).flatMap(([label, value, field]) => [
        el("dt", {}, label), el("dd", { dataset: { field } }, value),
      ]));
    }

    function clear() {
      map.getSource("rings").setData({ type: "FeatureCollection", features: [] });
      map.getSource("selection").setData({ type: "FeatureCollection", features: [] });
    }

    function close() {
      token += 1;
      root.hidden = true;
      delete root.dataset.kind;
      delete root.dataset.id;
      clear();
      onClose();
    }

    function opening(kind, id, heading) {
      token += 1;
      root.hidden = false;
      root.dataset.kind = kind;
      root.dataset.id = String(id);
      root.dataset.state = "loading";
      title.textContent = heading || "";
      body.replaceChildren(el("p", { class: "muted" }, t.loading));
      around.hidden = true;
      return token;
    }

    function failed(error) {
      if (!(error instanceof ApiError)) { throw error; }
      body.replaceChildren(el("p", { class: "form-error" }, `${t.loadFailed} ${error.message}`));
      root.dataset.state = "failed";
    }

    // ------------------------------------------------------------------------------------------ surroundings

    async function surroundings(mine, url, origin) {
      let data;
      try {
        data = await request("GET", url);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        around.hidden = false;
        document.getElementById("surroundings-note").textContent = `${t.loadFailed} ${error.message}`;
        return;
      }
      if (mine !== token) { return; }
      const center = data.origin || origin;
      const used = data.radii.map((ring) => ring.radius_m);
      map.getSource("rings").setData(rings(center, used, (radius) => distance(radius, t)));
      map.getSource("selection").setData({ type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: center } }] });
      showAmenities();
      const largest = data.radii[data.radii.length - 1];
      const ring = rings(center, [largest.radius_m], () => "").features[0].geometry.coordinates[0];
      const lons = ring.map((p) => p[0]);
      const lats = ring.map((p) => p[1]);
      // On a phone the drawer is a sheet over the map's lower part: the rings are fitted into what stays in view.
      const sheet = window.matchMedia("(max-width: 760px)").matches ? root.offsetHeight : 0;
      const room = map.getCanvas().clientHeight - sheet > 160 ? sheet : 0;
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: { top: 40, left: 40, right: 40, bottom: 40 + room }, duration: 0 });
      const noneNear = renderSurroundings(table, data, t, names);
      document.getElementById("surroundings-note").textContent = [t.surroundingsFrom, noneNear].join(" ");
      around.hidden = false;
      around.dataset.origin = center.join(",");
      root.dataset.state = "ready";
    }

    const pointSurroundings = (mine, lonLat) => surroundings(mine, `/api/geo/surroundings/?lon=${lonLat[0]}&lat=${lonLat[1]}&radii=${radii.join(",")}`, lonLat);

    // ------------------------------------------------------------------------------------------ actions

    function loginLink() {
      return `/login/?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
    }

    // The drawer's action area: an error line and a notice; `fail` sends a signed-out seeker to sign in.
    function actionBox() {
      const box = el("div", { class: "drawer-actions", id: "drawer-actions" }, el("p", { class: "form-error", role: "alert", hidden: true }), el("p", { class: "notice", hidden: true }));
      const say = (...content) => { const notice = box.querySelector(".notice"); notice.replaceChildren(...content); notice.hidden = false; };
      const fail = (error) => {
        if (!(error instanceof ApiError)) { throw error; }
        if (error.status === 401) { window.location.assign(loginLink()); return; }
        showError(box, error);
      };
      return { box, say, fail };
    }

    // Keeping a supply listing or a demand (收藏): pressed when the seeker already keeps it.
    function favouriteToggle(target, id, title, { box, fail }) {
      let kept = false;
      const button = el("button", { type: "button", class: "secondary", "aria-pressed": "false", dataset: { action: "favourite" } }, t.favourite);
      const show = (on) => { kept = on; button.setAttribute("aria-pressed", String(on)); button.textContent = on ? t.favourited : t.favourite; };
      button.addEventListener("click", async () => {
        clearErrors(box);
        try {
          if (kept) { await request("DELETE", `/api/market/favourites/${target}/${id}/`); show(false); }
          else { await request("POST", "/api/market/favourites/", { target, target_id: id }); show(true); }
        } catch (error) { fail(error); }
      });
      const params = new URLSearchParams({ target, title: (title || "").slice(0, 200), page_size: "100" });
      request("GET", `/api/market/my/favourites/?${params}`).then((data) => show(data.results.some((row) => row.target_id === id))).catch(() => {});
      return button;
    }

    function signInLine() {
      return el("p", {}, el("a", { href: loginLink(), dataset: { action: "sign-in" } }, t.signIn));
    }

    function actions(listing) {
      const id = listing.id;
      const area = actionBox();
      const { box, say, fail } = area;
      const booking = el("a", { href: `/supply/${id}/#appointment-form`, class: "drawer-link", dataset: { action: "viewing" } }, t.bookViewing);
      if (!signedIn) {
        box.append(signInLine(), booking);
        return box;
      }
      const quote = el("form", { class: "drawer-quote", novalidate: true },
        el("label", {}, t.amountWan, " ", el("input", { name: "amount_wan", inputmode: "decimal", required: true })),
        el("button", { type: "submit" }, t.quote));
      quote.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearErrors(box);
        try {
          const made = await request("POST", `/api/market/supply/${id}/quotes/`, { amount_wan: quote.elements.amount_wan.value.trim() });
          quote.reset();
          say(t.quoted.replace("{amount}", F.wanNumber(made.amount_wan, { places: 4 })));
        } catch (error) { fail(error); }
      });
      const compareButton = el("button", { type: "button", class: "secondary", dataset: { action: "compare" } }, t.compare);
      compareButton.addEventListener("click", async () => {
        clearErrors(box);
        try {
          await request("POST", "/api/market/comparison/", { listing_id: id });
          compareButton.disabled = true;
          compareButton.textContent = t.compared;
          say(el("a", { href: "/compare/" }, t.seeComparison));
        } catch (error) { fail(error); }
      });
      box.append(quote, el("p", { class: "drawer-buttons" }, favouriteToggle("supply", id, listing.title, area), compareButton, booking));
      return box;
    }

    // A demand's actions: keeping it (the seeker's favourites), or signing in to do so.
    function demandActions(demand) {
      const area = actionBox();
      area.box.append(signedIn ? el("p", { class: "drawer-buttons" }, favouriteToggle("demand", demand.id, demand.title, area)) : signInLine());
      return area.box;
    }

    // ------------------------------------------------------------------------------------------ what opens

    async function openListing(id, fallback) {
      const mine = opening("supply", id, (fallback && fallback.title) || "");
      let listing;
      try {
        listing = await request("GET", `/api/market/supply/${id}/`);
      } catch (error) { if (mine === token) { failed(error); } return; }
      if (mine !== token) { return; }
      title.textContent = listing.title;
      const certified = listing.certification === "certified";
      const photos = listing.photos || [];
      const price = listing.price_wan === null ? t.negotiable : F.money(listing.price_wan);
      body.replaceChildren(
        el("p", { class: "drawer-tags" },
          el("span", { class: `tag ${certified ? "certified" : "uncertified"}`, dataset: { certification: listing.certification } }, certified ? t.certified : t.uncertified),
          el("span", { class: "tag", dataset: { field: "mode" } }, (modes.supply.find(([v]) => v === listing.mode) || [listing.mode, listing.mode])[1])),
        photos.length
          ? el("div", { class: "drawer-photos" }, ...photos.slice(0, 5).map((url, index) => el("img", { src: url, alt: `${t.photo} ${index + 1}`, loading: "lazy" })))
          : el("p", { class: "muted drawer-photos-empty" }, t.noPhotos),
        facts([
          [t.price, price, "price"],
          [t.unitPrice, blank(listing.unit_price_wan) ? "" : F.unitPrice(listing.price_wan, listing.area_m2), "unit_price"],
          [t.area, blank(listing.area_m2) ? "" : F.area(listing.area_m2, { withMu: true }), "area"],
          [t.landUse, listing.land_use ? `${listing.land_use_name || ""} (${listing.land_use})` : "", "land_use"],
          [t.region, listing.region_name, "region"],
          [t.address, listing.address, "address"],
          [t.remaining, blank(listing.remaining_years) ? "" : `${listing.remaining_years} ${t.years}`, "remaining_years"],
          [t.published, listing.published_at ? time(listing.published_at).slice(0, 10) : "", "published"],
        ]),
        el("p", {}, el("a", { href: `/supply/${id}/`, class: "drawer-link", dataset: { action: "details" } }, t.details)),
        actions(listing));
      root.dataset.state = "facts";
      let origin = listing.location || (fallback && fallback.location);
      if (!origin && listing.outline) {
        const points = listing.outline.coordinates.flat(2);
        origin = [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
      }
      if (origin) { await pointSurroundings(mine, origin); }
    }

    async function openDemand(id, lonLat) {
      const mine = opening("demand", id, "");
      let demand;
      try {
        demand = await request("GET", `/api/market/demand/${id}/`);
      } catch (error) { if (mine === token) { failed(error); } return; }
      if (mine !== token) { return; }
      title.textContent = demand.title;
      const kind = (modes.demand.find(([value]) => value === demand.kind) || [demand.kind, demand.kind])[1];
      body.replaceChildren(
        el("p", { class: "drawer-tags" }, el("span", { class: "tag" }, t.demand), el("span", { class: "tag", dataset: { field: "kind" } }, kind)),
        facts([
          [t.area, F.range(demand.area_min_m2, demand.area_max_m2, "area"), "area"],
          [t.budget, F.range(demand.price_min_wan, demand.price_max_wan, "money"), "budget"],
          [t.landUse, demand.land_use ? `${demand.land_use_name || ""} (${demand.land_use})` : "", "land_use"],
          [t.region, demand.region ? demand.region.name : "", "region"],
          [t.registered, demand.registered_at ? time(demand.registered_at).slice(0, 10) : "", "registered"],
        ]),
        el("p", {}, el("a", { href: `/demand/${id}/`, class: "drawer-link", dataset: { action: "details" } }, t.details)),
        demandActions(demand));
      root.dataset.state = "facts";
      if (lonLat) { await pointSurroundings(mine, lonLat); }
    }

    async function openParcel(code) {
      const mine = opening("parcel", code, `${t.parcel} ${code}`);
      let parcel;
      try {
        parcel = await request("GET", `/api/geo/parcels/${encodeURIComponent(code)}/`);
      } catch (error) { if (mine === token) { failed(error); } return; }
      if (mine !== token) { return; }
      const p = parcel.properties;
      body.replaceChildren(facts([
        [t.parcelCode, p.code, "code"],
        [t.area, blank(p.area_m2) ? "" : F.area(p.area_m2, { withMu: true }), "area"],
        [t.landUse, p.land_use ? `${p.land_use_name || ""} (${p.land_use})` : "", "land_use"],
        [t.region, p.region_name, "region"],
        [t.address, p.address, "address"],
      ]), el("p", {}, el("a", { href: `/parcels/${encodeURIComponent(code)}/`, class: "drawer-link", dataset: { action: "parcel-page" } }, t.parcelPage)));
      root.dataset.state = "facts";
      await surroundings(mine, `/api/geo/parcels/${encodeURIComponent(code)}/surroundings/?radii=${radii.join(",")}`, p.centroid);
    }

    // A public lot (GET /api/auctions/lots/<id>/); its phase is the one the map or the list showed (the database's
    // clock when drawn).
    async function openLot(id, { phase, title: heading, location } = {}) {
      const mine = opening("lot", id, heading || "");
      let lot;
      try {
        lot = await request("GET", `/api/auctions/lots/${id}/`);
      } catch (error) { if (mine === token) { failed(error); } return; }
      if (mine !== token) { return; }
      title.textContent = lot.title;
      const at = (value) => (value ? F.dateTime(value) : "");
      const current = lot.current_announcement;
      body.replaceChildren(
        el("p", { class: "drawer-tags" },
          el("span", { class: "tag", dataset: { field: "phase", phase: phase || "" } }, phase ? t.phases[phase] || phase : ""),
          el("span", { class: "tag", dataset: { field: "trading_mode" } }, lot.trading_mode_name),
          el("span", { class: "tag" }, lot.kind_name)),
        facts([
          [t.lotNumber, lot.number, "number"],
          [t.phase, phase ? t.phases[phase] || phase : "", "phase_name"],
          [t.startPrice, F.money(lot.start_price_wan), "start_price"],
          [t.region, lot.region ? lot.region.full_name : "", "region"],
          [t.announcementStarts, at(lot.announcement_starts_at), "announcement_starts_at"],
          [t.applicationsOpen, at(lot.applications_open_at), "applications_open_at"],
          [t.applicationsClose, at(lot.applications_close_at), "applications_close_at"],
          [t.listingStarts, at(lot.listing_starts_at), "listing_starts_at"],
          [t.listingEnds, at(lot.listing_ends_at), "listing_ends_at"],
          [t.auctionStarts, at(lot.auction_starts_at), "auction_starts_at"],
          [t.centre, lot.centre ? lot.centre.name : "", "centre"],
        ]),
        el("p", { class: "drawer-buttons" },
          el("a", { href: lot.page || `/lots/${id}/`, class: "drawer-link", dataset: { action: "lot-page" } }, t.lotPage),
          current ? el("a", { href: current.page, class: "drawer-link", dataset: { action: "announcement" } }, t.itsAnnouncement) : null));
      const point = lot.location || location;
      if (point) {
        map.getSource("selection").setData({ type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "Point", coordinates: point } }] });
      }
      root.dataset.state = "facts";
    }

    document.getElementById("drawer-close").addEventListener("click", close);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape" && !root.hidden) { close(); } });
    return { openListing, openDemand, openParcel, openLot, close };
  }

  window.LandMapDrawer = { create };
})();
