// The search page of aiosyslogd web. It reads the view from the URL, asks
// the JSON API for the results, the histogram and the facets, and draws
// them. Every stored string is put in the page with textContent, never as
// HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  const severities = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
  const maxRows = 500; // rows kept on the page while live tail adds more

  const facilities = ["kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
    "local6", "local7"];

  // ---- time zone ----
  // Times are shown in one zone, named wherever times are: the browser's,
  // or UTC when the user chose it. The choice is kept in this browser for
  // each user. Times typed without a zone are read in the one shown.
  const zoneKey = "aiosyslogd.zone." + ((document.querySelector(".user .name") || {}).textContent || "");
  let zone = "local";
  try { if (localStorage.getItem(zoneKey) === "UTC") zone = "UTC"; } catch (err) { /* storage off: local */ }
  const zoneName = () => (zone === "UTC" ? "UTC" : tz || "local");
  const typedZone = () => (zone === "UTC" ? "UTC" : tz);
  if (!params.get("tz")) $("tz").value = typedZone();

  // ---- event time ----
  // The view bounds, orders and counts by when the server received each
  // message, or with time=event by its event time: the device's own
  // timestamp where it had one (backfilled or delayed logs). The choice
  // is kept in this browser for each user, as the zone is; a URL that
  // names it wins.
  const timeKey = "aiosyslogd.time." + ((document.querySelector(".user .name") || {}).textContent || "");
  if (!params.has("time")) {
    let stored = "";
    try { stored = localStorage.getItem(timeKey) || ""; } catch (err) { /* storage off: received */ }
    if (stored === "event") {
      params.set("time", "event");
      history.replaceState(null, "", "/?" + params.toString());
    }
  }
  const byEvent = params.get("time") === "event";
  // timeOf is the time of ev that the view goes by.
  const timeOf = (ev) => (byEvent && ev.DeviceReportedTime ? ev.DeviceReportedTime : ev.ReceivedAt);
  $("timeby").value = byEvent ? "event" : "received";
  $("timeby").addEventListener("change", () => {
    const v = $("timeby").value === "event" ? "event" : "received";
    try { localStorage.setItem(timeKey, v); } catch (err) { /* kept in the URL only */ }
    go((p) => { if (v === "event") p.set("time", "event"); else p.set("time", "received"); });
  });

  // The from/until inputs show only for a custom range.
  const custom = document.querySelector(".query .custom");
  const showCustom = () => { custom.hidden = $("range").value !== "custom"; };
  $("range").addEventListener("change", () => {
    showCustom();
    if ($("range").value === "custom") custom.querySelector("input").focus();
  });

  // syncForm puts the view's state back in the form, as the server wrote
  // it from the URL: after Back or Forward the browser may show the page
  // from its cache, or fill in what was typed before, and then the form
  // would not say what the results are of, and the next search would run
  // another query.
  function syncForm() {
    for (const e of $("query").elements) {
      if (e.type === "hidden" || e.id === "tz") continue;
      if (e.tagName === "SELECT") {
        for (const o of e.options) o.selected = o.defaultSelected;
        if (!Array.from(e.options).some((o) => o.defaultSelected)) e.selectedIndex = 0;
      } else if (e.tagName === "INPUT") {
        e.value = e.defaultValue;
      }
    }
    showCustom();
  }
  // A page from the cache is synced whatever was typed in its past life;
  // a page loaded anew, unless the user has typed already.
  let typed = false;
  $("query").addEventListener("input", () => { typed = true; });
  syncForm();
  window.addEventListener("pageshow", (e) => { if (e.persisted || !typed) syncForm(); });

  // The API's parameters: the page's, with the browser's time zone for
  // times typed without one.
  function apiParams(extra) {
    const p = new URLSearchParams(params);
    p.delete("live");
    if (typedZone() && !p.get("tz")) p.set("tz", typedZone());
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  // go navigates to the page with params changed: a new history entry.
  function go(change) {
    const p = new URLSearchParams(params);
    p.delete("cursor");
    change(p);
    location.assign("/?" + p.toString());
  }

  async function api(path, extra) {
    const res = await fetch(path + "?" + apiParams(extra).toString(), { credentials: "same-origin" });
    if (res.status === 401) {
      location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
      throw new Error("not logged in");
    }
    const body = await res.json();
    if (!res.ok) {
      const err = new Error(body.error || res.statusText);
      err.column = body.column || 0;
      throw err;
    }
    return body;
  }

  // showError shows err under the query bar; for a query that does not
  // parse, also the query with a ^ under the column of the mistake, and
  // the caret of the query bar there.
  function showError(err) {
    const box = $("error");
    box.replaceChildren(el("span", String(err.message || err), "error-text"));
    box.hidden = false;
    const q = params.get("q") || "";
    if (!err.column || !q) return;
    const chars = Array.from(q), col = Math.min(err.column, chars.length + 1);
    box.appendChild(el("pre", q + "\n" + " ".repeat(col - 1) + "^", "error-caret"));
    const at = chars.slice(0, col - 1).join("").length; // UTF-16 offset, as the input counts
    const input = $("q");
    const place = () => { if (input.value === q) input.setSelectionRange(at, at); };
    if (document.activeElement === input) place();
    else input.addEventListener("focus", () => setTimeout(place), { once: true });
  }

  // el makes an element holding text (as textNodes shows it) with class cls.
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.append(...textNodes(String(text)));
    if (cls) e.className = cls;
    return e;
  }

  // The bidi controls by name. Applied, they reorder the text around them
  // ("invoice-\u202Eexe.live" reads "invoice-evil.exe"), so the page shows
  // them as marks instead, as the browser shows other control characters.
  const bidiNames = {
    "\u061c": "ARABIC LETTER MARK", "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING", "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE", "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE", "\u2069": "POP DIRECTIONAL ISOLATE",
  };
  const bidiSplit = /([\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069])/;

  // textNodes is s as text nodes, with each bidi control as a mark
  // "U+202E" whose title names it.
  function textNodes(s) {
    if (!bidiSplit.test(s)) return [s];
    return s.split(bidiSplit).filter((part) => part !== "").map((part) => {
      if (!bidiNames[part]) return part;
      const mark = document.createElement("span");
      mark.className = "ctl";
      mark.textContent = "U+" + part.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      mark.title = bidiNames[part] + ", shown instead of applied";
      return mark;
    });
  }

  const pad = (n, w) => String(n).padStart(w || 2, "0");
  // timeParts are the year, month, day, hour, minute, second and
  // millisecond of d in the zone shown.
  const timeParts = (d) => (zone === "UTC"
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()]);

  // showTime is the time iso in the zone shown: 2026-11-24 13:05:00.000.
  function showTime(iso) {
    const [y, mo, d, h, mi, s, ms] = timeParts(new Date(iso));
    return y + "-" + pad(mo) + "-" + pad(d) + " " + pad(h) + ":" + pad(mi) + ":" + pad(s) + "." + pad(ms, 3);
  }

  // zonedTime is showTime with the zone's name, where no heading names it.
  const zonedTime = (iso) => (iso ? showTime(iso) + " " + zoneName() : iso);

  // ago is how long before now iso was, in its largest unit: "3 min ago".
  function ago(iso) {
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (s < 0) return "in the future";
    for (const [unit, secs] of [["day", 86400], ["h", 3600], ["min", 60]]) {
      const n = Math.floor(s / secs);
      if (n >= 1) return n + " " + unit + (unit === "day" && n > 1 ? "s" : "") + " ago";
    }
    return s + " s ago";
  }

  // A time cell says how long ago it was when the pointer is on it (worked
  // out then, so that it is never stale).
  $("results").addEventListener("mouseover", (e) => {
    const td = e.target.closest("td.time");
    if (td) td.title = ago(td.parentElement.dataset.at);
  });

  // exact is the host or tag pattern matching s only (search.Exact).
  const exact = (s) => s.replace(/[*?[]/g, (c) => "[" + c + "]");

  // ---- results ----
  function row(ev) {
    const tr = el("tr", null, "sev-" + (ev.Priority & 7));
    tr.appendChild(el("td", showTime(timeOf(ev)), "time"));
    tr.dataset.at = timeOf(ev);
    if (byEvent && !ev.DeviceReportedTime) tr.cells[0].classList.add("received");
    tr.appendChild(el("td", ev.FromHost, "host"));
    tr.appendChild(el("td", ev.SysLogTag + (ev.ProcessID ? "[" + ev.ProcessID + "]" : ""), "tag"));
    tr.appendChild(el("td", severities[ev.Priority & 7], "sev"));
    tr.appendChild(messageCell(ev.Message));
    tr.dataset.key = key(ev);
    tr.tabIndex = 0;
    tr.addEventListener("click", () => showDetail(ev));
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") showDetail(ev); });
    return tr;
  }

  // isLong tells a message that would make its row taller than a few
  // lines: a stack trace, a dump, a 27 KB line.
  const isLong = (m) => m.length > 400 || (m.match(/\n/g) || []).length > 3;

  // messageCell is the message's cell: a long message is cut to a few
  // lines, with "more" to show it whole in place (and all of it is in
  // the detail panel).
  function messageCell(m) {
    if (!isLong(m)) return el("td", m, "msg");
    const td = el("td", null, "msg long");
    const more = el("button", "more", "more");
    more.type = "button";
    more.setAttribute("aria-expanded", "false");
    more.addEventListener("click", (e) => {
      e.stopPropagation(); // the row's click opens the detail panel
      const open = td.classList.toggle("open");
      more.textContent = open ? "less" : "more";
      more.setAttribute("aria-expanded", String(open));
    });
    td.append(el("div", m, "clamp"), more);
    return td;
  }

  const key = (ev) => ev.Table + "/" + ev.ID;
  let shown = new Set();
  async function loadResults() {
    const page = await api("/api/search");
    const body = $("results").tBodies[0];
    body.replaceChildren(...page.events.map(row));
    $("empty").hidden = page.events.length > 0;
    shown = new Set(page.events.map(key));
    if (page.next) {
      const p = new URLSearchParams(params);
      p.set("cursor", page.next);
      $("older").href = "/?" + p.toString();
      $("older").hidden = false;
    }
    if (params.get("cursor")) {
      const p = new URLSearchParams(params);
      p.delete("cursor");
      $("newest").href = "/?" + p.toString();
      $("newest").hidden = false;
    }
    return page;
  }

  // ---- histogram ----
  let buckets = [], step = 0, bySeverity = [];
  async function loadHistogram() {
    const h = await api("/api/histogram", { buckets: "60" });
    buckets = h.buckets;
    step = h.step;
    bySeverity = h.severities || [];
    $("total").textContent = h.total.toLocaleString() + (h.total === 1 ? " message" : " messages");
    $("total").dataset.total = String(h.total);
    drawHistogram();
  }

  // drawHistogram draws a bar per bucket, stacked by severity (emerg at the
  // bottom, in the colours of the rows' severity bars), the legend, and
  // the axis below them. A bar's title says its counts by severity.
  function drawHistogram() {
    const svg = $("histogram");
    const n = buckets.length, top = Math.max(1, ...buckets.map((b) => b.count));
    $("ymax").textContent = top.toLocaleString();
    svg.setAttribute("viewBox", "0 0 " + n + " 100");
    svg.replaceChildren(...buckets.map((b, i) => bar(b, i, top)));
    drawLegend();
    const axis = $("axis");
    axis.replaceChildren();
    if (n > 0) {
      axis.appendChild(el("span", showTime(buckets[0].start).slice(0, 16)));
      axis.appendChild(el("span", zoneName(), "zone-name"));
      axis.appendChild(el("span", showTime(new Date(Date.parse(buckets[n - 1].start) + step * 1000).toISOString()).slice(0, 16)));
    }
  }

  // bar is bucket b, the i-th, as a group of one segment per severity
  // it has, top being the tallest bucket's count. A bar with messages is
  // at least 2 units tall, and each segment 1, so that a lone err among
  // thousands of info still shows.
  function bar(b, i, top) {
    const ns = "http://www.w3.org/2000/svg";
    const g = document.createElementNS(ns, "g");
    g.setAttribute("class", "bar");
    g.setAttribute("data-count", String(b.count));
    g.setAttribute("data-start", b.start);
    const counts = b.severities || [];
    const scale = b.count ? Math.max(2, 100 * b.count / top) / b.count : 0;
    let y = 100;
    const lines = [showTime(b.start) + ": " + b.count.toLocaleString()];
    counts.forEach((c, s) => {
      if (!c) return;
      const height = Math.min(y, Math.max(1, c * scale));
      y -= height;
      const r = document.createElementNS(ns, "rect");
      r.setAttribute("class", "sev-" + s);
      r.setAttribute("x", String(i + 0.08));
      r.setAttribute("width", "0.84");
      r.setAttribute("y", String(y));
      r.setAttribute("height", String(height));
      r.setAttribute("data-severity", severities[s]);
      r.setAttribute("data-count", String(c));
      g.appendChild(r);
      lines.push(severities[s] + " " + c.toLocaleString());
    });
    const title = document.createElementNS(ns, "title");
    title.textContent = lines.join("\n");
    g.appendChild(title);
    return g;
  }

  // drawLegend names the colour of each severity in the histogram, with
  // its count over the whole range.
  function drawLegend() {
    const legend = $("legend");
    legend.replaceChildren(...bySeverity.map((c, s) => {
      if (!c) return null;
      const item = el("span", null, "sev-" + s);
      item.dataset.severity = severities[s];
      item.dataset.count = String(c);
      item.appendChild(el("span", "", "swatch"));
      item.appendChild(document.createTextNode(severities[s] + " " + c.toLocaleString()));
      return item;
    }).filter(Boolean));
  }

  // Click a bar to zoom into it, drag across bars to zoom into them: with
  // a mouse, a pen or a finger (pointer events; the bars take no touch
  // scrolling).
  function bucketAt(ev) {
    const box = $("histogram").getBoundingClientRect();
    const i = Math.floor((ev.clientX - box.left) / box.width * buckets.length);
    return Math.min(Math.max(i, 0), buckets.length - 1);
  }
  let dragFrom = -1;
  $("histogram").addEventListener("pointerdown", (ev) => {
    if (!buckets.length) return;
    dragFrom = bucketAt(ev);
    $("histogram").setPointerCapture(ev.pointerId);
    ev.preventDefault();
  });
  $("histogram").addEventListener("pointermove", (ev) => {
    if (dragFrom < 0) return;
    const to = bucketAt(ev), lo = Math.min(dragFrom, to), hi = Math.max(dragFrom, to);
    Array.from($("histogram").children).forEach((g, i) => g.classList.toggle("selected", i >= lo && i <= hi));
  });
  $("histogram").addEventListener("pointerup", (ev) => {
    if (dragFrom < 0) return;
    const to = bucketAt(ev), lo = Math.min(dragFrom, to), hi = Math.max(dragFrom, to);
    dragFrom = -1;
    const since = Date.parse(buckets[lo].start), until = Date.parse(buckets[hi].start) + step * 1000;
    go((p) => { p.set("since", isoTime(since)); p.set("until", isoTime(until)); });
  });
  $("histogram").addEventListener("pointercancel", () => { dragFrom = -1; });

  // isoTime is Unix milliseconds t as the URL writes a time.
  const isoTime = (t) => new Date(t).toISOString().replace(".000Z", "Z");

  // showRange goes to the view of [from, to) (Unix milliseconds); a range
  // moved up to now is left open, so that it goes on (and live tail can).
  function showRange(from, to) {
    go((p) => {
      p.set("since", isoTime(from));
      if (to >= Date.now()) p.delete("until"); else p.set("until", isoTime(to));
    });
  }

  // barsRange is the range the bars cover, in Unix milliseconds.
  function barsRange() {
    return [Date.parse(buckets[0].start), Date.parse(buckets[buckets.length - 1].start) + step * 1000];
  }

  // viewRange is the range the view asked for, in Unix milliseconds, when
  // since (and until, else now) are times with a zone, as the buttons and
  // a drag write them; otherwise (15m, a date) the range the bars cover,
  // whose ends are rounded to the buckets.
  function viewRange() {
    const exact = (s) => (s && /T.*(Z|[+-]\d\d:?\d\d)$/.test(s) ? Date.parse(s) : NaN);
    const from = exact(params.get("since"));
    const to = params.get("until") ? exact(params.get("until")) : Date.now();
    return isNaN(from) || isNaN(to) ? barsRange() : [from, to];
  }

  // moveRange moves the start and the end of the view's range by half of
  // it each (-1 earlier, 1 later): the buttons ◀ (-1, -1), ▶ (1, 1) and −,
  // twice as wide around its middle (-1, 1). The end stops at now.
  function moveRange(earlier, later) {
    if (!buckets.length) return;
    const [from, to] = viewRange(), half = (to - from) / 2;
    showRange(from + earlier * half, Math.min(to + later * half, Date.now() + 1));
  }
  $("shift-earlier").addEventListener("click", () => moveRange(-1, -1));
  $("shift-later").addEventListener("click", () => moveRange(1, 1));
  $("zoom-out").addEventListener("click", () => moveRange(-1, 1));

  // withTerm is query q AND term. A q with an OR goes in parentheses,
  // so that the term applies to all of it.
  function withTerm(q, term) {
    q = q.trim();
    if (!q) return term;
    return (/\bOR\b/.test(q) ? "(" + q + ")" : q) + " " + term;
  }

  // addTerm is a change for go that adds term to the view's query: an
  // empty host or tag has no filter box, only the query's host:"".
  const addTerm = (term) => (p) => p.set("q", withTerm(p.get("q") || "", term));

  // ---- facets ----
  const facetParam = { host: "host", tag: "tag", severity: "severity", facility: "facility" };
  async function loadFacets() {
    const box = $("facets");
    const fields = ["host", "tag", "severity", "facility"];
    const answers = await Promise.all(fields.map((f) => api("/api/facets", { field: f, top: "10" })));
    box.replaceChildren(...answers.map(facetList));
  }

  function facetList(a) {
    const section = el("section", null, "facet");
    section.dataset.field = a.field;
    section.appendChild(el("h3", a.field));
    const list = el("ul");
    for (const v of a.values) {
      const empty = v.value === "";
      const text = v.name || (empty ? "(none)" : String(v.value));
      const value = v.name || (a.field === "host" || a.field === "tag" ? exact(String(v.value)) : String(v.value));
      const li = el("li");
      const add = el("button", text, "facet-add");
      add.type = "button";
      add.title = a.field === "severity" ? "only " + text + " and worse" : "only " + text;
      add.addEventListener("click", () => go(empty ? addTerm(a.field + ':""') : (p) => p.set(facetParam[a.field], value)));
      const not = el("button", "−", "facet-not");
      not.type = "button";
      not.title = "all but " + text;
      not.setAttribute("aria-label", "exclude " + text);
      not.addEventListener("click", () => go(empty ? addTerm("-" + a.field + ':""') : (p) => p.append("not_" + a.field, value)));
      li.append(add, el("span", v.count.toLocaleString(), "count"), not);
      list.appendChild(li);
    }
    if (!a.values.length) list.appendChild(el("li", "none", "none"));
    section.appendChild(list);
    return section;
  }

  // The exclusions, as chips that remove themselves.
  function drawChips() {
    const box = $("chips");
    for (const key of ["not_host", "not_tag", "not_facility", "not_severity"]) {
      for (const v of params.getAll(key)) {
        const chip = el("button", "not " + key.slice(4) + " " + v + " ×", "chip");
        chip.type = "button";
        chip.addEventListener("click", () => go((p) => {
          const rest = p.getAll(key).filter((x) => x !== v);
          p.delete(key);
          rest.forEach((x) => p.append(key, x));
        }));
        box.appendChild(chip);
      }
    }
  }

  // ---- detail panel ----
  // kv fills table with rows [name, value, term]; a row with a query
  // term has buttons to filter for it and to filter it out.
  function kv(table, rows) {
    table.replaceChildren(...rows.map(([k, v, term]) => {
      const tr = el("tr");
      tr.append(el("th", k), el("td", v === null || v === undefined ? "–" : String(v)));
      if (term) tr.appendChild(filterButtons(term));
      return tr;
    }));
  }

  // filterButtons is the cell of + (filter for term) and − (filter it
  // out): each adds to the query what typing it in the query bar would.
  function filterButtons(term) {
    const td = el("td", null, "filter");
    const not = /\s/.test(term) ? "-(" + term + ")" : "-" + term;
    for (const [label, t, cls] of [["+", term, "filter-for"], ["−", not, "filter-out"]]) {
      const b = el("button", label, cls);
      b.type = "button";
      b.title = t;
      b.setAttribute("aria-label", (cls === "filter-for" ? "filter for " : "filter out ") + t);
      b.addEventListener("click", () => go(addTerm(t)));
      td.appendChild(b);
    }
    return td;
  }

  // fieldTerm is the query term "field name is v": host:web-03, tag:"",
  // quoted as the query bar's suggestions quote.
  const fieldTerm = (name, v) => (v === null || v === undefined ? null : name + ":" + (v === "" ? '""' : quoteValue(String(v))));

  // severityTerm is the query of severity s exactly (severity:err alone
  // also keeps crit, alert and emerg).
  const severityTerm = (s) => "severity:" + severities[s] + (s > 0 ? " -severity:" + severities[s - 1] : "");

  // sdTerm is the query term of a structured-data parameter, when its
  // SD-ID and name can be written as a field name.
  const sdTerm = (id, k, v) => (/^[^\s"():]+$/.test(id + k) && !Array.isArray(v) ? fieldTerm("sd." + id + "." + k, v) : null);

  // hexDump is the bytes of b64 as hexdump -C writes them: 16 a line, or 8
  // where the panel is a phone's width, so that the text column shows.
  function hexDump(b64) {
    const bin = atob(b64), lines = [], n = matchMedia("(max-width: 640px)").matches ? 8 : 16;
    for (let i = 0; i < bin.length; i += n) {
      const chunk = bin.slice(i, i + n);
      const hex = Array.from(chunk, (c) => pad(c.charCodeAt(0).toString(16))).join(" ");
      const ascii = Array.from(chunk, (c) => (c >= " " && c <= "~" ? c : ".")).join("");
      lines.push(pad(i.toString(16), 8) + "  " + hex.padEnd(3 * n) + " " + ascii);
    }
    return lines.join("\n");
  }

  let detailEvent = null; // the event of the detail panel

  async function showDetail(ev) {
    const d = $("detail");
    detailEvent = ev;
    kv($("detail-fields"), [["Table", ev.Table], ["ID", ev.ID], ["ReceivedAt", zonedTime(ev.ReceivedAt)],
      ["DeviceReportedTime", zonedTime(ev.DeviceReportedTime)],
      ["Facility", ev.Facility + " " + (facilities[ev.Facility] || ""), facilities[ev.Facility] && "facility:" + facilities[ev.Facility]],
      ["Priority", ev.Priority + " " + severities[ev.Priority & 7], severityTerm(ev.Priority & 7)],
      ["FromHost", ev.FromHost, fieldTerm("host", ev.FromHost)], ["FromHostIP", ev.FromHostIP, ev.FromHostIP && fieldTerm("ip", ev.FromHostIP)],
      ["SysLogTag", ev.SysLogTag, fieldTerm("tag", ev.SysLogTag)], ["ProcessID", ev.ProcessID, ev.ProcessID && fieldTerm("pid", ev.ProcessID)],
      ["MsgID", ev.MsgID, ev.MsgID && fieldTerm("msgid", ev.MsgID)],
      ["InfoUnitID", ev.InfoUnitID], ["Message", ev.Message]]);
    const sd = [];
    if (ev.StructuredData && typeof ev.StructuredData === "object") {
      for (const [id, ps] of Object.entries(ev.StructuredData)) {
        for (const [k, v] of Object.entries(ps)) sd.push([id + " " + k, Array.isArray(v) ? v.join(", ") : v, sdTerm(id, k, v)]);
      }
    } else if (ev.StructuredData) {
      sd.push(["(text)", ev.StructuredData]);
    }
    kv($("detail-sd"), sd);
    $("sd-title").hidden = sd.length === 0;
    $("raw-title").hidden = $("detail-raw").hidden = !ev.RawMessage;
    $("detail-raw").textContent = ev.RawMessage ? hexDump(ev.RawMessage) : "";
    $("detail-context").href = "/?" + new URLSearchParams({ context: key(ev), scope: "host" }).toString();
    $("detail-rfc5424").value = "";
    $("copied").textContent = "";
    d.hidden = false;
    try {
      const res = await fetch("/api/event?" + new URLSearchParams({ table: ev.Table, id: String(ev.ID), format: "rfc5424" }));
      if (res.ok) $("detail-rfc5424").value = (await res.text()).trimEnd();
    } catch (err) { /* the fields above are shown anyway */ }
  }
  $("detail-close").addEventListener("click", () => { $("detail").hidden = true; });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("detail").hidden = true; });
  $("copy").addEventListener("click", async () => {
    const text = $("detail-rfc5424").value;
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) { // not a secure context: select it for Ctrl-C
      $("detail-rfc5424").select();
      document.execCommand("copy");
    }
    $("copied").textContent = "copied";
  });

  // ---- time zone: the switch ----
  // drawZone names the zone shown and writes every time shown in it.
  function drawZone() {
    $("zone").value = zone;
    $("zone").options[0].textContent = "local (" + (tz || "browser") + ")";
    $("time-head").textContent = (byEvent ? "Event time (" : "Time (") + zoneName() + ")";
    for (const tr of $("results").tBodies[0].rows) tr.cells[0].textContent = showTime(tr.dataset.at);
    if (buckets.length) drawHistogram();
    if (!$("detail").hidden && detailEvent) showDetail(detailEvent);
  }
  $("zone").addEventListener("change", () => {
    zone = $("zone").value === "UTC" ? "UTC" : "local";
    try { localStorage.setItem(zoneKey, zone); } catch (err) { /* kept for this page only */ }
    $("tz").value = typedZone(); // the next search reads typed times in it
    drawZone();
  });
  drawZone();

  // ---- live tail ----
  let source = null, retry = 1000, lastID = "", held = [], heldCount = 0;
  const scrolledAway = () => window.scrollY > 40;

  function startTail() {
    // The first stream starts with the newest events already shown, so
    // that none stored since the page loaded is missed (the page skips
    // those it has); one that starts over continues after the last id.
    const extra = lastID ? { from: lastID } : { backlog: "100" };
    source = new EventSource("/api/tail?" + apiParams(extra).toString());
    $("live-status").textContent = "connecting…";
    source.onopen = () => { retry = 1000; $("live-status").textContent = "live"; };
    source.onmessage = (m) => {
      lastID = m.lastEventId || lastID;
      arrive(JSON.parse(m.data));
    };
    source.addEventListener("failure", (m) => {
      $("live-status").textContent = "error: " + m.data;
      source.close();
      source = null;
      setTimeout(() => { if ($("live").checked && !source) startTail(); }, retry);
      retry = Math.min(retry * 2, 30000);
    });
    source.onerror = () => {
      // The browser retries by itself while it can; once it gives up
      // (web restarted with an error, a proxy answered), start over.
      $("live-status").textContent = "reconnecting…";
      if (source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(() => { if ($("live").checked && !source) startTail(); }, retry);
        retry = Math.min(retry * 2, 30000);
      }
    };
  }

  function stopTail() {
    if (source) source.close();
    source = null;
    $("live-status").textContent = "";
  }

  // arrive takes a message of the tail: put at the top, or held behind
  // the "N new" button while the reader is scrolled down (only the newest
  // maxRows of them, as only those could be shown). The total and the
  // histogram follow.
  function arrive(ev) {
    if (shown.has(key(ev))) return;
    shown.add(key(ev));
    refreshSoon();
    if (!scrolledAway()) { prepend([ev]); return; }
    held.push(ev);
    heldCount++;
    if (held.length > maxRows) shown.delete(key(held.shift()));
    $("new-events").textContent = heldCount.toLocaleString() + " new — show";
    $("new-events").hidden = false;
  }

  // prepend puts events at the top, newest first, and drops the oldest
  // rows beyond maxRows.
  function prepend(events) {
    const body = $("results").tBodies[0];
    for (const ev of events) body.insertBefore(row(ev), body.firstChild);
    while (body.rows.length > maxRows) {
      shown.delete(body.rows[body.rows.length - 1].dataset.key);
      body.deleteRow(body.rows.length - 1);
    }
    $("empty").hidden = body.rows.length > 0;
  }

  // flushHeld shows the held messages.
  function flushHeld() {
    prepend(held);
    held = [];
    heldCount = 0;
    $("new-events").hidden = true;
  }

  // refreshSoon redraws the histogram and the total two seconds after a
  // message arrives: at most one request every two seconds, however fast
  // they come.
  let refreshTimer = 0;
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = 0;
      loadHistogram().catch(() => { /* the next message tries again */ });
    }, 2000);
  }
  $("new-events").addEventListener("click", () => { flushHeld(); window.scrollTo(0, 0); });
  window.addEventListener("scroll", () => { if (!scrolledAway() && held.length) flushHeld(); });

  $("live").addEventListener("change", () => {
    const p = new URLSearchParams(location.search);
    if ($("live").checked) { p.set("live", "1"); startTail(); } else { p.delete("live"); stopTail(); }
    history.replaceState(null, "", "/?" + p.toString());
  });

  // Live tail shows what arrives from now on: newest first, no end time.
  const tailable = !params.get("until") && !params.get("cursor") && params.get("order") !== "asc";
  $("live").disabled = !tailable;
  if (!tailable) $("live").parentElement.title = "live tail needs a range without an end, newest first";

  // ---- export links ----
  for (const format of ["ndjson", "csv"]) {
    const p = apiParams({ format });
    p.delete("cursor");
    $("export-" + format).href = "/api/export?" + p.toString();
  }

  // ---- query bar: help ----
  const qInput = $("q"), help = $("help"), helpToggle = $("help-toggle");
  function showHelp(open) {
    help.hidden = !open;
    helpToggle.setAttribute("aria-expanded", String(open));
  }
  helpToggle.addEventListener("click", () => showHelp(help.hidden));
  help.addEventListener("click", (e) => {
    const b = e.target.closest("button.example");
    if (!b) return;
    qInput.value = b.dataset.example;
    showHelp(false);
    qInput.focus();
  });
  help.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.stopPropagation(); showHelp(false); helpToggle.focus(); }
  });
  document.addEventListener("click", (e) => {
    if (!help.hidden && !help.contains(e.target) && e.target !== helpToggle) showHelp(false);
  });

  // ---- query bar: known hosts and tags after host: and tag: ----
  const suggest = $("suggest");
  const valueField = { host: "host", tag: "tag", app: "tag", program: "tag" };
  // A word being typed as a field of known values: its lead (- and ( ),
  // the name as typed, and the value so far.
  const fieldWord = /^([-(]*)(host|tag|app|program):"?([^"\s()]*)$/i;
  let suggestTimer = 0, suggestAbort = null, active = -1, pickedByEnter = false;

  // wordAtCaret is the word around the caret: its start, the end of the
  // value the caret is in (before a space or a parenthesis), and the part
  // before the caret.
  function wordAtCaret() {
    const v = qInput.value, caret = qInput.selectionStart;
    const start = v.slice(0, caret).search(/\S*$/);
    const rest = v.slice(caret).search(/[\s()]|$/);
    return { start, end: caret + rest, typed: v.slice(start, caret) };
  }

  // quoteValue writes v so that the grammar reads it back exactly: quoted
  // when it holds a space, a quote, a parenthesis or a pattern character.
  const quoteValue = (v) => (/[\s"()*?[\\]/.test(v) ? '"' + v.replace(/[\\"]/g, "\\$&") + '"' : v);

  function closeSuggest() {
    clearTimeout(suggestTimer);
    if (suggestAbort) suggestAbort.abort();
    suggestAbort = null;
    suggest.hidden = true;
    suggest.replaceChildren();
    delete suggest.dataset.prefix;
    active = -1;
    qInput.setAttribute("aria-expanded", "false");
    qInput.removeAttribute("aria-activedescendant");
  }

  function onQueryInput() {
    const w = wordAtCaret(), m = fieldWord.exec(w.typed);
    if (!m) { closeSuggest(); return; }
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(() => fetchValues(m), 150);
  }

  async function fetchValues(m) {
    if (suggestAbort) suggestAbort.abort();
    suggestAbort = new AbortController();
    const p = new URLSearchParams({ field: valueField[m[2].toLowerCase()], prefix: m[3], limit: "10" });
    try {
      const res = await fetch("/api/values?" + p.toString(), { signal: suggestAbort.signal, credentials: "same-origin" });
      if (!res.ok) { closeSuggest(); return; }
      drawSuggest((await res.json()).values, m[3]);
    } catch (err) { /* aborted by a newer request, or offline: no suggestions */ }
  }

  // drawSuggest shows the values for a prefix. A value picked with the
  // arrows stays picked when a later answer still holds it, so a slow
  // answer arriving between two key presses does not lose the choice.
  function drawSuggest(values, prefix) {
    const was = active >= 0 ? suggest.children[active].textContent : null;
    active = values.indexOf(was);
    suggest.replaceChildren(...values.map((v, i) => {
      const li = el("li", v, "option");
      li.id = "suggest-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.addEventListener("mousedown", (e) => { e.preventDefault(); pick(v); });
      return li;
    }));
    suggest.dataset.prefix = prefix;
    suggest.hidden = values.length === 0;
    qInput.setAttribute("aria-expanded", String(values.length > 0));
    if (active >= 0) qInput.setAttribute("aria-activedescendant", suggest.children[active].id);
    else qInput.removeAttribute("aria-activedescendant");
  }

  function moveActive(by) {
    const items = suggest.children, n = items.length;
    if (!n) return;
    if (active >= 0) items[active].setAttribute("aria-selected", "false");
    active = (active + 1 + by + n + 1) % (n + 1) - 1; // -1: none, back in the input
    if (active < 0) { qInput.removeAttribute("aria-activedescendant"); return; }
    items[active].setAttribute("aria-selected", "true");
    items[active].scrollIntoView({ block: "nearest" });
    qInput.setAttribute("aria-activedescendant", items[active].id);
  }

  // pick replaces the word being typed with the field and value v, and
  // puts the caret after it.
  function pick(v) {
    const w = wordAtCaret(), m = fieldWord.exec(w.typed);
    if (!m) { closeSuggest(); return; }
    const s = qInput.value, word = m[1] + m[2] + ":" + quoteValue(v);
    const after = s.slice(w.end).replace(/^(?![\s)])/, " ");
    qInput.value = s.slice(0, w.start) + word + after;
    const caret = w.start + word.length + (/^\s/.test(after) ? 1 : 0);
    qInput.setSelectionRange(caret, caret);
    closeSuggest();
  }

  qInput.addEventListener("input", onQueryInput);
  qInput.addEventListener("blur", closeSuggest);
  suggest.addEventListener("mousedown", (e) => e.preventDefault()); // keeps the focus in the bar
  qInput.addEventListener("keydown", (e) => {
    if (suggest.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); moveActive(e.key === "ArrowDown" ? 1 : -1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pickedByEnter = true; pick(suggest.children[active].textContent); }
    else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); closeSuggest(); }
  });
  // An Enter that picked a value does not also send the form. Cancelling
  // its keydown is enough for a keyboard; input that sends the key and its
  // character as separate events (automation, some IMEs) would still
  // submit the form after the pick.
  $("query").addEventListener("submit", (e) => {
    if (pickedByEnter) e.preventDefault();
    pickedByEnter = false;
  });
  qInput.addEventListener("keyup", (e) => { if (e.key === "Enter") pickedByEnter = false; });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !help.hidden) showHelp(false); });

  // ---- keyboard ----
  // moveRow moves the focus by rows through the results (j: down, k: up);
  // an open detail panel follows it.
  function moveRow(by) {
    const rows = Array.from($("results").tBodies[0].rows);
    if (!rows.length) return;
    const i = rows.indexOf(document.activeElement);
    const next = rows[i < 0 ? 0 : Math.min(Math.max(i + by, 0), rows.length - 1)];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
    if (!$("detail").hidden) next.click();
  }

  // / puts the caret in the query bar, j and k move through the results
  // (Escape closes the detail panel, above). A key typed in a field, or
  // with Ctrl, Alt or Meta, is left alone.
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey || !e.target.closest || e.target.closest("input, textarea, select, [contenteditable]")) return;
    if (e.key === "/") { e.preventDefault(); qInput.focus(); qInput.select(); }
    else if (e.key === "j" || e.key === "k") { e.preventDefault(); moveRow(e.key === "j" ? 1 : -1); }
  });

  // ---- context ----
  // /?context=TABLE/ID[&scope=all][&n=N] is the view of the messages
  // around one, from its host or from all hosts, the message highlighted;
  // the URL keeps it.
  const contextOf = params.get("context");

  // loadContext draws the context view: the newer messages, the message,
  // the older ones, newest first as everywhere.
  async function loadContext() {
    const [table, id] = contextOf.split("/");
    const scope = params.get("scope") === "all" ? "all" : "host";
    const c = await api("/api/context", { table: table, id: id || "", n: params.get("n") || "20", scope: scope });
    const events = c.after.slice().reverse().concat([c.event], c.before);
    const body = $("results").tBodies[0];
    body.replaceChildren(...events.map(row));
    shown = new Set(events.map(key));
    const mine = body.rows[c.after.length];
    mine.classList.add("context-event");
    mine.setAttribute("aria-current", "true");
    drawContextBar(c.event, scope, c.before.length + c.after.length);
    mine.scrollIntoView({ block: "center" });
  }

  // drawContextBar says what the context view shows, with links to the
  // other scope and back to the search.
  function drawContextBar(ev, scope, n) {
    const bar = $("context-bar");
    const other = new URLSearchParams(params);
    other.set("scope", scope === "all" ? "host" : "all");
    const link = (text, href) => { const a = el("a", text); a.href = href; return a; };
    bar.replaceChildren(
      el("span", n + " messages around the highlighted one, " + (scope === "all" ? "from all hosts" : "from its host " + ev.FromHost) + ". "),
      link(scope === "all" ? "Only its host" : "All hosts", "/?" + other.toString()), " · ",
      link("Back to the search", "/"));
    bar.hidden = false;
    document.querySelector("main").classList.add("context-view");
  }

  drawChips();
  const views = contextOf ? [loadContext()] : [
    loadResults().then(() => {
      if (params.get("live") === "1" && tailable) { $("live").checked = true; startTail(); }
    }),
    loadHistogram(), loadFacets(),
  ];
  Promise.all(views).catch(showError).finally(() => { document.body.dataset.loaded = "true"; });
})();
