// The pages' client of the JSON API: requests with the session's CSRF token, the API's structured errors shown
// next to the fields they name, and small helpers to build DOM from data (text only, never HTML from data).
(function () {
  "use strict";

  function cookie(name) {
    const match = document.cookie.split("; ").find((row) => row.startsWith(name + "="));
    return match ? decodeURIComponent(match.split("=")[1]) : "";
  }

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || { code: "http_" + status, message: String(status), fields: {} };
      super(error.message);
      this.status = status;
      this.code = error.code;
      this.fields = error.fields || {};
    }
  }

  async function request(method, url, body) {
    const headers = { Accept: "application/json", "X-CSRFToken": cookie("csrftoken") };
    let payload = body;
    if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!response.ok) { throw new ApiError(response.status, data); }
    return data;
  }

  // The form's named inputs as an object: empty inputs left out (with keepEmpty: "" for text and hidden ones, null for numbers
  // and dates), checkboxes as booleans,
  // radio groups as their checked value, inputs with data-list="," split into arrays.
  function values(form, keepEmpty) {
    const out = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit") { continue; }
      if (el.type === "radio") { if (el.checked) { out[el.name] = el.value === "true" ? true : el.value === "false" ? false : el.value; } continue; }
      if (el.type === "checkbox") { out[el.name] = el.checked; continue; }
      const value = el.value.trim();
      if (value === "") {
        if (keepEmpty) {
          const typed = el.type === "date" || el.type === "datetime-local" || el.type === "number" || ["decimal", "numeric"].includes(el.inputMode);
          out[el.name] = typed || el.dataset.list ? null : "";
        }
        continue;
      }
      out[el.name] = el.dataset.list ? value.split(el.dataset.list).map((v) => v.trim()).filter(Boolean) : value;
    }
    return out;
  }

  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach((el) => el.remove());
    root.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    root.querySelectorAll(".form-error").forEach((el) => { el.textContent = ""; el.hidden = true; });
  }

  // Error keys the API names differently from the form's inputs.
  const ALIASES = { captcha: "captcha_answer" };

  // The input an error's dotted path names: its first part is the input's name ("attachments.identity_proof" is
  // the file input of data-kind identity_proof).
  function inputFor(root, path) {
    const parts = path.split(".");
    const name = ALIASES[parts[0]] || parts[0];
    return root.querySelector(`[name="${CSS.escape(name)}"]`)
      || root.querySelector(`input[data-kind="${CSS.escape(parts[parts.length - 1])}"]`);
  }

  // What a person reads as the input's name: its table row's title, its label's own words, its aria-label, or
  // its fieldset's legend; "" when there is none (the API's key is never shown).
  function labelFor(input) {
    if (!input) { return ""; }
    const clean = (text) => text.replace(/\s+/g, " ").replace(/^\*\s*/, "").trim();
    const row = input.closest("tr[data-kind]");
    if (row && row.cells.length > 1) { return clean(row.cells[1].textContent); }
    const label = input.closest("label");
    if (label) {
      const own = Array.from(label.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(" ");
      if (clean(own)) { return clean(own); }
    }
    if (input.getAttribute("aria-label")) { return clean(input.getAttribute("aria-label")); }
    const legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    return legend ? clean(legend.textContent) : "";
  }

  // Marks each field the error names and fills .form-error: the error's message, then each field's problems under
  // the field's label (a problem that only repeats the message is not said twice).
  function showError(root, error) {
    clearErrors(root);
    const summary = root.querySelector(".form-error");
    const lines = [];
    for (const [path, problems] of Object.entries(error.fields || {})) {
      const input = inputFor(root, path);
      const text = problems.map((p) => p.message).join(" ");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        const note = document.createElement("span");
        note.className = "field-error";
        note.dataset.code = problems.map((p) => p.code).join(" ");
        note.textContent = text;
        (input.closest("label") || input).after(note);
      }
      if (text === error.message) { continue; }
      const label = labelFor(input);
      lines.push(label ? `${label}: ${text}` : text);
    }
    if (summary) {
      summary.hidden = false;
      summary.dataset.code = error.code || "";
      summary.textContent = [error.message, ...lines].join(" ");
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) { continue; }
      if (key === "dataset") { Object.assign(node.dataset, value); } else if (key === "style") { node.style.cssText = value; } else if (key.startsWith("on")) { node.addEventListener(key.slice(2), value); } else { node.setAttribute(key, value === true ? "" : value); }
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) { continue; }
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const shanghai = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
  function time(iso) { return iso ? shanghai.format(new Date(iso)).replace(/\//g, "-") : "—"; }

  // A decimal as the API sends it ("1200.5000") without trailing zeros ("1200.5").
  function number(value) {
    const text = String(value);
    return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }
  const blank = (value) => value === null || value === undefined || value === "";
  // A range of two optional bounds with its unit: "≥ 5 m²", "≤ 9 m²", "5–9 m²", "—" without either.
  function range(min, max, unit) {
    if (blank(min) && blank(max)) { return "—"; }
    if (blank(max)) { return `≥ ${number(min)} ${unit}`; }
    if (blank(min)) { return `≤ ${number(max)} ${unit}`; }
    return `${number(min)}–${number(max)} ${unit}`;
  }

  // A filtered list page, paged: the filters (`names`) and the page kept in the address so a link reproduces the view,
  // each page GET `endpoint`?filters&page&page_size, its results drawn by `render`, a previous / next pager. Wires the
  // form's submit, the reset link (#filters-reset), going back and forward, and the first load; `go(filters, page)`
  // is returned for other controls. `t` names: loading, found, none, previous, next, page ("{page} / {pages}").
  function pagedList({ form, results, summary, pager, t, pageSize, endpoint, names, render, fromForm, applyToForm }) {
    function fromUrl() {
      const query = new URLSearchParams(window.location.search);
      const filters = Object.fromEntries(names.map((name) => [name, query.get(name) || ""]));
      const page = parseInt(query.get("page") || "1", 10);
      return { filters, page: page > 0 ? page : 1 };
    }

    function query(filters, page) {
      const out = new URLSearchParams();
      for (const name of names) { if (filters[name]) { out.set(name, filters[name]); } }
      if (page > 1) { out.set("page", String(page)); }
      return out;
    }

    function href(filters, page) {
      const search = query(filters, page).toString();
      return search ? `?${search}` : window.location.pathname;
    }

    function renderPager(filters, page, count) {
      const pages = Math.max(1, Math.ceil(count / pageSize));
      pager.hidden = pages <= 1;
      const link = (target, label, rel) => el("a", {
        href: href(filters, target), rel, "aria-disabled": target < 1 || target > pages ? "true" : null,
        onclick: (event) => { event.preventDefault(); if (target >= 1 && target <= pages) { go(filters, target); } },
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
      params.set("page_size", String(pageSize));
      try {
        const data = await request("GET", `${endpoint}?${params}`);
        results.replaceChildren(...data.results.map(render));
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
    document.getElementById("filters-reset").addEventListener("click", async (event) => {
      event.preventDefault();
      const empty = Object.fromEntries(names.map((name) => [name, ""]));
      await applyToForm(empty);
      go(empty, 1);
    });
    window.addEventListener("popstate", async () => {
      const state = fromUrl();
      await applyToForm(state.filters);
      load(state.filters, state.page);
    });
    const initial = fromUrl();
    load(initial.filters, initial.page);
    applyToForm(initial.filters);
    return { go };
  }

  // Numbered page links (previous, up to three pages each side, next) of a search API's answer {count, page,
  // page_size} into `nav`; `go(page)` runs the search again. The notices' and 直接交易's lists.
  function pageLinks(nav, data, go, t) {
    const last = Math.max(1, Math.ceil(data.count / data.page_size));
    const link = (label, number, attrs = {}) => el("a", { href: "#", ...attrs, onclick: (event) => { event.preventDefault(); go(number); } }, label);
    const items = [];
    if (data.page > 1) { items.push(link(t.previous, data.page - 1)); }
    for (let number = Math.max(1, data.page - 3); number <= Math.min(last, data.page + 3); number += 1) {
      items.push(link(String(number), number, number === data.page ? { "aria-current": "page" } : {}));
    }
    if (data.page < last) { items.push(link(t.next, data.page + 1)); }
    nav.replaceChildren(...(last > 1 ? items : []));
  }

  // A filter form's field set from the URL: a radio group by its value, any other input directly; a missing field
  // is skipped.
  function setField(form, name, value) {
    const input = form.elements.namedItem(name);
    if (!input) { return; }
    if (input instanceof RadioNodeList) {
      for (const radio of input) { radio.checked = radio.value === (value || ""); }
    } else {
      input.value = value || "";
    }
  }

  // A region select filled with the children of `parent` (hidden without a parent or children), `chosen` selected.
  async function regionChildren(select, parent, anyLabel, chosen) {
    select.replaceChildren(el("option", { value: "" }, anyLabel));
    select.hidden = !parent;
    if (!parent) { return; }
    const children = await request("GET", `/api/geo/regions/?parent=${encodeURIComponent(parent)}`);
    select.append(...children.map((region) => el("option", { value: region.code }, region.name)));
    select.hidden = children.length === 0;
    select.value = chosen || "";
  }

  window.LandApi = {
    request, values, showError, clearErrors, el, time, ApiError, number, blank, range, pagedList, pageLinks, setField,
    regionChildren,
  };
})();
