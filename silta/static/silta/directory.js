// Copy buttons for recipient addresses: progressive enhancement. Without JavaScript the
// button stays hidden and the read-only textarea is selected and copied by hand.
(function () {
  "use strict";
  function copy(button) {
    var id = button.getAttribute("data-copy");
    var field = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!field) { return; }
    function say(ok) {
      if (status) {
        status.textContent = status.getAttribute(ok ? "data-copied-text" : "data-failed-text");
      }
      if (!ok) { field.focus(); field.select(); }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { say(true); }, function () { say(false); });
    } else {
      field.focus();
      field.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      say(done);
    }
  }
  function init() {
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
