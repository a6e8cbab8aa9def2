// Personal centre: account settings (账户设置) — real-name verification (实名认证), an enterprise's sub-accounts,
// password, phone binding (image captcha + SMS code to the new phone), e-mail and contact address.
(function () {
  "use strict";
  const M = window.LandMe;
  const t = M.t;
  const { request, values, clearErrors, el, time, ApiError } = window.LandApi;
  let me = null;
  let panel = null;

  function notice(form, text) {
    const node = form.querySelector(".notice");
    node.textContent = text;
    node.hidden = false;
  }

  // Submits `form` with `work(values)`; errors at their fields, `done(result)` on success.
  function handle(form, work, done) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const note = form.querySelector(".notice");
      if (note) { note.hidden = true; }
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      try { done(await work(values(form))); } catch (error) { M.fail(form, error); } finally { submit.disabled = false; }
    });
  }

  function showAccount() {
    const summary = document.getElementById("account-summary");
    const set = (field, value) => { summary.querySelector(`[data-field="${field}"]`).replaceChildren(...[].concat(value)); };
    set("phone", me.phone);
    set("kind", t.kinds[me.kind] || me.kind);
    set("email", me.email ? [me.email, " ", el("span", { class: me.email_verified_at ? "tag certified" : "tag uncertified" }, me.email_verified_at ? time(me.email_verified_at) : t.emailUnconfirmed)] : el("span", { class: "muted" }, t.notSet));
    set("contact_address", me.contact_address || el("span", { class: "muted" }, t.notSet));
  }

  async function loadMe() {
    me = await request("GET", "/api/auth/me/");
    showAccount();
    return me;
  }

  // ------------------------------------------------------------------------------------------- verification

  function showVerification(verification) {
    const state = document.getElementById("verification-state");
    const form = document.getElementById("verification-form");
    const enterprise = me.kind === "enterprise";
    form.querySelectorAll("[data-kind-label]").forEach((node) => { node.hidden = node.dataset.kindLabel !== me.kind; });
    form.querySelectorAll("[data-kind-only]").forEach((node) => { node.hidden = node.dataset.kindOnly !== me.kind; });
    let status = "none", text = [t.verification.none], canApply = true;
    if (me.parent_id) {
      status = "sub_account"; text = [t.verification.sub_account]; canApply = false;
    } else if (me.is_verified) {
      status = "approved"; text = [t.verification.approved, ": ", me.real_name || (verification && verification.name) || ""]; canApply = false;
    } else if (verification && verification.status === "pending") {
      status = "pending"; text = [t.verification.pending, " ", `${verification.name} · ${verification.id_number} · ${time(verification.created_at)}`]; canApply = false;
    } else if (verification && verification.status === "rejected") {
      status = "rejected"; text = [t.verification.rejected, " ", el("span", { class: "me-reason", dataset: { field: "reason" } }, verification.reason || "—")];
    }
    state.dataset.status = status;
    state.replaceChildren(...text);
    form.hidden = !canApply;
    if (!enterprise) { form.elements.licence.value = ""; } else { form.elements.id_front.value = ""; form.elements.id_back.value = ""; }
  }

  async function loadVerification() {
    if (me.parent_id || me.is_verified) { showVerification(null); return; }
    try {
      showVerification(await request("GET", "/api/auth/verification/"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) { showVerification(null); return; }
      throw error;
    }
  }

  function setUpVerification() {
    const form = document.getElementById("verification-form");
    handle(form, () => {
      const body = new FormData();
      body.append("name", form.elements.name.value.trim());
      body.append("id_number", form.elements.id_number.value.trim().toUpperCase());
      if (me.kind === "enterprise" && form.elements.licence.files.length) { body.append("licence", form.elements.licence.files[0]); }
      for (const side of ["id_front", "id_back"]) {
        if (me.kind !== "enterprise" && form.elements[side].files.length) { body.append(side, form.elements[side].files[0]); }
      }
      return request("POST", "/api/auth/verification/", body);
    }, (verification) => {
      form.reset();
      showVerification(verification);
    });
  }

  // ------------------------------------------------------------------------------------------- sub-accounts

  async function loadSubAccounts() {
    const block = document.getElementById("sub-accounts");
    const form = document.getElementById("sub-account-form");
    if (me.kind !== "enterprise" || me.parent_id) { block.hidden = true; return; }
    block.hidden = false;
    let accounts;
    try { accounts = await request("GET", "/api/auth/sub-accounts/"); } catch (error) { M.fail(form, error); return; }
    const act = async (work, message) => {
      if (message && !window.confirm(message)) { return; }
      try { await work(); await loadSubAccounts(); } catch (error) { M.fail(form, error); }
    };
    document.getElementById("sub-account-rows").replaceChildren(...accounts.map((account) => el("tr", { dataset: { id: account.id, active: String(account.is_active) } },
      el("td", {}, account.phone), el("td", {}, account.name),
      el("td", {}, M.statusTag(account.is_active ? "active" : "disabled", account.is_active ? t.active : t.disabled)),
      el("td", { class: "me-actions" },
        account.is_active
          ? M.button(t.disable, "disable", () => act(() => request("POST", `/api/auth/sub-accounts/${account.id}/disable/`)))
          : M.button(t.enable, "enable", () => act(() => request("POST", `/api/auth/sub-accounts/${account.id}/enable/`))),
        M.button(t.actions.delete, "delete", () => act(() => request("DELETE", `/api/auth/sub-accounts/${account.id}/`), t.confirmDeleteSubAccount), "danger")))));
    document.getElementById("sub-account-empty").hidden = accounts.length > 0;
    const full = accounts.length >= 3;
    form.querySelectorAll("input, button").forEach((node) => { node.disabled = full || !me.is_verified; });
    let hint = form.querySelector(".me-hint");
    if (!hint) { hint = el("p", { class: "hint wide me-hint" }); form.prepend(hint); }
    hint.textContent = full ? t.subAccountLimit : me.is_verified ? "" : t.subAccountNeedsVerification;
    hint.hidden = !hint.textContent;
  }

  // ------------------------------------------------------------------------------------------- phone binding

  async function refreshCaptcha(form) {
    try {
      const captcha = await request("POST", "/api/auth/captcha/");
      form.elements.captcha_key.value = captcha.key;
      form.querySelector(".captcha-image").src = captcha.image;
      form.elements.captcha_answer.value = "";
    } catch (error) { M.fail(form, error); }
  }

  function countdown(button, seconds) {
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.disabled = true;
    const tick = () => {
      if (seconds <= 0) { button.disabled = false; button.textContent = label; return; }
      button.textContent = `${t.resend} ${seconds}${t.seconds}`;
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  function setUpPhone() {
    const form = document.getElementById("phone-form");
    form.querySelector(".captcha-image").addEventListener("click", () => refreshCaptcha(form));
    const sms = form.querySelector(".sms-send");
    sms.addEventListener("click", async () => {
      clearErrors(form);
      try {
        const sent = await request("POST", "/api/auth/sms-codes/", {
          phone: form.elements.new_phone.value.trim(), purpose: sms.dataset.purpose,
          captcha_key: form.elements.captcha_key.value, captcha_answer: form.elements.captcha_answer.value.trim(),
        });
        notice(form, t.smsSent);
        countdown(sms, sent.resend_after || 60);
      } catch (error) { M.fail(form, error); }
      refreshCaptcha(form);  // a captcha is good for one use
    });
    handle(form, (data) => request("POST", "/api/auth/phone/", { new_phone: data.new_phone || "", sms_code: data.sms_code || "", password: form.elements.password.value }), (user) => {
      me = { ...me, ...user };
      showAccount();
      const header = document.querySelector(".site-header .account .muted");
      if (header) { header.textContent = user.phone; }
      form.reset();
      refreshCaptcha(form);
      notice(form, t.phoneBound);
    });
    refreshCaptcha(form);
  }

  // ------------------------------------------------------------------------------------------- the rest

  function setUpForms() {
    const password = document.getElementById("password-form");
    handle(password, () => request("POST", "/api/auth/password/change/", {
      old_password: password.elements.old_password.value, new_password: password.elements.new_password.value,
      new_password_confirm: password.elements.new_password_confirm.value,
    }), () => { password.reset(); notice(password, t.passwordChanged); });

    const email = document.getElementById("email-form");
    handle(email, (data) => request("POST", "/api/auth/email/", { email: data.email || "" }), () => notice(email, t.emailSent));

    const address = document.getElementById("address-form");
    handle(address, () => request("PATCH", "/api/auth/me/", { contact_address: address.elements.contact_address.value.trim() }), (user) => {
      me = { ...me, ...user };
      showAccount();
      notice(address, t.addressSaved);
    });
  }

  // The link mailed by POST /api/auth/email/ comes back as /me/?email_token=…: confirm it and say how it went.
  async function emailToken(token) {
    const box = document.getElementById("email-confirm");
    try {
      const user = await request("POST", "/api/auth/email/confirm/", { token });
      const note = box.querySelector(".notice");
      note.textContent = `${t.emailConfirmed} ${user.email}`;
      note.hidden = false;
      if (me) { me = { ...me, ...user }; showAccount(); }
    } catch (error) { M.fail(box, error); }
  }

  M.register("settings", {
    emailToken,
    async init(node) {
      panel = node;
      setUpVerification();
      setUpPhone();
      setUpForms();
      try {
        await loadMe();
      } catch (error) { M.fail(panel.querySelector("#email-confirm"), error); return; }
      document.getElementById("address-form").elements.contact_address.value = me.contact_address || "";
      document.getElementById("email-form").elements.email.value = me.email || "";
      document.getElementById("sub-account-form").addEventListener("submit", async (event) => {
        event.preventDefault();
        const form = event.target;
        clearErrors(form);
        try {
          await request("POST", "/api/auth/sub-accounts/", { phone: form.elements.phone.value.trim(), name: form.elements.name.value.trim(), password: form.elements.password.value });
          form.reset();
          await loadSubAccounts();
        } catch (error) { M.fail(form, error); }
      });
      try {
        await loadVerification();
      } catch (error) {
        const form = document.getElementById("verification-form");
        form.hidden = false;
        M.fail(form, error);
      }
      await loadSubAccounts();
    },
  });
})();
