// g287's own script: progressive enhancement only; every page works without it.
// Forms marked data-autosubmit are sent as soon as a choice is made with the mouse or a finger (their submit
// button still works). A choice made with the keyboard is not sent until Enter or the button: arrow keys change a
// closed menu's value at once, and sending then would reload the page at the first step (WCAG 3.2.2).
// Enter sends the form whether the menu is closed or its list is open: in an open list Chromium takes the Enter
// that picks the option (the page never sees it pressed, the change comes without a key) but the key is released
// on the menu, so Enter is acted on when released. Forms marked data-submit-on-enter (several filters and a
// button) take Enter the same way, and a choice alone waits for it or the button.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit], form[data-submit-on-enter]").forEach(function (form) {
    var onChoice = form.hasAttribute("data-autosubmit");
    form.querySelectorAll("select").forEach(function (select) {
      // A key was pressed on this menu since it took focus or was pointed at: its choice is the keyboard's, and a
      // released Enter is the one pressed here or in the list opened from here (not one that moved focus here).
      var byKeyboard = false;
      // A choice made in a list opened with the pointer (where the keys, but the released Enter, never reach the
      // page): an Enter released on the menu after it is the one that picked it, and sends it as any Enter does.
      var pointerChoice = false;
      select.addEventListener("keydown", function (event) {
        byKeyboard = true;
        if (event.key === "Enter") { event.preventDefault(); }
      });
      select.addEventListener("keyup", function (event) {
        if (event.key === "Enter" && (byKeyboard || pointerChoice)) { form.submit(); }
      });
      select.addEventListener("pointerdown", function () { byKeyboard = false; pointerChoice = false; });
      select.addEventListener("blur", function () { byKeyboard = false; pointerChoice = false; });
      select.addEventListener("change", function () {
        if (onChoice && !byKeyboard) { form.submit(); return; }
        pointerChoice = !byKeyboard;
      });
    });
  });

  // A table or chart wider than its box scrolls sideways: the box is made reachable by the keyboard (arrow keys
  // scroll it) and named after its table's caption or its chart's title, while it scrolls; one that fits adds no
  // stop to the tab order.
  function markScrolling() {
    document.querySelectorAll(".table-wrap, .chart-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var isChart = box.classList.contains("chart-wrap");
        var caption = box.querySelector(isChart ? "svg title" : "caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() + ": " : "") + (isChart ? "chart" : "table") + ", scrolls sideways");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  markScrolling();
  window.addEventListener("resize", markScrolling);

  // A map's shapes are painted in the order of the document, the order Tab follows (g287/geo/maps.py): the edge of
  // a focused state or county lay half under the neighbours painted after it (and under the national map's state
  // borders). While a shape has focus its edge is drawn again, last in the map, above everything: copies of its
  // path, not links, hidden from screen readers and from the pointer (site.css styles them). The links themselves
  // stay where they are, so the order of Tab does not change. The figure listens, not the SVG: Chromium makes an
  // SVG element that listens for focus events a stop of Tab itself.
  var SVG_NS = "http://www.w3.org/2000/svg";
  document.querySelectorAll("figure.map").forEach(function (figure) {
    var map = figure.querySelector(":scope > svg");
    var layer = map && map.querySelector(":scope > g");  // the group placing the shapes: a copy in it lies on its shape
    if (!layer) { return; }
    map.classList.add("draws-focus");
    function clear() {
      layer.querySelectorAll(":scope > .map-focus").forEach(function (copy) { copy.remove(); });
    }
    figure.addEventListener("focusin", function (event) {
      clear();  // one edge at a time, should a browser send focusin twice without a focusout between
      var shape = map.contains(event.target) ? event.target.querySelector("path[data-fips]") : null;
      if (!shape) { return; }
      ["map-focus-halo", "map-focus-edge"].forEach(function (name) {
        var copy = document.createElementNS(SVG_NS, "path");
        copy.setAttribute("d", shape.getAttribute("d"));
        copy.setAttribute("class", "map-focus " + name);
        copy.setAttribute("aria-hidden", "true");
        layer.appendChild(copy);
      });
    });
    figure.addEventListener("focusout", clear);
  });
})();
