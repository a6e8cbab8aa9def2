// The staff review console (审核): supply queues by stage (初审 / 终审 / 信息变更) with a detail panel and the review
// actions; real-name verifications and policy documents for trading-centre staff. Everything comes from the JSON
// API and is shown as text (never HTML from data).
(function () {
  "use strict";
  const t = window.REVIEW_I18N;
  const { request, showError, clearErrors, el, time, ApiError } = window.LandApi;
  const { RegionSelect } = window.LandSelectors;
  const root = document.getElementById("review-console");

  // ------------------------------------------------------------------------------------------------ helpers

  const labels = {};
  root.querySelectorAll("#review-labels [data-enum]").forEach((node) => {
    (labels[node.dataset.enum] = labels[node.dataset.enum] || {})[node.dataset.value] = node.textContent;
  });
  function label(group, value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    return (labels[group] && labels[group][value]) || String(value);
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }
  function say(node, text, code) {
    node.textContent = text || "";
    node.hidden = !text;
    if (code !== undefined) { node.dataset.code = code; }
  }
  function fail(node, error) {
    if (!(error instanceof ApiError)) { throw error; }
    say(node, error.message, error.code);
  }
  function size(bytes) {
    if (bytes >= 1024 * 1024) { return `${(bytes / 1024 / 1024).toFixed(1)} MB`; }
    return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  }
  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) { if (value) { search.set(key, value); } }
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  // ------------------------------------------------------------------------------------------------ tabs

  const tabs = Array.from(root.querySelectorAll("#console-tabs [data-tab]"));
  const loaders = {};
  const started = {};
  function showTab(name) {
    if (!tabs.some((tab) => tab.dataset.tab === name)) { name = tabs[0].dataset.tab; }
    tabs.forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.tab === name)));
    root.querySelectorAll("[data-panel]").forEach((panel) => { panel.hidden = panel.dataset.panel !== name; });
    history.replaceState(null, "", name === tabs[0].dataset.tab ? window.location.pathname : `?tab=${name}`);
    if (!started[name]) { started[name] = true; loaders[name](); }
  }
  tabs.forEach((tab) => tab.addEventListener("click", () => showTab(tab.dataset.tab)));

  // ------------------------------------------------------------------------------------------------ supply queues

  const supplyPanel = document.getElementById("panel-supply");
  if (supplyPanel) {
    const stageTabs = Array.from(supplyPanel.querySelectorAll("[data-stage]"));
    const table = document.getElementById("queue");
    const tbody = table.tBodies[0];
    const empty = document.getElementById("queue-empty");
    const more = document.getElementById("queue-more");
    const queueError = document.getElementById("queue-error");
    const supplyNotice = document.getElementById("supply-notice");
    const dateHead = table.querySelector("[data-date-head]");
    const queue = { stage: "initial", region: "", next: null, token: 0 };
    let current = null; // the listing open in the detail panel: { id, stage, title, change, listing }

    function queueUrl(stage, extra) {
      return `/api/market/review/supply/${query({ stage, region: queue.region, ...extra })}`;
    }

    function setCount(stage, count) {
      const badge = supplyPanel.querySelector(`[data-count="${stage}"]`);
      badge.textContent = count ? `(${count})` : "";
      badge.dataset.value = String(count);
    }

    async function refreshCounts() {
      await Promise.all(stageTabs.map(async (tab) => {
        try { setCount(tab.dataset.stage, (await request("GET", queueUrl(tab.dataset.stage, { page_size: "1" }))).count); } catch (error) {
          if (!(error instanceof ApiError)) { throw error; }
        }
      }));
    }

    function rowDate(item) {
      if (queue.stage === "initial") { return item.submitted_at; }
      if (queue.stage === "final") { return item.published_at; }
      return item.pending_change ? item.pending_change.created_at : null;
    }

    function statusTag(item) {
      const public_ = item.status === "published" || item.status === "certified";
      return el("span", { class: public_ ? `tag ${item.certification}` : "tag", dataset: { status: item.status } },
        public_ ? label("certification", item.certification) : label("status", item.status));
    }

    function queueRow(item) {
      return el("tr", { dataset: { id: String(item.id) } },
        el("td", {}, el("a", { href: `#listing-${item.id}`, class: "open-link", onclick: (event) => { event.preventDefault(); openDetail(item); } }, item.title || `#${item.id}`)),
        el("td", {}, item.region_name || item.region || "—"),
        el("td", {}, label("mode", item.mode)),
        el("td", {}, window.LandFormat.grouped(item.area_m2, 2) || "—"),
        el("td", {}, time(rowDate(item))),
        el("td", {}, statusTag(item)),
        el("td", {}, el("button", { type: "button", class: "small", dataset: { open: String(item.id) }, onclick: () => openDetail(item) }, t.open)));
    }

    function showEmpty() {
      const none = tbody.rows.length === 0;
      empty.hidden = !none;
      table.hidden = none;
    }

    async function loadQueue(append) {
      const token = ++queue.token;
      const url = append && queue.next ? queue.next : queueUrl(queue.stage);
      table.dataset.state = "loading";
      say(queueError, "");
      try {
        const data = await request("GET", url);
        if (token !== queue.token) { return; }
        if (!append) { tbody.replaceChildren(); }
        for (const item of data.results) { tbody.append(queueRow(item)); }
        queue.next = data.next;
        more.hidden = !data.next;
        setCount(queue.stage, data.count);
        showEmpty();
        if (current && !tbody.querySelector(`tr[data-id="${current.id}"]`)) { markSelected(null); } else if (current) { markSelected(current.id); }
        table.dataset.state = "loaded";
      } catch (error) {
        if (token !== queue.token) { return; }
        table.dataset.state = "error";
        fail(queueError, error);
      }
    }

    function showStage(stage) {
      queue.stage = stage;
      stageTabs.forEach((tab) => tab.setAttribute("aria-selected", String(tab.dataset.stage === stage)));
      supplyPanel.querySelectorAll("[data-stage-hint]").forEach((hint) => { hint.hidden = hint.dataset.stageHint !== stage; });
      dateHead.textContent = { initial: t.submitted, final: t.published, changes: t.requested }[stage];
      closeDetail();
      loadQueue(false);
    }
    stageTabs.forEach((tab) => tab.addEventListener("click", () => { say(supplyNotice, ""); showStage(tab.dataset.stage); }));
    more.addEventListener("click", () => loadQueue(true));
    const regionSelect = new RegionSelect(supplyPanel.querySelector(".region-select"), (code) => {
      queue.region = code;
      closeDetail();
      loadQueue(false);
      refreshCounts();
    });
    regionSelect.ready.catch((error) => fail(queueError, error));

    // ------------------------------------------------------------------------------------------------ the detail panel

    const detail = document.getElementById("detail");
    const detailError = document.getElementById("detail-error");
    const actions = document.getElementById("review-actions");
    const compare = document.getElementById("change-compare");

    function markSelected(id) {
      tbody.querySelectorAll("tr").forEach((row) => {
        if (id !== null && row.dataset.id === String(id)) { row.setAttribute("aria-current", "true"); } else { row.removeAttribute("aria-current"); }
      });
    }

    function closeDetail() {
      if (placeMap) { placeMap.remove(); placeMap = null; window.reviewPlaceMap = null; }
      current = null;
      detail.hidden = true;
      detail.dataset.state = "closed";
      delete detail.dataset.id;
      markSelected(null);
    }
    document.getElementById("detail-close").addEventListener("click", closeDetail);

    const ENUMS = { mode: "mode", status: "status", land_nature: "land_nature", use_right_type: "use_right_type", land_type: "land_type", certificate_type: "certificate_type", owner_nature: "owner_nature" };

    // A field's value as text: `listing` gives the names the API resolved (region, land use) for current values.
    function display(field, value, listing) {
      if (field === "price_wan" && (value === null || value === "")) { return t.negotiable; }
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return "—"; }
      if (ENUMS[field]) { return label(ENUMS[field], value); }
      if (field === "region") { return listing && listing.region === value && listing.region_name ? `${listing.region_name} (${value})` : String(value); }
      if (field === "land_use") { return listing && listing.land_use === value && listing.land_use_name ? `${value} ${listing.land_use_name}` : String(value); }
      if (field === "location" && Array.isArray(value)) { return value.join(", "); }
      // A listing on a parcel answers the parcel's outline: drawn only when the owner drew it (no parcel).
      if (field === "outline") { return listing && listing.parcel_id && listing.outline === value ? "—" : t.drawn; }
      if (field === "parcel_id") { return t.loading; } // the place (loadPlace) names the parcel by its code
      if (field === "remaining_years") { return `${value} ${t.years}`; }
      if (typeof value === "boolean") { return value ? t.yes : t.no; }
      if (field.endsWith("_at")) { return time(value); }
      if (Array.isArray(value)) { return value.join(", "); }
      if (typeof value === "object") { return JSON.stringify(value); }
      return String(value);
    }

    function fieldLabel(field) {
      const dt = root.querySelector(`#detail-fields [data-field="${CSS.escape(field)}"] dt`);
      return dt ? dt.textContent : field;
    }

    function fillFields(listing) {
      document.getElementById("detail-title").textContent = listing.title || `#${listing.id}`;
      const tag = document.getElementById("detail-status");
      tag.replaceWith(Object.assign(statusTag(listing), { id: "detail-status" }));
      const link = document.getElementById("detail-public");
      link.href = `/supply/${listing.id}/`;
      link.hidden = !(listing.status === "published" || listing.status === "certified");
      root.querySelectorAll("#detail-fields [data-field]").forEach((row) => {
        row.querySelector("dd").textContent = display(row.dataset.field, listing[row.dataset.field], listing);
      });
      const files = document.querySelector("#detail-attachments tbody");
      files.replaceChildren(...(listing.attachments || []).map((file) => el("tr", { dataset: { id: String(file.id), kind: file.kind } },
        el("td", {}, label("attachment", file.kind)),
        el("td", {}, el("a", { href: file.url, target: "_blank", rel: "noopener" }, file.original_name)),
        el("td", {}, size(file.size)),
        el("td", {}, time(file.created_at)))));
      document.getElementById("detail-no-attachments").hidden = files.rows.length > 0;
      document.getElementById("detail-attachments").hidden = files.rows.length === 0;
    }

    // ---------------------------------------------------------------------------------------------- the place

    const place = document.getElementById("review-place");
    const COMPARED = ["certificate_type", "certificate_number", "registration_authority", "unit_numbers", "area_m2", "land_use",
      "land_nature", "use_right_type", "address", "boundary_east", "boundary_west", "boundary_south", "boundary_north"];
    let placeMap = null;

    function dropMap() {
      if (placeMap) { placeMap.remove(); placeMap = null; }
      window.reviewPlaceMap = null;
      const container = document.getElementById("review-place-map");
      container.replaceChildren();
      delete container.dataset.state;
    }

    // The parcel's own value as text (its certificate type is free text from its source data).
    function recorded(field, value, parcel) {
      if (value === undefined) { return t.notShown; }
      if (value === null || value === "" || (Array.isArray(value) && !value.length)) { return "—"; }
      if (field === "area_m2") { return window.LandFormat.area(value, { withMu: true }); }
      if (field === "land_use") { return parcel.land_use_name ? `${value} ${parcel.land_use_name}` : value; }
      if (field === "certificate_type") { return String(value); }
      return display(field, value, null);
    }

    function declared(field, value, data) {
      if (field === "area_m2") { return value ? window.LandFormat.area(value, { withMu: true }) : "—"; }
      if (field === "land_use") { return value && data.land_use_name ? `${value} ${data.land_use_name}` : display(field, value, null); }
      return display(field, value, null);
    }

    function parcelLink(parcel) {
      return el("a", { href: parcel.page, class: "parcel-link", target: "_blank", rel: "noopener" }, parcel.code);
    }

    function fillPlace(data) {
      const parcel = data.parcel;
      const differs = new Set(data.differences);
      const cell = root.querySelector('#detail-fields [data-field="parcel_id"] dd');
      cell.replaceChildren(parcel ? parcelLink(parcel) : t.noParcel);
      document.getElementById("review-place-parcel").replaceChildren(
        ...(parcel ? [`${t.parcelCode} `, parcelLink(parcel), parcel.region_name ? ` · ${parcel.region_name}` : ""] : [t.noParcel]));
      const compareTable = document.getElementById("place-compare");
      compareTable.hidden = !parcel;
      compareTable.tBodies[0].replaceChildren(...(parcel ? COMPARED : []).map((field) => el("tr", { dataset: { field, differs: String(differs.has(field)) }, class: differs.has(field) ? "differs" : null },
        el("th", { scope: "row" }, fieldLabel(field)),
        el("td", {}, declared(field, data.declared[field], data.declared)),
        el("td", {}, recorded(field, parcel[field], parcel), differs.has(field) ? el("span", { class: "tag differs-tag" }, t.differs) : null))));
      const summary = document.getElementById("place-differences");
      summary.hidden = !parcel;
      summary.textContent = differs.size ? fmt(t.differences, { fields: data.differences.map(fieldLabel).join("、") }) : t.noDifferences;
      const overlaps = document.getElementById("place-overlaps");
      overlaps.tBodies[0].replaceChildren(...data.overlaps.map((item) => el("tr", { dataset: { id: String(item.id) } },
        el("td", {}, el("a", { href: `/supply/${item.id}/`, target: "_blank", rel: "noopener" }, item.title || `#${item.id}`)),
        el("td", {}, label("status", item.status)),
        el("td", {}, item.region_name),
        el("td", {}, item.area_m2 ? window.LandFormat.area(item.area_m2) : "—"),
        el("td", { class: "overlap-area" }, item.overlap_m2 === null ? "—" : window.LandFormat.area(item.overlap_m2.toFixed(2), { withMu: true })))));
      overlaps.hidden = data.overlaps.length === 0;
      document.getElementById("place-no-overlaps").hidden = data.overlaps.length > 0;
      const located = Boolean(data.outline || data.location);
      document.getElementById("review-place-nowhere").hidden = located;
      document.getElementById("review-place-map").hidden = !located;
      const link = document.getElementById("review-place-link");
      link.hidden = !located;
      if (located) {
        const config = JSON.parse(document.getElementById("map-config").textContent);
        placeMap = window.LandPlace.mount(document.getElementById("review-place-map"), { outline: data.outline, location: data.location },
          { basemap: config.basemap, link, properties: { listing_id: data.listing } });
        window.reviewPlaceMap = placeMap;
      }
    }

    async function loadPlace(id) {
      dropMap();
      place.dataset.state = "loading";
      const error = document.getElementById("review-place-error");
      say(error, "");
      try {
        const data = await request("GET", `/api/market/review/supply/${id}/place/`);
        if (!current || current.id !== id) { return; }
        fillPlace(data);
        place.dataset.state = "loaded";
      } catch (failure) {
        if (!current || current.id !== id) { return; }
        root.querySelector('#detail-fields [data-field="parcel_id"] dd').textContent = "—";
        place.dataset.state = "error";
        fail(error, failure);
      }
    }

    function fillHistory(events) {
      document.getElementById("detail-history").hidden = events.length === 0;
      document.getElementById("detail-no-history").hidden = events.length > 0;
      document.querySelector("#detail-history tbody").replaceChildren(...events.map((event) => el("tr", { dataset: { event: event.action } },
        el("td", {}, time(event.created_at)),
        el("td", {}, label("action", event.action)),
        el("td", {}, label("status", event.from_status)),
        el("td", {}, label("status", event.to_status)),
        el("td", {}, event.reason || ""))));
    }

    async function regionName(code) {
      const region = await request("GET", `/api/geo/regions/${encodeURIComponent(code)}/?zoom=0`);
      return `${(region.ancestors || []).map((a) => a.name).join("")}${region.name} (${code})`;
    }

    function fillCompare(listing, change) {
      compare.hidden = !change;
      const body = compare.querySelector("tbody");
      body.replaceChildren();
      if (!change) { return; }
      document.getElementById("change-meta").textContent = fmt(t.changeBy, { time: time(change.created_at), user: change.requested_by });
      for (const [field, value] of Object.entries(change.changes || {})) {
        const next = el("td", { class: "new" }, display(field, value, null));
        body.append(el("tr", { dataset: { field } },
          el("th", { scope: "row" }, fieldLabel(field)),
          el("td", { class: "old" }, display(field, listing[field], listing)),
          next));
        if (field === "region" && value) { regionName(value).then((name) => { next.textContent = name; }).catch(() => {}); }
      }
    }

    async function openDetail(item) {
      current = { id: item.id, stage: queue.stage, title: item.title, change: item.pending_change };
      markSelected(item.id);
      detail.hidden = false;
      detail.dataset.id = String(item.id);
      detail.dataset.state = "loading";
      actions.reset();
      clearErrors(actions);
      say(detailError, "");
      actions.querySelectorAll("[data-action]").forEach((button) => {
        button.hidden = !button.dataset.stageOnly.split(" ").includes(current.stage);
        button.disabled = false;
      });
      document.getElementById("detail-title").textContent = item.title || `#${item.id}`;
      try {
        const [listing, events] = await Promise.all([
          request("GET", `/api/market/supply/${item.id}/`),
          request("GET", `/api/market/supply/${item.id}/history/`),
        ]);
        if (!current || current.id !== item.id) { return; }
        current.listing = listing;
        current.title = listing.title || item.title;
        if (listing.pending_change) { current.change = listing.pending_change; }
        fillFields(listing);
        fillHistory(events);
        loadPlace(item.id);
        fillCompare(listing, current.stage === "changes" ? current.change : null);
        detail.dataset.state = "loaded";
        detail.scrollIntoView({ block: "start" });
      } catch (error) {
        detail.dataset.state = "error";
        fail(detailError, error);
      }
    }

    const ACTIONS = {
      approve: { url: (c) => `/api/market/review/supply/${c.id}/approve/`, notice: t.approved },
      reject: { url: (c) => `/api/market/review/supply/${c.id}/reject/`, notice: t.rejected, reason: true },
      certify: { url: (c) => `/api/market/review/supply/${c.id}/certify/`, notice: t.certified },
      delist: { url: (c) => `/api/market/review/supply/${c.id}/delist/`, notice: t.delisted, reason: true },
      "change-approve": { url: (c) => `/api/market/review/changes/${c.change.id}/approve/`, notice: t.changeApproved },
      "change-reject": { url: (c) => `/api/market/review/changes/${c.change.id}/reject/`, notice: t.changeRejected, reason: true },
    };

    actions.addEventListener("submit", (event) => event.preventDefault());
    actions.addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button || !current) { return; }
      const action = ACTIONS[button.dataset.action];
      const acting = current;
      const buttons = actions.querySelectorAll("button[data-action]");
      clearErrors(actions);
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await request("POST", action.url(acting), action.reason ? { reason: actions.elements.reason.value } : undefined);
        const row = tbody.querySelector(`tr[data-id="${acting.id}"]`);
        if (row) { row.remove(); }
        showEmpty();
        closeDetail();
        say(supplyNotice, fmt(action.notice, { title: acting.title }), button.dataset.action);
        supplyNotice.scrollIntoView({ block: "nearest" });
        refreshCounts();
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(actions, error);
        if (error.status === 409 || error.status === 404) { loadQueue(false); refreshCounts(); }
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });

    loaders.supply = () => { showStage("initial"); refreshCounts(); };
  }

  // ------------------------------------------------------------------------------------------------ verifications

  const verificationPanel = document.getElementById("panel-verifications");
  if (verificationPanel) {
    const vTable = document.getElementById("verifications");
    const vBody = vTable.tBodies[0];
    const vEmpty = document.getElementById("verifications-empty");
    const vMore = document.getElementById("verifications-more");
    const vNotice = document.getElementById("verification-notice");
    const vError = document.getElementById("verification-error");
    const vStatus = document.getElementById("verification-status");
    const v = { next: null, token: 0 };

    const vShowEmpty = () => { vEmpty.hidden = vBody.rows.length > 0; vTable.hidden = vBody.rows.length === 0; };

    function decide(item, row) {
      const form = el("form", { class: "verification-actions", novalidate: true },
        el("p", { class: "form-error", role: "alert", hidden: true }),
        el("label", {}, t.reason, " ", el("input", { name: "reason", maxlength: "500" })),
        el("span", { class: "action-buttons" },
          el("button", { type: "button", class: "small", dataset: { decide: "approve" } }, t.approve),
          el("button", { type: "button", class: "small danger", dataset: { decide: "reject" } }, t.reject)));
      form.addEventListener("submit", (event) => event.preventDefault());
      form.addEventListener("click", async (event) => {
        const button = event.target.closest("button[data-decide]");
        if (!button) { return; }
        const verdict = button.dataset.decide;
        clearErrors(form);
        form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
        try {
          const body = verdict === "reject" ? { reason: form.elements.reason.value } : undefined;
          const result = await request("POST", `/api/auth/verifications/${item.id}/${verdict}/`, body);
          say(vNotice, fmt(verdict === "approve" ? t.verificationApproved : t.verificationRejected, { name: item.name }), verdict);
          if (vStatus.value === "pending") { row.remove(); vShowEmpty(); } else { row.replaceWith(verificationRow({ ...item, ...result })); }
        } catch (error) {
          if (!(error instanceof ApiError)) { throw error; }
          showError(form, error);
          form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
        }
      });
      return form;
    }

    // The applicant's documents: the ID card's sides inline (each view is audited server-side), the licence a link.
    function documents(item) {
      const shown = [];
      for (const [side, caption] of [["id_front", t.idFront], ["id_back", t.idBack]]) {
        if (item[side]) {
          shown.push(el("figure", { class: "id-card", dataset: { side } },
            el("a", { href: item[side], target: "_blank", rel: "noopener" }, el("img", { src: item[side], alt: caption })),
            el("figcaption", {}, caption)));
        }
      }
      if (item.licence) { shown.push(el("a", { href: item.licence, class: "licence-link" }, t.licence)); }
      return shown.length ? shown : ["—"];
    }

    function verificationRow(item) {
      const row = el("tr", { dataset: { id: String(item.id), status: item.status } });
      const status = el("td", {}, el("span", { class: "tag" }, label("verification_status", item.status)));
      if (item.status === "rejected" && item.reason) { status.append(el("div", { class: "muted" }, item.reason)); }
      if (item.reviewed_at) { status.append(el("div", { class: "muted" }, fmt(t.reviewedAt, { time: time(item.reviewed_at) }))); }
      row.append(
        el("td", {}, item.name),
        el("td", {}, label("user_kind", item.kind)),
        el("td", {}, item.id_number),
        el("td", {}, item.phone || "—"),
        el("td", {}, time(item.created_at)),
        el("td", { class: "documents" }, ...documents(item)),
        status,
        el("td", {}, item.status === "pending" ? decide(item, row) : ""));
      return row;
    }

    async function loadVerifications(append) {
      const token = ++v.token;
      const url = append && v.next ? v.next : `/api/auth/verifications/${query({ status: vStatus.value })}`;
      vTable.dataset.state = "loading";
      say(vError, "");
      try {
        const data = await request("GET", url);
        if (token !== v.token) { return; }
        if (!append) { vBody.replaceChildren(); }
        for (const item of data.results) { vBody.append(verificationRow(item)); }
        v.next = data.next;
        vMore.hidden = !data.next;
        vShowEmpty();
        vTable.dataset.state = "loaded";
      } catch (error) {
        if (token !== v.token) { return; }
        vTable.dataset.state = "error";
        fail(vError, error);
      }
    }
    vStatus.addEventListener("change", () => { say(vNotice, ""); loadVerifications(false); });
    vMore.addEventListener("click", () => loadVerifications(true));
    loaders.verifications = () => loadVerifications(false);
  }

  // ------------------------------------------------------------------------------------------------ policy documents

  const policyPanel = document.getElementById("panel-policies");
  if (policyPanel) {
    const pTable = document.getElementById("policies");
    const pBody = pTable.tBodies[0];
    const pEmpty = document.getElementById("policies-empty");
    const pMore = document.getElementById("policies-more");
    const pNotice = document.getElementById("policy-notice");
    const pError = document.getElementById("policy-list-error");
    const form = document.getElementById("policy-form");
    const formTitle = document.getElementById("policy-form-title");
    const currentAttachment = document.getElementById("policy-current-attachment");
    const p = { next: null, token: 0, editing: null };

    async function act(doc, method, url, notice) {
      say(pError, "");
      try {
        await request(method, url);
        say(pNotice, fmt(notice, { title: doc.title }));
        if (p.editing === doc.id) { closeForm(); }
        await loadPolicies(false);
      } catch (error) { fail(pError, error); }
    }

    function policyRow(doc) {
      const base = `/api/market/policies/${doc.id}/`;
      return el("tr", { dataset: { id: String(doc.id), published: String(doc.is_published) } },
        el("td", {}, doc.attachment_url ? [doc.title, " ", el("a", { href: doc.attachment_url, class: "small-link" }, t.download)] : doc.title),
        el("td", {}, label("policy_category", doc.category)),
        el("td", {}, doc.document_number || "—"),
        el("td", {}, el("span", { class: doc.is_published ? "tag certified" : "tag" }, doc.is_published ? fmt(t.publishedAt, { time: time(doc.published_at) }) : t.notPublished)),
        el("td", {}, time(doc.updated_at)),
        el("td", {}, el("div", { class: "row-actions" },
          el("button", { type: "button", class: "secondary small", dataset: { do: "edit" }, onclick: () => openForm(doc.id) }, t.edit),
          doc.is_published
            ? el("button", { type: "button", class: "secondary small", dataset: { do: "unpublish" }, onclick: () => act(doc, "POST", `${base}unpublish/`, t.policyUnpublished) }, t.unpublish)
            : el("button", { type: "button", class: "small", dataset: { do: "publish" }, onclick: () => act(doc, "POST", `${base}publish/`, t.policyPublished) }, t.publish),
          el("button", { type: "button", class: "danger small", dataset: { do: "delete" }, onclick: () => { if (window.confirm(t.confirmDelete)) { act(doc, "DELETE", base, t.policyDeleted); } } }, t.remove))));
    }

    async function loadPolicies(append) {
      const token = ++p.token;
      const url = append && p.next ? p.next : "/api/market/staff/policies/";
      pTable.dataset.state = "loading";
      try {
        const data = await request("GET", url);
        if (token !== p.token) { return; }
        if (!append) { pBody.replaceChildren(); }
        for (const doc of data.results) { pBody.append(policyRow(doc)); }
        p.next = data.next;
        pMore.hidden = !data.next;
        pEmpty.hidden = pBody.rows.length > 0;
        pTable.hidden = pBody.rows.length === 0;
        pTable.dataset.state = "loaded";
      } catch (error) {
        if (token !== p.token) { return; }
        pTable.dataset.state = "error";
        fail(pError, error);
      }
    }

    function closeForm() { form.hidden = true; p.editing = null; form.reset(); clearErrors(form); }

    async function openForm(id) {
      form.reset();
      clearErrors(form);
      say(pNotice, "");
      p.editing = id;
      formTitle.textContent = id ? formTitle.dataset.edit : formTitle.dataset.new;
      currentAttachment.hidden = true;
      form.hidden = false;
      if (id) {
        try {
          const doc = await request("GET", `/api/market/staff/policies/${id}/`);
          for (const name of ["title", "category", "issuer", "document_number", "body"]) { form.elements[name].value = doc[name] || ""; }
          if (doc.attachment_url) {
            document.getElementById("policy-attachment-link").href = doc.attachment_url;
            currentAttachment.hidden = false;
          }
        } catch (error) { if (!(error instanceof ApiError)) { throw error; } showError(form, error); }
      }
      form.scrollIntoView({ block: "start" });
      form.elements.title.focus();
    }

    // Text goes as JSON (multipart would turn its line breaks into CRLF); a new attachment follows in its own request.
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const fields = {};
      for (const name of ["title", "category", "issuer", "document_number", "body"]) { fields[name] = form.elements[name].value; }
      const file = form.elements.attachment.files[0];
      if (p.editing && form.elements.remove_attachment.checked && !file) { fields.remove_attachment = true; }
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      let saved = null;
      try {
        saved = p.editing
          ? await request("PATCH", `/api/market/policies/${p.editing}/`, fields)
          : await request("POST", "/api/market/policies/", fields);
        p.editing = saved.id;
        formTitle.textContent = formTitle.dataset.edit;
        if (file) {
          const upload = new FormData();
          upload.append("attachment", file);
          saved = await request("PATCH", `/api/market/policies/${saved.id}/`, upload);
        }
        closeForm();
        say(pNotice, fmt(t.policySaved, { title: saved.title }));
        await loadPolicies(false);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(form, error);
        if (saved) { loadPolicies(false); }
      } finally { submit.disabled = false; }
    });
    form.querySelector("[data-action=cancel]").addEventListener("click", closeForm);
    document.getElementById("policy-new").addEventListener("click", () => openForm(null));
    pMore.addEventListener("click", () => loadPolicies(true));
    loaders.policies = () => loadPolicies(false);
  }

  showTab(new URLSearchParams(window.location.search).get("tab") || tabs[0].dataset.tab);
})();
