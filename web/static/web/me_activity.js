// Personal centre: what I do on others' listings — intention quotes and viewing appointments (我的申购), my
// favourites (我的收藏) — and my messages (我的消息) with the unread badge.
(function () {
  "use strict";
  const M = window.LandMe;
  const t = M.t;
  const { request, el, time, ApiError } = window.LandApi;

  function titleLink(title, link) {
    const path = M.sitePath(link);
    return path ? el("a", { href: path, class: "me-title", dataset: { field: "title" } }, title || "—") : el("span", { class: "me-title", dataset: { field: "title" } }, title || "—");
  }

  // ------------------------------------------------------------------------------------------- quotes

  M.register("quotes", {
    init(panel) {
      this.list = M.panelList(panel, (filters) => ["/api/market/my/quotes/", filters], (item) => el("tr", { dataset: { id: item.listing_id } },
        el("td", {}, titleLink(item.title, item.link), el("div", { class: "muted me-meta" }, `${t.lastQuoted}: ${time(item.last_quoted_at)}`)),
        el("td", {}, M.price(item.best_amount_wan, 4)),
        el("td", { dataset: { field: "rank" } }, `${item.rank} ${t.rankOf} ${item.quoter_count}`),
        el("td", { dataset: { field: "quote_count" } }, String(item.quote_count)),
        el("td", {}, M.statusTag(item.listing_status))));
      this.list.load(1);
    },
    show() { this.list.reload(); },
  });

  // ------------------------------------------------------------------------------------------- appointments

  function appointmentState(item) {
    if (item.viewed_at) { return M.statusTag("viewed", t.viewed); }
    if (new Date(item.visit_at) <= new Date()) { return M.statusTag("passed", t.passed); }
    return M.statusTag("upcoming", t.upcoming);
  }

  function appointmentActions(item, list) {
    if (item.viewed_at) { return []; }
    const act = async (url, message) => {
      if (message && !window.confirm(message)) { return; }
      try { await request("POST", url); await list.reload(); } catch (error) { M.fail(list.form, error); }
    };
    if (new Date(item.visit_at) <= new Date()) {
      return [M.button(t.markViewed, "viewed", () => act(`/api/market/appointments/${item.id}/viewed/`), "primary")];
    }
    return [M.button(t.cancelAppointment, "cancel", () => act(`/api/market/appointments/${item.id}/cancel/`, t.confirmCancelAppointment), "danger")];
  }

  M.register("appointments", {
    init(panel) {
      const list = M.panelList(panel, (filters) => ["/api/market/my/appointments/", filters], (item) => el("tr", { dataset: { id: item.id } },
        el("td", {}, titleLink(item.listing.title, item.listing.link), el("div", {}, M.statusTag(item.listing.status))),
        el("td", {}, el("div", {}, item.contact_name || "—"), el("div", { class: "muted" }, item.contact_phone || "")),
        el("td", {}, el("div", {}, item.name), el("div", { class: "muted" }, item.phone)),
        el("td", {}, time(item.visit_at)),
        el("td", {}, appointmentState(item)),
        el("td", { class: "me-actions" }, appointmentActions(item, list))));
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });

  // ------------------------------------------------------------------------------------------- favourites

  M.register("favourites", {
    init(panel) {
      let target;
      const empty = panel.querySelector(".me-empty");
      const emptyText = empty.textContent;
      const list = M.panelList(panel, (filters) => { empty.textContent = emptyText; return ["/api/market/my/favourites/", { ...filters, target: target.value }]; }, (item) => {
        const supply = item.target === "supply";
        return el("tr", { dataset: { id: item.id, available: String(item.available) } },
          el("td", {},
            item.available ? titleLink(item.title, item.link) : el("span", { class: "me-title", dataset: { field: "title" } }, item.title || "—"),
            item.available ? null : el("span", { class: "tag me-unavailable", dataset: { field: "unavailable" } }, t.unavailable),
            item.status ? el("div", {}, M.statusTag(item.status)) : null),
          el("td", {}, supply ? (item.area_m2 === null ? "—" : M.number(item.area_m2)) : M.range(item.area_min_m2, item.area_max_m2)),
          el("td", {}, supply ? M.price(item.price_wan) : M.range(item.price_min_wan, item.price_max_wan)),
          el("td", {}, time(item.published_at)),
          el("td", { class: "me-actions" }, M.button(t.unfavourite, "unfavourite", async () => {
            try { await request("DELETE", `/api/market/favourites/${item.target}/${item.target_id}/`); await list.reload(); } catch (error) { M.fail(list.form, error); }
          })));
      }, {
        // A kind that cannot be kept yet (entrusted transactions) is an empty list with the API's explanation.
        onError: (error) => {
          if (!(error instanceof ApiError) || !error.fields.target) { return false; }
          empty.textContent = error.fields.target.map((problem) => problem.message).join(" ");
          empty.hidden = false;
          return true;
        },
      });
      target = M.groupTabs(panel.querySelector(".tabs"), () => list.load(1));
      this.list = list;
      list.load(1);
    },
    show() { this.list.reload(); },
  });

  // ------------------------------------------------------------------------------------------- messages

  const badge = document.getElementById("unread-badge");

  function setBadge(node, count) {
    node.textContent = count > 0 ? String(count) : "";
    node.dataset.count = String(count);
    node.hidden = !(count > 0);
  }

  async function refreshUnread() {
    let counts;
    try { counts = await request("GET", "/api/auth/messages/unread-count/"); } catch (error) { return; }
    setBadge(badge, counts.total);
    document.querySelectorAll("[data-unread]").forEach((node) => setBadge(node, counts[node.dataset.unread] || 0));
    return counts;
  }
  M.startup.push(refreshUnread);

  function messageItem(list) {
    return (item) => {
      const body = el("div", { class: "me-message-body", hidden: true },
        el("p", { dataset: { field: "body" } }, item.body || ""),
        M.sitePath(item.link) ? el("a", { href: M.sitePath(item.link), class: "me-button small" }, t.openLink) : null);
      const node = el("li", { class: "me-message", dataset: { id: item.id, read: String(item.is_read) } });
      const head = el("button", { type: "button", class: "me-message-head", "aria-expanded": "false", onclick: async () => {
        const open = body.hidden;
        body.hidden = !open;
        head.setAttribute("aria-expanded", String(open));
        if (!open || node.dataset.read === "true") { return; }
        try {
          await request("POST", `/api/auth/messages/${item.id}/read/`);
          node.dataset.read = "true";
          await refreshUnread();
        } catch (error) { M.fail(list.form, error); }
      } },
      el("span", { class: "me-unread-dot", title: t.unread, "aria-label": t.unread }),
      el("span", { class: "me-message-title", dataset: { field: "title" } }, item.title),
      el("span", { class: "muted me-message-time" }, time(item.created_at)));
      node.append(head, body);
      return node;
    };
  }

  M.register("messages", {
    init(panel) {
      let category;
      const list = M.panelList(panel, (filters) => ["/api/auth/messages/", { category: category.value, unread: filters.unread ? "true" : "" }], (item) => render(item));
      const render = messageItem(list);
      category = M.groupTabs(panel.querySelector(".tabs"), () => list.load(1));
      panel.querySelector("[data-action=read-all]").addEventListener("click", async () => {
        try {
          await request("POST", "/api/auth/messages/read-all/", { category: category.value });
          await Promise.all([list.load(1), refreshUnread()]);
        } catch (error) { M.fail(list.form, error); }
      });
      this.list = list;
      // The badge counts every unread message: open on the first tab that holds some, not always on the first tab.
      refreshUnread().then((counts) => {
        const tabs = Array.from(panel.querySelectorAll(".tabs [data-group]"));
        const unread = tabs.find((tab) => counts && counts[tab.dataset.group] > 0);
        if (unread && unread.dataset.group !== category.value) { unread.click(); } else { list.load(1); }
      });
    },
    show() { this.list.reload(); refreshUnread(); },
  });
})();
