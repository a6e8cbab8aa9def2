// 我的证书 in the personal centre: my certificates (/api/auth/certificates/) with their status, subject, issuer,
// validity and fingerprint, the one this session signed in with marked; unbinding an active one; and, where the
// platform runs a development CA, a demo certificate: a key made in this browser (web/static/web/certificates.js),
// its CSR certified by the CA through the server, then bound. Also, on every section: the banner saying this account
// must sign in with its certificate and this session did not; and, for an enterprise, its staff's certificates
// (/api/auth/enterprise/certificates/), each of which it may withdraw.
(function () {
  "use strict";
  const M = window.LandMe;
  const t = window.CERTIFICATES_ME_I18N;
  const { request, el, time, ApiError, showError, clearErrors } = window.LandApi;
  const LIST = "/api/auth/certificates/";
  const DEMO = "/api/auth/certificates/demo-request/";

  function say(form, text) {
    clearErrors(form);
    const note = form.querySelector(".notice");
    note.textContent = text;
    note.hidden = !text;
  }

  function fail(form, error) {
    if (!(error instanceof ApiError)) { throw error; }
    say(form, "");
    showError(form, error);
  }

  // A certificate's status in words; one the enterprise withdrew says so.
  function statusTag(c) {
    return M.statusTag(c.status, c.ended_reason === "withdrawn by the enterprise" ? t.withdrawn : t.status[c.status]);
  }

  function row(c, section, signedInWith) {
    const unbind = c.status === "active" && M.button(t.unbind, "unbind", async () => {
      if (!window.confirm(t.confirmUnbind)) { return; }
      try {
        await request("POST", `${LIST}${c.id}/unbind/`);
        section.load();
      } catch (error) { fail(section.form, error); }
    });
    return el("tr", { dataset: { id: c.id, status: c.status } },
      el("td", { dataset: { field: "subject" } }, c.subject,
        el("div", { class: "muted me-meta" }, c.issuer.name, signedInWith ? ` · ${t.signedInWith}` : "")),
      el("td", {}, `${time(c.not_before)} — ${time(c.not_after)}`),
      el("td", { class: "muted me-meta", style: "word-break: break-all", dataset: { field: "fingerprint" } }, c.fingerprint_sha256),
      el("td", {}, statusTag(c)),
      el("td", { class: "me-actions" }, unbind));
  }

  // Key → CSR for the verified subject → the demo CA's certificate → bound to the account.
  async function demoCertificate(section, subject) {
    const form = section.form;
    say(form, t.making);
    try {
      const key = await window.LandCertificates.generateKey(M.userId);
      const csr = await window.LandCertificates.buildCsr(key, { commonName: subject.common_name, serialNumber: subject.serial_number, organizationName: subject.organization_name });
      const issued = await request("POST", DEMO, { csr });
      await request("POST", LIST, { certificate: issued.certificate });
      say(form, t.bound);
    } catch (error) {
      fail(form, error);
    }
    await section.load();
  }

  // The demo button shows when the platform has a development CA (the subject answers 200) and the browser can
  // make and keep keys.
  async function offerDemo(section) {
    const button = section.panel.querySelector("#certificate-demo");
    let subject;
    try {
      subject = await request("GET", DEMO);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      if (error.code === "not_verified") { say(section.form, t.notVerified); }
      return;
    }
    if (!window.crypto || !window.crypto.subtle || !window.indexedDB) { say(section.form, t.noCrypto); return; }
    button.hidden = false;
    button.addEventListener("click", async () => {
      button.disabled = true;
      try { await demoCertificate(section, subject); } finally { button.disabled = false; }
    });
  }

  // The banner: a lot this account works on or bids for requires certificates and this session was not signed in
  // with one.
  async function requirementBanner() {
    try {
      const data = await request("GET", LIST);
      const banner = document.getElementById("certificate-required-banner");
      banner.hidden = !(data.certificate_required && !data.session_certificate_id);
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
    }
  }

  // An enterprise's staff certificates, in the account settings beside its sub-accounts.
  async function loadStaffCertificates(block) {
    const form = block.querySelector("#staff-certificate-form");
    let certificates;
    try { certificates = await request("GET", "/api/auth/enterprise/certificates/"); } catch (error) { fail(form, error); return; }
    const rows = certificates.map((c) => {
      const withdraw = c.status === "active" && M.button(t.withdraw, "withdraw", async () => {
        if (!window.confirm(t.confirmWithdraw)) { return; }
        try {
          await request("POST", `/api/auth/enterprise/certificates/${c.id}/withdraw/`);
          await loadStaffCertificates(block);
        } catch (error) { fail(form, error); }
      });
      return el("tr", { dataset: { id: c.id, status: c.status } },
        el("td", {}, c.holder.name),
        el("td", { dataset: { field: "subject" } }, c.subject, el("div", { class: "muted me-meta" }, c.issuer.name)),
        el("td", {}, `${time(c.not_before)} — ${time(c.not_after)}`),
        el("td", {}, statusTag(c)),
        el("td", { class: "me-actions" }, withdraw));
    });
    block.querySelector("#staff-certificate-rows").replaceChildren(...rows);
    block.querySelector("#staff-certificate-empty").hidden = rows.length > 0;
  }

  requirementBanner();
  const staffBlock = document.getElementById("staff-certificates");
  if (staffBlock) { loadStaffCertificates(staffBlock); }

  M.register("certificates", {
    init(panel) {
      this.panel = panel;
      this.form = panel.querySelector("#certificate-form");
      this.load();
      offerDemo(this);
    },
    show() { this.load(); },
    async load() {
      try {
        const data = await request("GET", LIST);
        const rows = data.certificates.map((c) => row(c, this, c.id === data.session_certificate_id));
        this.panel.querySelector(".me-rows").replaceChildren(...rows);
        this.panel.querySelector(".me-empty").hidden = rows.length > 0;
      } catch (error) { fail(this.form, error); }
    },
  });
})();
