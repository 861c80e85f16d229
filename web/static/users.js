// The users page of aiosyslogd web: a question before a user is deleted,
// and one's own new password typed twice. Names are put in the page with
// textContent, never as HTML.
"use strict";

(() => {
  const dialog = document.getElementById("confirm-delete");
  let pending = null; // the delete form waiting for the answer

  // askDelete stops a delete form and asks first, naming the user.
  function askDelete(e) {
    e.preventDefault();
    pending = e.target;
    dialog.querySelector(".name").textContent = pending.elements.name.value;
    dialog.showModal();
  }

  // answer closes the question; yes sends the form that asked it.
  function answer(yes) {
    dialog.close();
    if (yes && pending) pending.submit(); // submit() does not ask again
    pending = null;
  }

  for (const form of document.querySelectorAll("form.delete-user")) form.addEventListener("submit", askDelete);
  dialog.querySelector(".cancel").addEventListener("click", () => answer(false));
  dialog.querySelector(".danger").addEventListener("click", () => answer(true));

  // The two new passwords must be the same: the browser refuses the form
  // until they are, with this message.
  const own = document.getElementById("own-password");
  if (own) {
    const same = () => own.elements.again.setCustomValidity(
      own.elements.again.value === own.elements.password.value ? "" : "The two passwords differ.");
    own.elements.password.addEventListener("input", same);
    own.elements.again.addEventListener("input", same);
    own.querySelector("button").addEventListener("click", same); // before the browser checks the form
  }
})();
