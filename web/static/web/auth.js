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
        await request("POST", form.dataset.api, values(form));
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
