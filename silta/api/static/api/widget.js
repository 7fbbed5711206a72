/*
 * Silta directory widget (https://SILTA/api/widget.js). Paste on your own page:
 *
 *   <div data-silta-directory data-municipality="564" data-lang="fi"></div>
 *   <script src="https://SILTA/api/widget.js" defer></script>
 *
 * Each such div gets an <iframe> with Silta's accessible, server-rendered directory of the
 * municipality's associations. No framework, no cookies, no tracking, no requests to anyone
 * but Silta. The iframe grows to fit its content: Silta's page reports its height with
 * postMessage, and both sides check where each message comes from.
 *
 * Options on the div: data-municipality (required, municipality code), data-lang (fi, sv,
 * en; the page's own language otherwise), data-title (the iframe's accessible name),
 * data-min-height (pixels, default 200).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || !window.URL || !window.postMessage) return;
  var origin = new URL(script.src, document.baseURI).origin;
  var TITLES = {
    fi: "Yhdistyshaku – Silta",
    sv: "Föreningssökning – Silta",
    en: "Association directory – Silta"
  };
  var MAX_HEIGHT = 20000;
  var frames = [];

  function language(el) {
    var lang = (el.getAttribute("data-lang") || document.documentElement.lang || "fi");
    lang = lang.slice(0, 2).toLowerCase();
    return TITLES.hasOwnProperty(lang) ? lang : "fi";
  }

  function setUp(el) {
    if (el.getAttribute("data-silta-ready")) return;
    var code = (el.getAttribute("data-municipality") || "").trim();
    if (!/^[0-9]{1,3}$/.test(code)) {
      if (window.console) console.warn("Silta: data-municipality puuttuu tai on virheellinen", el);
      return;
    }
    while (code.length < 3) code = "0" + code;
    var lang = language(el);
    var minHeight = parseInt(el.getAttribute("data-min-height") || "200", 10);
    if (!(minHeight > 0 && minHeight < MAX_HEIGHT)) minHeight = 200;

    var url = new URL("/api/widget/" + code + "/", origin);
    url.searchParams.set("lang", lang);

    var frame = document.createElement("iframe");
    frame.src = url.href;
    frame.title = el.getAttribute("data-title") || TITLES[lang];
    frame.className = "silta-directory-frame";
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("loading", "lazy");
    frame.setAttribute(
      "sandbox",
      "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
    );
    frame.style.display = "block";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.minHeight = minHeight + "px";
    frame.style.height = Math.max(minHeight, 480) + "px";
    frame.addEventListener("load", function () {
      // Ask Silta's page for its height; the target origin makes sure only Silta hears it.
      if (frame.contentWindow) frame.contentWindow.postMessage({ type: "silta:hello" }, origin);
    });

    el.setAttribute("data-silta-ready", "true");
    el.textContent = "";
    el.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) return;
    var data = event.data;
    if (!data || data.type !== "silta:height" || typeof data.height !== "number") return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var height = Math.max(0, Math.min(MAX_HEIGHT, Math.ceil(data.height)));
        frames[i].style.height = height + "px";
      }
    }
  });

  function init() {
    var found = document.querySelectorAll("[data-silta-directory]");
    for (var i = 0; i < found.length; i++) setUp(found[i]);
  }

  window.SiltaDirectory = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
