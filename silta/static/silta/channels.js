/* Invitation texts: a "Kopioi" button for each text box. Without JavaScript the buttons stay
   hidden and the read-only boxes can be selected and copied as any text. */
(function () {
  "use strict";
  function done(button, ok) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) { status.textContent = button.getAttribute(ok ? "data-copied" : "data-failed"); }
  }
  function fallback(box) {
    box.focus();
    box.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.querySelectorAll(".copy-button[data-copy]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-copy"));
    if (!box) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(
          function () { done(button, true); },
          function () { done(button, fallback(box)); }
        );
      } else {
        done(button, fallback(box));
      }
    });
  });
})();
