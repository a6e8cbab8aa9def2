// 申请竞买: submits the application form to /api/auctions/lots/<id>/applications/, then its documents, then shows
// the page again, which now holds the deposit account number, the amount and the deadline. The application is signed
// with the bidder's certificate when this browser holds its key, and must be where the lot's rules require it
// (web/static/web/signing.js).
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

  const required = page.dataset.certificatesRequired === "true";
  const signing = window.LandSigning.find().catch(() => ({ reason: "none" }));
  signing.then((found) => {
    const may = window.LandSigning.describe(document.getElementById("apply-signing"), found, required);
    form.querySelector("button[type=submit]").disabled = !may;
  });

  // What the signature covers (auctions/services/applications.py signed_fields): the lot, the bank and the contact
  // as the server stores them, joint bidding as "yes" or "no".
  async function signed(body) {
    const found = await signing;
    if (!found.certificate) { return; }
    const fields = {
      lot: Number(page.dataset.lot), bank_code: body.bank || "", contact_name: body.contact_name || "",
      contact_phone: body.contact_phone || "", address: body.address || "", joint: body.joint ? "yes" : "no",
    };
    const signature = await window.LandSigning.sign("application.submit", fields, found);
    if (signature) { body.signed = signature.signed; }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const body = { ...values(form), partners: partners() };
      await signed(body);
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
      error.message = window.LandSigning.refusal(error);
      showError(form, error);
      button.disabled = false;
    }
  });
}());
