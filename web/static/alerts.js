// The alerts page of aiosyslogd web: each rule's chart (its matches over
// the last 24 hours from /api/histogram, against its threshold), and the
// backtest (/api/alerts/backtest) of a rule or of the rule being edited.
// Text from the server is put in the page with textContent, never as HTML.
"use strict";

(() => {
  const svgNS = "http://www.w3.org/2000/svg";
  const day = 86400;

  // human writes seconds as people do: 90 s, 5 min, 2 h, 1 d.
  function human(sec) {
    if (sec % day === 0) return sec / day + " d";
    if (sec % 3600 === 0) return sec / 3600 + " h";
    if (sec % 60 === 0) return sec / 60 + " min";
    return sec + " s";
  }

  function svgEl(name, attrs) {
    const el = document.createElementNS(svgNS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }

  // draw fills a rule's chart: a bar per bucket, and the threshold as a
  // line, scaled from the rule's window to the bar's width (a threshold
  // of 10 per 5 min is 20 per 10-minute bar).
  async function draw(fig) {
    const caption = fig.querySelector("figcaption");
    const svg = fig.querySelector("svg");
    const threshold = +fig.dataset.threshold, windowSec = +fig.dataset.window;
    // Twice as many buckets as windows in a day: the histogram rounds its
    // step up to a round one, which then stays at most the window.
    const buckets = Math.min(1000, Math.max(48, Math.ceil(2 * day / windowSec)));
    const params = new URLSearchParams({q: fig.dataset.query, since: "24h", buckets: String(buckets)});
    let h;
    try {
      const res = await fetch("/api/histogram?" + params.toString(), {credentials: "same-origin"});
      h = await res.json();
      if (!res.ok) throw new Error(h.error || res.statusText);
    } catch (e) {
      caption.textContent = "No chart: " + e.message;
      fig.dataset.drawn = "error";
      return;
    }
    const line = threshold * h.step / windowSec;
    const top = Math.max(line, ...h.buckets.map(b => b.count), 1) * 1.15;
    const w = 1000 / h.buckets.length;
    svg.replaceChildren();
    h.buckets.forEach((b, i) => {
      const height = 100 * b.count / top;
      const bar = svgEl("rect", {x: i * w, y: 100 - height, width: Math.max(w - 0.5, 0.5), height: height,
        class: b.count >= line ? "over" : "under", "data-count": b.count});
      const title = svgEl("title", {});
      title.textContent = b.start + ": " + b.count;
      bar.appendChild(title);
      svg.appendChild(bar);
    });
    const y = 100 - 100 * line / top;
    svg.appendChild(svgEl("line", {class: "threshold", x1: 0, x2: 1000, y1: y, y2: y, "vector-effect": "non-scaling-stroke",
      "data-value": line}));
    caption.textContent = h.total + " matches in the last 24 h, bars of " + human(h.step) +
      "; the line is the threshold, " + threshold + " per " + human(windowSec) +
      (h.step === windowSec ? "" : " (" + (Math.round(line * 100) / 100) + " per bar)");
    fig.dataset.drawn = "true";
  }

  // backtest asks the server when the rule would have fired in the last
  // 7 days and shows the firings in box.
  async function backtest(button, box) {
    const form = button.form;
    const params = new URLSearchParams({since: "7d"});
    if (form) {
      for (const k of ["query", "threshold", "window"]) params.set(k, form.elements[k].value);
    } else {
      params.set("name", button.dataset.name);
    }
    box.hidden = false;
    box.replaceChildren(document.createTextNode("replaying the last 7 days…"));
    button.disabled = true;
    try {
      const res = await fetch("/api/alerts/backtest?" + params.toString(), {credentials: "same-origin"});
      const a = await res.json();
      if (!res.ok) throw new Error(a.error || res.statusText);
      showIntervals(box, a);
    } catch (e) {
      box.replaceChildren(document.createTextNode("Backtest failed: " + e.message));
      box.dataset.done = "error";
    } finally {
      button.disabled = false;
    }
  }

  function showIntervals(box, a) {
    const p = document.createElement("p");
    const n = a.intervals.length;
    p.textContent = n === 0 ? "It would not have fired in the last 7 days." :
      "It would have fired " + n + (n === 1 ? " time" : " times") + " in the last 7 days:";
    box.replaceChildren(p);
    if (n > 0) {
      const table = document.createElement("table");
      table.className = "backtest-table";
      const head = table.createTHead().insertRow();
      for (const t of ["Fired", "Resolved", "Count", "Peak"]) {
        const th = document.createElement("th");
        th.textContent = t;
        head.appendChild(th);
      }
      const body = table.createTBody();
      for (const iv of a.intervals) {
        const row = body.insertRow();
        for (const t of [iv.since, iv.until || "still firing", iv.count, iv.peak]) row.insertCell().textContent = String(t);
      }
      box.appendChild(table);
    }
    box.dataset.done = "true";
  }

  for (const fig of document.querySelectorAll("figure.alert-chart")) draw(fig);
  for (const button of document.querySelectorAll("button.backtest")) {
    const box = button.closest("section, main").querySelector(".backtest-result");
    button.addEventListener("click", () => backtest(button, box));
  }
})();
