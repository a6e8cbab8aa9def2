// Numbers and dates as users read them, the twin of core/formatting.py (one table of cases tests both): money in 万元
// ("13,410.51 万元" / "CNY 134,105,100"), unit prices in 元/平方米 computed exactly from the raw decimals, areas in 平方米
// with 亩 alongside, days as 2026年11月5日 / 5 Nov 2026, moments in Asia/Shanghai. Exact decimal arithmetic on BigInt.
(function () {
  "use strict";

  const MONEY_PLACES = 2; // 0.01 万元 = 100 元: how listings read; amounts someone typed use places: 4 (= 元)
  const UNIT_PRICE_PLACES = 2; // 元/平方米 to the fen, as core/formatting.py explains
  const AREA_PLACES = 2;
  const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const blank = (value) => value === null || value === undefined || value === "";
  const english = (opts) => String((opts && opts.lang) || document.documentElement.lang || "zh-hans").toLowerCase().startsWith("en");
  const ten = (power) => 10n ** BigInt(power);

  // "-13410.5079" → { n: -134105079n, scale: 4 }: the decimal as an integer and its places.
  function parse(value) {
    const text = typeof value === "number" ? value.toFixed(10) : String(value).trim();
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!match) { throw new RangeError(`not a decimal: ${value}`); }
    const fraction = match[3] || "";
    const n = BigInt((match[2] || "0") + fraction);
    return { n: match[1] ? -n : n, scale: fraction.length };
  }

  // num / den half up (away from zero, as Python's ROUND_HALF_UP), as an integer.
  function divide(num, den) {
    const negative = (num < 0n) !== (den < 0n);
    const a = num < 0n ? -num : num, b = den < 0n ? -den : den;
    let q = a / b;
    if (2n * (a % b) >= b) { q += 1n; }
    return negative ? -q : q;
  }

  // The value times 10^places, rounded half up.
  function scaled(value, places) {
    const { n, scale } = parse(value);
    return scale <= places ? n * ten(places - scale) : divide(n, ten(scale - places));
  }

  // An integer holding a value times 10^places as text: grouped, without trailing zeros ("2,468.5").
  function text(m, places) {
    const digits = (m < 0n ? -m : m).toString().padStart(places + 1, "0");
    const whole = places ? digits.slice(0, -places) : digits;
    const fraction = places ? digits.slice(-places).replace(/0+$/, "") : "";
    const out = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction ? `.${fraction}` : "");
    return m < 0n && out !== "0" ? `-${out}` : out;
  }

  function grouped(value, places = 4) { return blank(value) ? "" : text(scaled(value, places), places); }

  // An amount stored in 万元: "13,410.51 万元"; in English the same figure in yuan, "CNY 134,105,100".
  function money(value, opts) {
    if (blank(value)) { return ""; }
    const places = (opts && opts.places) ?? MONEY_PLACES;
    const m = scaled(value, places);
    return english(opts) ? `CNY ${text(m * ten(4 - places), 0)}` : `${text(m, places)} 万元`;
  }

  // An amount in 万元 without its unit, for a column whose header names it (金额（万元）).
  function wanNumber(value, opts) { return grouped(value, (opts && opts.places) ?? MONEY_PLACES); }

  // 元/平方米 = price_wan × 10000 / area_m2 from the API's raw decimals, exact, half up to the fen; "" without one.
  function unitPrice(priceWan, areaM2, opts) {
    if (blank(priceWan) || blank(areaM2)) { return ""; }
    const price = parse(priceWan), area = parse(areaM2);
    if (area.n === 0n) { return ""; }
    const m = divide(price.n * 10000n * ten(area.scale + UNIT_PRICE_PLACES), area.n * ten(price.scale));
    const out = text(m, UNIT_PRICE_PLACES);
    return english(opts) ? `CNY ${out}/m²` : `${out} 元/平方米`;
  }

  // "12,000 平方米", with 亩 alongside (opts.withMu; 1 亩 = 10000/15 m²) "12,000 平方米（18 亩）"; "12,000 m² (18 mu)".
  function area(value, opts) {
    if (blank(value)) { return ""; }
    const en = english(opts);
    let out = `${grouped(value, AREA_PLACES)} ${en ? "m²" : "平方米"}`;
    if (opts && opts.withMu) {
      const { n, scale } = parse(value);
      const mu = text(divide(n * 15n * ten(AREA_PLACES), 10000n * ten(scale)), AREA_PLACES);
      out += en ? ` (${mu} mu)` : `（${mu} 亩）`;
    }
    return out;
  }

  // A range of two optional bounds of money ("money") or area ("area"): "500–1,000 万元", "≥ CNY 5,000,000", "≤ 800 m²"; one
  // figure when both read alike; "" without either. The unit is written once, around the pair's numbers.
  function range(low, high, kind, opts) {
    const full = (value) => (kind === "money" ? money(value, opts) : area(value, opts));
    if (blank(low) && blank(high)) { return ""; }
    if (blank(high)) { return `≥ ${full(low)}`; }
    if (blank(low)) { return `≤ ${full(high)}`; }
    if (full(low) === full(high)) { return full(low); }
    const figure = (text) => /\d[\d,.]*/.exec(text)[0];
    const upper = full(high);
    return upper.replace(figure(upper), `${figure(full(low))}–${figure(upper)}`);
  }

  const shanghai = new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  // A date ("2026-11-05") as it is; a moment (ISO with its offset) in Asia/Shanghai.
  function parts(value) {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
    if (day) { return { year: day[1], month: day[2], day: day[3], hour: null, minute: null }; }
    const out = {};
    for (const part of shanghai.formatToParts(new Date(value))) { out[part.type] = part.value; }
    return out;
  }

  // A day as read in China: "2026年11月5日", "5 Nov 2026".
  function date(value, opts) {
    if (blank(value)) { return ""; }
    const p = parts(value);
    const [y, m, d] = [Number(p.year), Number(p.month), Number(p.day)];
    return english(opts) ? `${d} ${EN_MONTHS[m - 1]} ${y}` : `${y}年${m}月${d}日`;
  }

  // A moment in Asia/Shanghai as the tables show it, in both languages: "2026-11-05 09:30".
  function dateTime(value) {
    if (blank(value)) { return ""; }
    const p = parts(value);
    return p.hour === null ? `${p.year}-${p.month}-${p.day}` : `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  window.LandFormat = { grouped, money, wanNumber, unitPrice, area, range, date, dateTime };
})();
