/* Key Project Tracker: the little the pages need beyond htmx. Served from /static (the
   Content-Security-Policy allows no inline script); every page works without it, only less
   comfortably. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The phone menu: folded behind a button.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".site-menu-toggle");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });

  // Irreversible actions ask first: <form data-confirm="..."> (htmx forms use hx-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !form.hasAttribute("hx-post") && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Unsaved changes: a form marked data-track-changes becomes dirty when typed into, clean when
  // saved; leaving the page with a dirty form asks first.
  function setDirty(form, dirty) {
    form.classList.toggle("is-dirty", dirty);
    var status = form.querySelector(".save-status");
    if (status && dirty) { status.textContent = status.getAttribute("data-unsaved") || ""; status.classList.remove("error"); }
  }
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-track-changes")) setDirty(form, true);
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-track-changes") && !event.target.hasAttribute("hx-post")) setDirty(event.target, false);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form[data-track-changes]") : null;
    if (form && event.detail.successful) setDirty(form, false);
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("form.is-dirty")) {
      event.preventDefault();
      event.returnValue = document.body.getAttribute("data-confirm-leave") || "";
    }
  });

  // Fields a choice needs: <div data-show-if="status:unfulfillable,partial"> is shown only while
  // the form's "status" field has one of those values.
  function refreshConditional(root) {
    (root || document).querySelectorAll("[data-show-if]").forEach(function (element) {
      var rule = element.getAttribute("data-show-if").split(":");
      var form = element.closest("form");
      var field = form && form.elements[rule[0]];
      if (!field) return;
      var value = field.value;
      if (field instanceof RadioNodeList) value = field.value;
      var show = rule[1].split(",").indexOf(value) >= 0;
      element.hidden = !show;
      element.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !show; });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.form && event.target.form.querySelector("[data-show-if]")) refreshConditional(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", function () { refreshConditional(); });
  document.addEventListener("htmx:afterSettle", function (event) { refreshConditional(event.detail.elt); });

  // Minutes and other long texts save themselves after a pause: <form data-autosave="2000">.
  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-autosave") || !window.htmx) return;
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { window.htmx.trigger(form, "submit"); }, Number(form.getAttribute("data-autosave")) || 2000));
  });

  // What was typed but not saved survives a swap of the part of the page around it (moving an
  // agenda item, adding one): values of dirty forms are put back into the forms with the same id.
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.querySelectorAll) return;
    kept = [];
    target.querySelectorAll("form.is-dirty[id]").forEach(function (form) {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name && el.type !== "hidden") values[el.name] = el.value; });
      kept.push({id: form.id, values: values});
    });
  });
  // The values go back right after the swap; the dirty mark (and the autosave timer) after htmx
  // has settled, because settling resets the class of elements that kept their id.
  var restored = [];
  document.addEventListener("htmx:afterSwap", function () {
    (kept || []).forEach(function (entry) {
      var form = document.getElementById(entry.id);
      if (!form) return;
      Object.keys(entry.values).forEach(function (name) { if (form.elements[name]) form.elements[name].value = entry.values[name]; });
      restored.push(entry.id);
    });
    kept = null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    restored.forEach(function (id) {
      var form = document.getElementById(id);
      if (!form) return;
      setDirty(form, true);
      if (form.hasAttribute("data-autosave") && window.htmx) {
        clearTimeout(timers.get(form));
        timers.set(form, setTimeout(function () { window.htmx.trigger(form, "submit"); }, Number(form.getAttribute("data-autosave")) || 2000));
      }
    });
    restored = [];
  });
})();
