// Policies and regulations (政策法规): the list (/policies/) by category and keyword, paged, the filters kept in the
// query string; a document (/policies/<id>/) whose body is plain text, shown as text with its line breaks (never as
// HTML), and its attachment's download link.
(function () {
  "use strict";
  const t = window.POLICIES_I18N;
  const { request, el, time, ApiError, pagedList } = window.LandApi;

  function listPage(form) {
    const results = document.getElementById("policy-results");
    const summary = document.getElementById("policy-summary");
    const pager = document.getElementById("policy-pager");
    const PAGE_SIZE = 20;
    const FILTERS = ["category", "q"];

    function fromForm() { return { category: form.elements.category.value, q: form.elements.q.value.trim() }; }

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

    const list = pagedList({
      form, results, summary, pager, t, pageSize: PAGE_SIZE, endpoint: "/api/market/policies/", names: FILTERS, render: item,
      fromForm, applyToForm,
    });
    form.elements.category.addEventListener("change", () => list.go(fromForm(), 1));
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
    document.getElementById("policy-breadcrumb").textContent = doc.title;
    document.getElementById("detail-loading").hidden = true;
    root.hidden = false;
  }

  const filters = document.getElementById("policy-filters");
  const detail = document.getElementById("policy-detail");
  if (filters) { listPage(filters); }
  if (detail) { detailPage(detail); }
})();
