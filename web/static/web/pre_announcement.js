// Pre-announcement pages (预公告): the public list (/pre-announcements/) and page (/pre-announcements/<id>/), and the
// publishing flow (/pre-announcements/new/, /pre-announcements/<id>/edit/): look the primary-market grant up with
// its contract number, the bound phone's SMS code (sent after an image captcha) and its region; then name the
// pre-announcement, give a contact phone, and save, preview or publish. Data is only ever put in the page as text.
(function () {
  "use strict";
  const t = window.PRE_ANNOUNCEMENT_I18N;
  const { request, values, showError, clearErrors, el, time, ApiError, blank, pagedList } = window.LandApi;
  const F = window.LandFormat;


  // "四川省 成都市 锦江区" for a region code, from the region API (the code itself when it cannot be read).
  async function regionPath(code) {
    if (!code) { return ""; }
    try {
      const region = await request("GET", `/api/geo/regions/${encodeURIComponent(code)}/?zoom=0`);
      return [...(region.ancestors || []).map((a) => a.name), region.name].join(" ");
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      return code;
    }
  }

  const FIELD_ORDER = [
    "contract_number", "region", "address", "area_m2", "land_use", "use_years", "supply_method", "industry",
    "land_grade", "transferor", "contact_phone", "id_type", "id_number", "published_at", "expires_at",
  ];

  function shown(name, item) {
    const value = item[name];
    if (name === "region") { return value ? value.name : null; }
    if (name === "area_m2") { return blank(value) ? null : F.area(value, { withMu: true }); }
    if (name === "land_use") { return blank(value) ? null : `${item.land_use_name || ""} (${value})`; }
    if (name === "use_years") { return blank(value) ? null : `${value} ${t.years}`; }
    if (name === "published_at" || name === "expires_at") { return value ? time(value).slice(0, 10) : null; }
    return value;
  }

  // The public rendering of a pre-announcement (the detail page and the preview): title, then every field.
  function renderPublic(item, headingTag) {
    const rows = FIELD_ORDER.flatMap((name) => [
      el("dt", {}, t.fields[name]),
      el("dd", { dataset: { field: name } }, blank(shown(name, item)) ? "—" : String(shown(name, item))),
    ]);
    return el("article", { class: "pre-announcement", dataset: { id: item.id, status: item.status } },
      el(headingTag || "h1", { dataset: { field: "title" } }, item.title || "—"),
      el("p", { class: "detail-meta" },
        el("span", { class: "tag", dataset: { field: "status" } }, t.statuses[item.status] || item.status),
        el("span", {}, item.region ? item.region.name : ""),
        item.published_at ? el("span", {}, `${t.published} ${time(item.published_at).slice(0, 10)}`) : null),
      el("section", { class: "detail-box" }, el("h2", {}, t.details), el("dl", { class: "fields" }, rows)));
  }

  // ------------------------------------------------------------------------------------------------ list

  function listPage(form) {
    const { RegionSelect, LandUseSelect } = window.LandSelectors;
    const results = document.getElementById("pre-announcement-results");
    const summary = document.getElementById("pre-announcement-summary");
    const pager = document.getElementById("pre-announcement-pager");
    const PAGE_SIZE = 12;
    const FILTERS = ["region", "land_use", "q"];
    const table = JSON.parse(document.getElementById("land-uses").textContent || "null");
    const landUse = Array.isArray(table) && table.length ? new LandUseSelect(form.querySelector(".land-use-select"), table) : null;
    if (!landUse) { form.querySelector("[data-filter=land_use]").hidden = true; }
    const region = new RegionSelect(form.querySelector(".region-select"));

    function fromForm() {
      return { region: region.value(), land_use: form.elements.land_use.value, q: form.elements.q.value.trim() };
    }

    async function applyToForm(filters) {
      form.elements.q.value = filters.q;
      if (landUse) { landUse.set(filters.land_use); } else { form.elements.land_use.value = filters.land_use; }
      await region.set(filters.region);
    }

    function card(item) {
      const link = `/pre-announcements/${item.id}/`;
      return el("article", { class: "card market-card", dataset: { id: item.id } },
        el("h3", {}, el("a", { href: link }, item.title || "—")),
        el("p", { class: "muted", dataset: { field: "region" } }, item.region ? item.region.name : "—", " · ", item.address || ""),
        el("p", { dataset: { field: "area" } }, blank(item.area_m2) ? "—" : F.area(item.area_m2),
          item.land_use_name ? ` · ${item.land_use_name}` : "", blank(item.use_years) ? "" : ` · ${item.use_years} ${t.years}`),
        el("p", { class: "muted card-foot" },
          el("span", { dataset: { field: "contract" } }, `${t.contract} ${item.contract_number}`), " · ",
          el("span", { dataset: { field: "published" } }, `${t.published} ${time(item.published_at).slice(0, 10)}`)));
    }

    pagedList({
      form, results, summary, pager, t, pageSize: PAGE_SIZE, endpoint: "/api/market/pre-announcements/", names: FILTERS, render: card,
      fromForm, applyToForm,
    });
  }

  // ---------------------------------------------------------------------------------------------- detail

  async function detailPage(root) {
    const id = Number(root.dataset.preAnnouncementId);
    const loading = document.getElementById("detail-loading");
    function show(item) {
      document.title = `${item.title} · ${document.title}`;
      root.replaceChildren(renderPublic(item, "h1"));
      loading.hidden = true;
    }
    try {
      show(await request("GET", `/api/market/pre-announcements/${id}/`));
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
    }
    // Not public: its owner still sees it as the public would (预览), with its state.
    if (root.dataset.signedIn === "true") {
      try {
        const item = await request("GET", `/api/market/pre-announcements/${id}/preview/`);
        show(item);
        document.getElementById("owner-status").hidden = false;
        document.getElementById("owner-status-name").textContent = `(${t.statuses[item.status] || item.status})`;
        if (item.status === "draft") {
          const edit = document.getElementById("owner-edit");
          edit.href = `/pre-announcements/${id}/edit/`;
          edit.hidden = false;
        }
        return;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
      }
    }
    loading.hidden = true;
    document.getElementById("detail-missing").hidden = false;
  }

  // -------------------------------------------------------------------------------------------- the form

  function formPage(page) {
    const { RegionSelect } = window.LandSelectors;
    const lookupForm = document.getElementById("lookup-form");
    const form = document.getElementById("announcement-form");
    const previewPanel = document.getElementById("preview-panel");
    const smsButton = document.getElementById("sms-send");
    const region = new RegionSelect(lookupForm.querySelector(".region-select"));
    let itemId = page.dataset.preAnnouncementId || "";
    let lookupToken = "";

    function say(target, text) {
      const notice = target.querySelector(".notice");
      notice.hidden = false;
      notice.textContent = text;
    }
    function hush(target) { target.querySelector(".notice").hidden = true; }

    function step(number) {
      document.querySelectorAll(".steps li").forEach((li) => {
        if (Number(li.dataset.step) === number) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      });
      lookupForm.hidden = number !== 1;
      form.hidden = number !== 2;
      form.querySelector("[data-action=lookup-again]").hidden = Boolean(itemId);
      if (number === 1) { previewPanel.hidden = true; }
    }

    async function refreshCaptcha() {
      const data = await request("POST", "/api/auth/captcha/");
      lookupForm.elements.captcha_key.value = data.key;
      lookupForm.querySelector(".captcha-image").src = data.image;
      lookupForm.elements.captcha_answer.value = "";
    }

    function countdown(seconds) {
      const label = smsButton.textContent;
      smsButton.disabled = true;
      const tick = () => {
        if (seconds <= 0) { smsButton.disabled = false; smsButton.textContent = label; return; }
        smsButton.textContent = `${t.resend} ${seconds}${t.seconds}`;
        seconds -= 1;
        setTimeout(tick, 1000);
      };
      tick();
    }

    smsButton.addEventListener("click", async () => {
      clearErrors(lookupForm);
      hush(lookupForm);
      const body = {
        phone: lookupForm.elements.phone.value.trim(),
        purpose: "grant_lookup",
        captcha_key: lookupForm.elements.captcha_key.value,
        captcha_answer: lookupForm.elements.captcha_answer.value.trim(),
      };
      smsButton.disabled = true;
      try {
        const data = await request("POST", "/api/auth/sms-codes/", body);
        say(lookupForm, t.smsSent);
        countdown(data.resend_after || 60);
      } catch (error) {
        smsButton.disabled = false;
        if (!(error instanceof ApiError)) { throw error; }
        // The captcha's errors name "captcha": show them at its answer.
        if (error.fields.captcha) { error.fields = { ...error.fields, captcha_answer: error.fields.captcha }; delete error.fields.captcha; }
        showError(lookupForm, error);
      }
      refreshCaptcha();  // a captcha is good for one use
    });
    lookupForm.querySelector(".captcha-image").addEventListener("click", () => refreshCaptcha());

    async function fillGrant(grant, regionCode) {
      for (const input of form.querySelectorAll("[data-grant]")) {
        const name = input.dataset.grant;
        let value = grant[name];
        if (name === "area_m2" && !blank(value)) { value = F.area(value); }
        if (name === "land_use" && !blank(value)) { value = `${grant.land_use_name || ""} (${value})`; }
        if (name === "use_years" && !blank(value)) { value = `${value} ${t.years}`; }
        if (name === "region") { continue; }
        input.value = blank(value) ? "" : String(value);
      }
      form.querySelector("[data-grant=region]").value = await regionPath(regionCode);
    }

    lookupForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(lookupForm);
      hush(lookupForm);
      const body = {
        contract_number: lookupForm.elements.contract_number.value.trim(),
        phone: lookupForm.elements.phone.value.trim(),
        sms_code: lookupForm.elements.sms_code.value.trim(),
        region: region.value(),
      };
      const button = lookupForm.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const found = await request("POST", "/api/market/pre-announcements/lookup/", body);
        lookupToken = found.lookup_token;
        await fillGrant(found.grant, found.grant.region);
        clearErrors(form);
        step(2);
        say(form, t.found);
        form.elements.title.focus();
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(lookupForm, error);
      } finally { button.disabled = false; }
    });

    form.querySelector("[data-action=lookup-again]").addEventListener("click", () => {
      lookupToken = "";
      lookupForm.elements.sms_code.value = "";
      step(1);
    });

    async function save() {
      clearErrors(form);
      hush(form);
      const data = values(form, true);
      if (itemId) {
        await request("PATCH", `/api/market/pre-announcements/${itemId}/`, data);
      } else {
        const created = await request("POST", "/api/market/pre-announcements/", { ...data, lookup_token: lookupToken });
        itemId = String(created.id);
        page.dataset.preAnnouncementId = itemId;
        history.replaceState(null, "", `/pre-announcements/${itemId}/edit/`);
        form.querySelector("[data-action=lookup-again]").hidden = true;
      }
    }

    async function busy(work) {
      const buttons = form.querySelectorAll(".form-actions button");
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await work();
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(form, error);
      } finally { buttons.forEach((b) => { b.disabled = false; }); }
    }

    form.addEventListener("submit", (event) => event.preventDefault());
    form.querySelector("[data-action=save]").addEventListener("click", () => busy(async () => {
      await save();
      say(form, t.saved);
    }));
    form.querySelector("[data-action=preview]").addEventListener("click", () => busy(async () => {
      if (!form.dataset.readOnly) { await save(); }
      const item = await request("GET", `/api/market/pre-announcements/${itemId}/preview/`);
      document.getElementById("preview-body").replaceChildren(renderPublic(item, "h3"));
      previewPanel.hidden = false;
      previewPanel.scrollIntoView({ block: "start" });
    }));
    form.querySelector("[data-action=publish]").addEventListener("click", () => busy(async () => {
      await save();
      await request("POST", `/api/market/pre-announcements/${itemId}/publish/`);
      say(form, t.publishedNotice);
      setTimeout(() => window.location.assign(`/pre-announcements/${itemId}/`), 800);
    }));

    async function loadDraft() {
      const item = await request("GET", `/api/market/my/pre-announcements/${itemId}/`);
      form.elements.title.value = item.title;
      form.elements.contact_phone.value = item.contact_phone;
      await fillGrant(item, item.region ? item.region.code : "");
      if (!(item.actions || []).includes("edit")) {
        form.dataset.readOnly = "true";
        form.elements.title.readOnly = true;
        form.elements.contact_phone.readOnly = true;
        form.querySelector("[data-action=save]").hidden = true;
        form.querySelector("[data-action=publish]").hidden = true;
        say(form, t.notEditable);
      }
    }

    if (itemId) {
      step(2);
      loadDraft().catch((error) => {
        if (!(error instanceof ApiError)) { throw error; }
        showError(form, error);
        form.querySelectorAll(".form-actions button").forEach((b) => { b.hidden = true; });
      });
    } else {
      step(1);
      refreshCaptcha();
    }
  }

  const filters = document.getElementById("pre-announcement-filters");
  const detail = document.getElementById("pre-announcement-detail");
  const page = document.getElementById("pre-announcement-page");
  if (filters) { listPage(filters); }
  if (detail) { detailPage(detail); }
  if (page) { formPage(page); }
})();
