// g287's own script: progressive enhancement only; every page works without it.
// Forms marked data-autosubmit are sent as soon as a choice is made with the mouse or a finger (their submit
// button still works). A choice made with the keyboard is not sent until Enter or the button: arrow keys change a
// closed menu's value at once, and sending then would reload the page at the first step (WCAG 3.2.2).
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (select) {
      var byKeyboard = false;
      select.addEventListener("keydown", function (event) {
        byKeyboard = true;
        if (event.key === "Enter") {
          event.preventDefault();
          form.submit();
        }
      });
      select.addEventListener("pointerdown", function () { byKeyboard = false; });
      select.addEventListener("change", function () {
        if (!byKeyboard) { form.submit(); }
      });
    });
  });

  // A table wider than its box scrolls sideways: the box is made reachable by the keyboard (arrow keys scroll it)
  // and named after its table's caption, while it scrolls; a table that fits adds no stop to the tab order.
  function markScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() + ": " : "") + "table, scrolls sideways");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  markScrolling();
  window.addEventListener("resize", markScrolling);
})();
