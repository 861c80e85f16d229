// The search page's links and forms that carry its view (aiosyslogd web):
// Save search and Alert on this search take the page's URL when used,
// which the page's script changes as one zooms, pages or filters (the
// server filled in the URL it served).
"use strict";

(() => {
  const view = () => location.search.replace(/^\?/, "");
  const form = document.getElementById("save-search");
  if (form) form.addEventListener("submit", () => { form.elements.view.value = view(); });
  const alertLink = document.getElementById("alert-on-search");
  if (alertLink) alertLink.addEventListener("click", () => { alertLink.href = "/alerts/new?" + view(); });
})();
