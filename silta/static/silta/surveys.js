/* Follow-up questions: shown only for the answer that triggers them. Without JavaScript
   the server shows them after saving; here they open as soon as the answer is chosen. */
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  if (!form) { return; }

  function chosen(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) {
        values.push(input.value);
      }
    });
    return values;
  }

  function visible(block) {
    var parentName = block.getAttribute("data-parent");
    var parent = document.getElementById("kysymys-" + parentName.slice(1));
    if (parent && parent.hasAttribute("hidden")) { return false; }
    var wanted = block.getAttribute("data-when").split(",");
    return chosen(parentName).some(function (v) { return wanted.indexOf(v) !== -1; });
  }

  function update() {
    form.querySelectorAll(".follow-up[data-parent]").forEach(function (block) {
      if (visible(block)) { block.removeAttribute("hidden"); } else { block.setAttribute("hidden", ""); }
    });
  }

  form.addEventListener("change", update);
  update();

  // One submit per click: a second click while the first is on its way does nothing.
  form.addEventListener("submit", function (event) {
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
  });
})();
