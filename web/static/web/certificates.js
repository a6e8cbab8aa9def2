// Certificate keys in the browser (docs/certificates.md): an ECDSA P-256 key pair made by WebCrypto, its private key
// not extractable, kept in IndexedDB per user under the SHA-256 of its public key (SPKI); a PKCS#10 certificate
// signing request for it built here with a small DER encoder; signatures made with it, raw r‖s as WebCrypto gives them.
(function () {
  "use strict";
  const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" };
  const SIGNING = { name: "ECDSA", hash: "SHA-256" };
  const DB_NAME = "land-certificates";
  const STORE = "keys";

  // ------------------------------------------------------------------------------------------ DER (X.690)

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
  }

  function length(n) {
    if (n < 0x80) { return Uint8Array.of(n); }
    const bytes = [];
    for (; n > 0; n = Math.floor(n / 256)) { bytes.unshift(n & 0xff); }
    return Uint8Array.of(0x80 | bytes.length, ...bytes);
  }

  function tlv(tag, ...contents) {
    const body = concat(...contents);
    return concat(Uint8Array.of(tag), length(body.length), body);
  }

  const sequence = (...items) => tlv(0x30, ...items);
  const set = (...items) => tlv(0x31, ...items);

  // A non-negative INTEGER from its big-endian bytes: leading zeros dropped, one 0x00 kept before a high bit.
  function integer(bytes) {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) { start += 1; }
    const value = bytes.slice(start);
    return tlv(0x02, value[0] & 0x80 ? concat(Uint8Array.of(0), value) : value);
  }

  function oid(dotted) {
    const [first, second, ...rest] = dotted.split(".").map(Number);
    const out = [40 * first + second];
    for (const arc of rest) {
      const base128 = [arc & 0x7f];
      for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) { base128.unshift(0x80 | (n & 0x7f)); }
      out.push(...base128);
    }
    return tlv(0x06, Uint8Array.from(out));
  }

  const utf8String = (text) => tlv(0x0c, new TextEncoder().encode(text));
  const printableString = (text) => tlv(0x13, new TextEncoder().encode(text));
  const bitString = (bytes) => tlv(0x03, Uint8Array.of(0), bytes);

  const OID = { commonName: "2.5.4.3", serialNumber: "2.5.4.5", organizationName: "2.5.4.10", ecdsaWithSha256: "1.2.840.10045.4.3.2" };

  // WebCrypto's ECDSA signature (r‖s, 32 bytes each for P-256) as the DER Ecdsa-Sig-Value SEQUENCE { r, s }.
  function ecdsaSigValue(raw) {
    const half = raw.length / 2;
    return sequence(integer(raw.slice(0, half)), integer(raw.slice(half)));
  }

  function base64(bytes) {
    let text = "";
    for (const byte of bytes) { text += String.fromCharCode(byte); }
    return btoa(text);
  }

  function base64url(bytes) { return base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""); }

  function pem(label, der) {
    const lines = base64(der).match(/.{1,64}/g);
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
  }

  function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""); }

  // ------------------------------------------------------------------------------------------ keys in IndexedDB

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, action) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = action(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  // A new key pair for the user, kept in this browser: { id (SHA-256 of the SPKI, hex), spki (DER bytes), keys }.
  async function generateKey(userId) {
    const keys = await crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    const id = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", spki)));
    const record = { id, userId: Number(userId), privateKey: keys.privateKey, publicKey: keys.publicKey, createdAt: new Date().toISOString() };
    await store("readwrite", (s) => s.put(record));
    return { id, spki, keys };
  }

  // The user's key of that id (SHA-256 of its SPKI, hex) in this browser, or null.
  async function keyFor(userId, id) {
    const record = await store("readonly", (s) => s.get(id));
    return record && record.userId === Number(userId) ? record : null;
  }

  // ------------------------------------------------------------------------------------------ CSR and signatures

  // A PEM PKCS#10 request (RFC 2986) for the key made by generateKey: subject CN = commonName, serialNumber =
  // serialNumber (the verified name and ID number or credit code) and, for an enterprise's staff member, O =
  // organizationName (the enterprise's verified name); no attributes, signed ECDSA with SHA-256.
  async function buildCsr(key, { commonName, serialNumber, organizationName }) {
    const names = [set(sequence(oid(OID.commonName), utf8String(commonName)))];
    if (organizationName) { names.push(set(sequence(oid(OID.organizationName), utf8String(organizationName)))); }
    names.push(set(sequence(oid(OID.serialNumber), printableString(serialNumber))));
    const subject = sequence(...names);
    const info = sequence(integer(Uint8Array.of(0)), subject, key.spki, tlv(0xa0));
    const raw = new Uint8Array(await crypto.subtle.sign(SIGNING, key.keys.privateKey, info));
    const request = sequence(info, sequence(oid(OID.ecdsaWithSha256)), bitString(ecdsaSigValue(raw)));
    return pem("CERTIFICATE REQUEST", request);
  }

  // The raw signature (r‖s, 64 bytes) of `bytes` by the user's key `id`, or null when this browser has no such key.
  async function sign(userId, id, bytes) {
    const record = await keyFor(userId, id);
    if (!record) { return null; }
    return new Uint8Array(await crypto.subtle.sign(SIGNING, record.privateKey, bytes));
  }

  window.LandCertificates = { generateKey, keyFor, buildCsr, sign, base64url };
})();
