// The home page's broadcast tabs (交易信息播报): switch without a reload, by click or keyboard (WAI-ARIA tabs).
(function () {
  "use strict";
  const list = document.querySelector("#notices [role=tablist]");
  if (!list) return;
  const tabs = Array.from(list.querySelectorAll("[role=tab]"));
  const panel = (tab) => document.getElementById(tab.getAttribute("aria-controls"));

  function select(chosen, focus) {
    for (const tab of tabs) {
      const on = tab === chosen;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      panel(tab).hidden = !on;
    }
    if (focus) chosen.focus();
  }

  list.addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) select(tab, false);
  });
  list.addEventListener("keydown", (event) => {
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const next = {
      ArrowRight: (at + 1) % tabs.length,
      ArrowLeft: (at - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[next], true);
  });
  select(tabs.find((tab) => tab.getAttribute("aria-selected") === "true") || tabs[0], false);
  list.closest("section").dataset.ready = "true";
})();
