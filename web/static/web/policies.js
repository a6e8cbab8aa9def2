// Policies and regulations (政策法规): the list (/policies/) by category and keyword, paged, the filters kept in the
// query string; a document (/policies/<id>/) whose body is plain text, shown as text with its line breaks (never as
// HTML), and its attachment's download link.
(function () {
  "use strict";
  const t = window.POLICIES_I18N;
  const { request, showError, clearErrors, el, time, ApiError } = window.LandApi;

  function listPage(form) {
    const results = document.getElementById("policy-results");
    const summary = document.getElementById("policy-summary");
    const pager = document.getElementById("policy-pager");
    const PAGE_SIZE = 20;
    const FILTERS = ["category", "q"];

    function fromUrl() {
      const query = new URLSearchParams(window.location.search);
      const filters = {};
      for (const name of FILTERS) { filters[name] = query.get(name) || ""; }
      const page = parseInt(query.get("page") || "1", 10);
      return { filters, page: page > 0 ? page : 1 };
    }

    function fromForm() { return { category: form.elements.category.value, q: form.elements.q.value.trim() }; }

    function query(filters, page) {
      const out = new URLSearchParams();
      for (const name of FILTERS) { if (filters[name]) { out.set(name, filters[name]); } }
      if (page > 1) { out.set("page", String(page)); }
      return out;
    }

    function href(filters, page) {
      const search = query(filters, page).toString();
      return search ? `?${search}` : window.location.pathname;
    }

    function applyToForm(filters) {
      form.elements.category.value = filters.category;
      form.elements.q.value = filters.q;
    }

    function item(doc) {
      const meta = [doc.issuer, doc.document_number, `${t.published} ${time(doc.published_at).slice(0, 10)}`].filter(Boolean).join(" · ");
      return el("li", { dataset: { id: doc.id } },
        el("h3", {}, el("a", { href: `/policies/${doc.id}/` }, doc.title)),
        el("p", { class: "muted" }, el("span", { class: "tag", dataset: { field: "category" } }, doc.category_name), " ", meta,
          doc.attachment_url ? [" · ", el("a", { href: doc.attachment_url, download: "" }, t.attachment)] : null));
    }

    function renderPager(filters, page, count) {
      const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
      pager.hidden = pages <= 1;
      const link = (target, label, rel) => el("a", {
        href: href(filters, target), rel, "aria-disabled": target < 1 || target > pages ? "true" : null,
        onclick: (event) => { event.preventDefault(); go(filters, target); },
      }, label);
      pager.replaceChildren(
        link(page - 1, t.previous, "prev"),
        el("span", { class: "muted" }, t.page.replace("{page}", page).replace("{pages}", pages)),
        link(page + 1, t.next, "next"));
    }

    async function load(filters, page) {
      clearErrors(form);
      results.setAttribute("aria-busy", "true");
      summary.textContent = t.loading;
      const params = query(filters, page);
      params.set("page_size", String(PAGE_SIZE));
      try {
        const data = await request("GET", `/api/market/policies/?${params}`);
        results.replaceChildren(...data.results.map(item));
        summary.textContent = data.count ? `${t.found} ${data.count}` : t.none;
        renderPager(filters, page, data.count);
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        results.replaceChildren();
        summary.textContent = "";
        pager.hidden = true;
        showError(form, error);
      } finally {
        results.setAttribute("aria-busy", "false");
      }
    }

    function go(filters, page) {
      history.pushState(null, "", href(filters, page));
      window.scrollTo(0, 0);
      return load(filters, page);
    }

    form.addEventListener("submit", (event) => { event.preventDefault(); go(fromForm(), 1); });
    form.elements.category.addEventListener("change", () => go(fromForm(), 1));
    document.getElementById("filters-reset").addEventListener("click", (event) => {
      event.preventDefault();
      const empty = { category: "", q: "" };
      applyToForm(empty);
      go(empty, 1);
    });
    window.addEventListener("popstate", () => {
      const state = fromUrl();
      applyToForm(state.filters);
      load(state.filters, state.page);
    });

    const initial = fromUrl();
    applyToForm(initial.filters);
    load(initial.filters, initial.page);
  }

  async function detailPage(root) {
    const id = Number(root.dataset.policyId);
    let doc;
    try {
      doc = await request("GET", `/api/market/policies/${id}/`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) { throw error; }
      document.getElementById("detail-loading").hidden = true;
      document.getElementById("detail-missing").hidden = false;
      return;
    }
    const shown = { ...doc, published_at: time(doc.published_at).slice(0, 10) };
    for (const node of root.querySelectorAll("[data-field]")) {
      const value = shown[node.dataset.field];
      node.textContent = value === null || value === undefined ? "" : String(value);  // text, never HTML
      if (!value && node.dataset.field !== "body") { node.hidden = true; }
    }
    if (doc.attachment_url) {
      const box = document.getElementById("policy-attachment");
      box.querySelector("a").href = doc.attachment_url;
      box.hidden = false;
    }
    document.title = `${doc.title} · ${document.title}`;
    document.getElementById("detail-loading").hidden = true;
    root.hidden = false;
  }

  const filters = document.getElementById("policy-filters");
  const detail = document.getElementById("policy-detail");
  if (filters) { listPage(filters); }
  if (detail) { detailPage(detail); }
})();
