/*
 * Inside Silta's widget page (in an iframe on a municipality's site): tell the host page how
 * tall the content is, so the iframe has no scrollbar of its own.
 *
 * The host's widget.js says hello with postMessage; this page answers only a message that
 * comes from its own parent window, and sends its height only to the origin that said hello.
 */
(function () {
  "use strict";

  if (window.parent === window) return;
  var parentOrigin = null;
  var last = -1;

  function measure() {
    var root = document.getElementById("silta-widget") || document.body;
    return Math.ceil(root.getBoundingClientRect().height);
  }

  function send() {
    if (!parentOrigin) return;
    var height = measure();
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "silta:height", height: height }, parentOrigin);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    if (!event.data || event.data.type !== "silta:hello") return;
    if (!/^https?:\/\/[^/]+$/.test(event.origin)) return;
    parentOrigin = event.origin;
    last = -1;
    send();
  });

  if (window.ResizeObserver) {
    new ResizeObserver(send).observe(document.getElementById("silta-widget") || document.body);
  }
  window.addEventListener("load", send);

  // After paging, move focus to the result count so keyboard and screen reader users land on
  // the new results instead of the top of the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.hasAttribute && source.hasAttribute("data-sw-page")) {
      var count = document.getElementById("sw-count");
      if (count) count.focus();
    }
    send();
  });
})();
