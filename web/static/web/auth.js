// Sign-in, registration and password reset: image captcha, SMS code with a resend countdown, the API's errors.
(function () {
  "use strict";
  const t = window.LAND_AUTH_I18N;
  const { request, values, showError, ApiError } = window.LandApi;

  async function refreshCaptcha(form) {
    const data = await request("POST", "/api/auth/captcha/");
    form.querySelector("[name=captcha_key]").value = data.key;
    form.querySelector(".captcha-image").src = data.image;
    form.querySelector("[name=captcha_answer]").value = "";
  }

  function captchaNote(form, text) {
    let note = form.querySelector(".captcha-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "captcha-note hint";
      note.setAttribute("role", "status");
      form.querySelector(".captcha-row").after(note);
    }
    note.textContent = text;
    note.hidden = !text;
  }

  function countdown(button, seconds) {
    const label = button.textContent;
    button.disabled = true;
    const tick = () => {
      if (seconds <= 0) { button.disabled = false; button.textContent = label; return; }
      button.textContent = `${t.resend} ${seconds}${t.seconds}`;
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  // Whether the account must sign in with a certificate (a lot it works on or bids for requires certificates).
  async function certificateRequired() {
    const mine = await request("GET", "/api/auth/certificates/");
    return mine.certificate_required;
  }

  // After the password (sign-in form only): when the account has an active certificate, sign the server's challenge
  // with this browser's key for it (web/static/web/certificates.js). False when the step failed: its error is shown,
  // the password's sign-in stands and a link to go on shows, unless the account must sign in with a certificate:
  // then only 我的证书 (to bind one) and signing out are offered.
  async function certificateStep(form, user) {
    try {
      const challenge = await request("POST", "/api/auth/certificate-challenge/");
      const bytes = new TextEncoder().encode(challenge.signed_prefix + challenge.challenge);
      const signature = await window.LandCertificates.sign(user.id, challenge.spki_sha256, bytes);
      if (!signature) {
        throw new ApiError(409, { error: { code: "no_key_in_browser", message: window.LAND_CERTIFICATE_I18N.noKey, fields: {} } });
      }
      const body = { challenge: challenge.challenge, signature: window.LandCertificates.base64url(signature) };
      await request("POST", "/api/auth/certificate-login/", body);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      const required = await certificateRequired();
      if (error.code === "no_active_certificate" && !required) { return true; }  // the password is the sign-in
      showError(form, error);
      document.getElementById(required ? "certificate-required" : "certificate-continue").hidden = false;
      return false;
    }
  }

  const signOut = document.getElementById("certificate-sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      await request("POST", "/api/auth/logout/");
      window.location.reload();
    });
  }

  for (const form of document.querySelectorAll("form[data-api]")) {
    refreshCaptcha(form);
    form.querySelector(".captcha-image").addEventListener("click", () => refreshCaptcha(form));
    const sms = form.querySelector(".sms-send");
    if (sms) {
      sms.addEventListener("click", async () => {
        const body = {
          phone: form.querySelector(`[name=${sms.dataset.phoneField}]`).value.trim(),
          purpose: sms.dataset.purpose,
          captcha_key: form.querySelector("[name=captcha_key]").value,
          captcha_answer: form.querySelector("[name=captcha_answer]").value.trim(),
        };
        let sent = false;
        try {
          const data = await request("POST", "/api/auth/sms-codes/", body);
          countdown(sms, data.resend_after || 60);
          sent = true;
        } catch (error) {
          if (!(error instanceof ApiError)) { throw error; }
          showError(form, error);
        }
        await refreshCaptcha(form);  // a captcha is good for one use
        // The answer just typed was used up: say so, so an emptied field is not a surprise, and ask for the new one.
        captchaNote(form, sent ? t.captchaUsed : "");
        if (sent) { form.querySelector("[name=captcha_answer]").focus(); }
      });
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const data = await request("POST", form.dataset.api, values(form));
        if ("certificateStep" in form.dataset && !(await certificateStep(form, data.user))) { return; }
        window.location.assign(form.dataset.next || "/me/");
      } catch (error) {
        if (!(error instanceof ApiError)) { throw error; }
        showError(form, error);
        captchaNote(form, "");
        refreshCaptcha(form);  // the server used the captcha up, whatever the answer
      } finally {
        button.disabled = false;
      }
    });
  }
})();
