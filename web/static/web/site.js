// Every page's header: the language menu submits itself, and the sign-out button signs out and goes home.
(function () {
  "use strict";
  const language = document.querySelector("form.lang select[name=language]");
  if (language) language.addEventListener("change", () => language.form.submit());

  const logout = document.getElementById("logout-button");
  if (logout) {
    logout.addEventListener("click", () => {
      const token = (document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")) || "=").split("=")[1];
      fetch("/api/auth/logout/", { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(() => window.location.assign("/"));
    });
  }
})();
