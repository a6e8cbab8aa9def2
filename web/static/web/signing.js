// Signed operations in the browser (docs/signing.md): the canonical message of accounts/signing.py message_text,
// signed with this browser's key for one of the user's active certificates (web/static/web/certificates.js), and the
// `signed` block an operation's request carries. The server rebuilds the message from what it writes, so the page
// signs exactly the fields the server will compare.
(function () {
  "use strict";

  const FORMAT = "land-signed/1";
  const request = (...args) => window.LandApi.request(...args); // api.js may load after this file
  const certificates = () => window.LandCertificates;

  // ------------------------------------------------------------------------------------------ the message

  // A copy of `value` with every object's keys sorted: JSON.stringify of it gives Python's
  // json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) for integers and strings.
  function sorted(value) {
    if (Array.isArray(value)) { return value.map(sorted); }
    if (value === null || typeof value !== "object") { return value; }
    const out = {};
    for (const key of Object.keys(value).sort()) { out[key] = sorted(value[key]); }
    return out;
  }

  function messageText(action, fingerprint, nonce, fields) {
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value !== "string" && !Number.isInteger(value)) { throw new TypeError(`a signed field is an integer or a string: ${name}`); }
    }
    return JSON.stringify(sorted({ action, certificate: fingerprint, fields, format: FORMAT, nonce }));
  }

  // An amount typed or chosen (万元) as text with exactly four places, by string arithmetic (no floats): "1000" →
  // "1000.0000", "1200.5" → "1200.5000". Text that is not a plain decimal of at most four places is returned
  // trimmed: the server refuses the amount itself then.
  function fourPlaces(amount) {
    const text = String(amount).trim();
    const match = /^(\d+)(?:\.(\d{0,4}))?$/.exec(text);
    if (!match) { return text; }
    const whole = match[1].replace(/^0+(?=\d)/, "");
    return `${whole}.${(match[2] || "").padEnd(4, "0")}`;
  }

  // ------------------------------------------------------------------------------------------ bytes

  function bytesOf(base64Text) { return Uint8Array.from(atob(base64Text), (c) => c.charCodeAt(0)); }

  function base64(bytes) {
    let text = "";
    for (const byte of bytes) { text += String.fromCharCode(byte); }
    return btoa(text);
  }

  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }

  function randomNonce() { return certificates().base64url(crypto.getRandomValues(new Uint8Array(16))); }

  // One DER element at `at`: { start, end, contentStart } (X.690 definite lengths).
  function element(der, at) {
    let length = der[at + 1], contentStart = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i += 1) { length = length * 256 + der[at + 2 + i]; }
      contentStart += count;
    }
    return { start: at, contentStart, end: contentStart + length };
  }

  // SHA-256 (hex) of the certificate's SubjectPublicKeyInfo: the id its key has in this browser. The SPKI is the
  // seventh member of tbsCertificate when the [0] version is present, the sixth otherwise (RFC 5280 4.1).
  async function keyId(pem) {
    const der = bytesOf(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
    const tbs = element(der, element(der, 0).contentStart);
    let item = element(der, tbs.contentStart);
    let skip = der[item.start] === 0xa0 ? 6 : 5;
    for (; skip > 0; skip -= 1) { item = element(der, item.end); }
    const spki = der.slice(item.start, item.end);
    return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", spki)));
  }

  // ------------------------------------------------------------------------------------------ which certificate

  // The certificate this browser can sign with: { certificate, userId, keyId, certified } or { reason } — "none"
  // (no active certificate bound) or "no_key" (bound, but its key is not in this browser). The certificate the
  // session signed in with comes first; `certified` says whether the chosen one is it.
  async function find() {
    const [me, mine] = await Promise.all([request("GET", "/api/auth/me/"), request("GET", "/api/auth/certificates/")]);
    const active = mine.certificates.filter((c) => c.status === "active");
    if (!active.length) { return { reason: "none" }; }
    active.sort((a, b) => (b.id === mine.session_certificate_id) - (a.id === mine.session_certificate_id));
    for (const certificate of active) {
      const id = await keyId(certificate.certificate);
      if (await certificates().keyFor(me.id, id)) {
        return { certificate, userId: me.id, keyId: id, certified: certificate.id === mine.session_certificate_id };
      }
    }
    return { reason: "no_key" };
  }

  // Sign the operation `action` over `fields` (integers and strings) with `found` (from find(), or found now):
  // { signed: { certificate_id, nonce, signature }, certificate: { subject, serial }, message }, or null when there
  // is no usable certificate (find() says why).
  async function sign(action, fields, found) {
    const usable = found || await find();
    if (!usable.certificate) { return null; }
    const nonce = randomNonce();
    const message = messageText(action, usable.certificate.fingerprint_sha256, nonce, fields);
    const raw = await certificates().sign(usable.userId, usable.keyId, new TextEncoder().encode(message));
    if (!raw) { return null; }
    return {
      signed: { certificate_id: usable.certificate.id, nonce, signature: base64(raw) },
      certificate: { subject: usable.certificate.subject, serial: usable.certificate.serial },
      message,
    };
  }

  // The reserve's commitment: SHA-256 (hex) of the 16 salt bytes followed by the amount's ASCII with four places,
  // and the salt as 32 hex digits (auctions/services/reserve.py seal computes the same from the salt sent).
  async function commitment(amountFourPlaces) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const amount = new TextEncoder().encode(amountFourPlaces);
    const bytes = new Uint8Array(salt.length + amount.length);
    bytes.set(salt);
    bytes.set(amount, salt.length);
    return { salt: hex(salt), commitment: hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))) };
  }

  // ------------------------------------------------------------------------------------------ what a page shows

  const labels = () => document.getElementById("signing-labels").dataset;

  // The refusal codes of a signed operation whose message the page words itself (the API's own is shown else).
  const CODES = {
    signature_required: "signatureRequired", certificate_sign_in_required: "signInRefused", revoked: "revoked",
    bad_signature: "badSignature", unknown_certificate: "unknownCertificate", signature_replayed: "replayed",
  };

  // The message for an API error: ours for the signature's refusals, the API's for the rest.
  function refusal(error) { return CODES[error.code] ? labels()[CODES[error.code]] : error.message; }

  // What the page says before an operation: "signed with <subject>, serial …", or why it cannot be signed (with
  // links to 我的证书 and to sign in again) when `required`. Writes into `node` and returns whether the operation may
  // go ahead: signed, or unsigned where no signature is required.
  function describe(node, found, required) {
    const t = labels();
    node.replaceChildren();
    node.hidden = false;
    node.dataset.state = found.certificate ? (required && !found.certified ? "sign-in" : "signed") : found.reason;
    if (found.certificate && node.dataset.state === "signed") {
      node.textContent = t.willSign.replace("{subject}", found.certificate.subject).replace("{serial}", found.certificate.serial);
      return true;
    }
    if (!required) {
      node.textContent = found.reason === "no_key" ? t.unsignedNoKey : t.unsigned;
      return true;
    }
    const why = node.dataset.state === "sign-in" ? t.signInRequired : found.reason === "no_key" ? t.noKeyRequired : t.noneRequired;
    const { el } = window.LandApi;
    node.append(why, " ", el("a", { href: "/me/?section=certificates" }, t.myCertificates), " · ",
      el("button", { type: "button", class: "secondary", onclick: signInAgain }, t.signInAgain));
    return false;
  }

  // Sign out and come back through the sign-in page, whose certificate step certifies the new session.
  async function signInAgain() {
    await request("POST", "/api/auth/logout/");
    location.assign(`/login/?next=${encodeURIComponent(location.pathname + location.search)}`);
  }

  window.LandSigning = { messageText, fourPlaces, find, sign, commitment, describe, refusal, labels, keyId };
})();
