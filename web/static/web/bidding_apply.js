// 申请竞买: submits the application form to /api/auctions/lots/<id>/applications/, then its documents, then shows
// the page again, which now holds the deposit account number, the amount and the deadline.
(function () {
  "use strict";
  const { request, values, showError, ApiError } = window.LandApi;
  const page = document.getElementById("bid-apply");
  const form = document.getElementById("apply-form");
  if (!form) { return; }

  function partners() {
    return Array.from(form.querySelectorAll(".partner")).map((row) => ({
      name: row.querySelector("[data-partner=name]").value.trim(),
      id_number: row.querySelector("[data-partner=id_number]").value.trim(),
    })).filter((partner) => partner.name || partner.id_number);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const body = { ...values(form), partners: partners() };
      const application = await request("POST", `/api/auctions/lots/${page.dataset.lot}/applications/`, body);
      for (const row of form.querySelectorAll(".document")) {
        const file = row.querySelector("[data-document=file]").files[0];
        if (!file) { continue; }
        const data = new FormData();
        data.append("title", row.querySelector("[data-document=title]").value.trim() || file.name);
        data.append("file", file);
        await request("POST", `/api/auctions/applications/${application.id}/documents/`, data);
      }
      window.location.reload();
    } catch (error) {
      if (!(error instanceof ApiError)) { throw error; }
      showError(form, error);
      button.disabled = false;
    }
  });
}());
