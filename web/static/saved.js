// Save search on the search page of aiosyslogd web: the view saved is the
// page's URL when the form is sent, which the page's script changes as one
// zooms, pages or filters (the server filled in the URL it served).
"use strict";

(() => {
  const form = document.getElementById("save-search");
  if (!form) return;
  form.addEventListener("submit", () => { form.elements.view.value = location.search.replace(/^\?/, ""); });
})();
