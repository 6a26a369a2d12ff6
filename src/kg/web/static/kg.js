// Document pages: light up every piece of the passage the address points at
// (a passage crossing another is split into several <mark>s), and go from a
// highlighted passage to the facts made from it. No request leaves the page.
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll("mark.current, ol.passages li.current").forEach(function (el) {
      el.classList.remove("current");
    });
  }
  function light(id, scroll) {
    if (!id) return;
    var pieces = document.querySelectorAll('mark[data-ev="' + CSS.escape(id) + '"]');
    if (!pieces.length) return;
    clear();
    pieces.forEach(function (el) { el.classList.add("current"); });
    if (scroll) pieces[0].scrollIntoView({ block: "center" });
    var entry = document.getElementById("p-" + id);
    if (entry) {
      entry.classList.add("current");
      // scroll the list beside the text, not the page
      var box = entry.closest(".doc-passages");
      if (box && box.scrollHeight > box.clientHeight) {
        box.scrollTop += entry.getBoundingClientRect().top - box.getBoundingClientRect().top - 60;
      }
    }
  }
  function fromHash() {
    var id = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (id.indexOf("p-") === 0) {
      var entry = document.getElementById(id);
      if (entry) { clear(); entry.classList.add("current"); light(entry.getAttribute("data-ev"), false); }
      return;
    }
    light(id, true);
  }
  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest("mark.ev");
    if (!mark || ev.target.closest("a")) return;
    var id = mark.getAttribute("data-ev");
    light(id, false);
    history.replaceState(null, "", "#" + id);
  });
  window.addEventListener("hashchange", fromHash);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fromHash); else fromHash();
})();
