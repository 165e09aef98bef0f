// CampaignDesk page behaviour. No inline scripts: everything hangs off data attributes.
(function () {
  "use strict";

  function parseAmount(text) {
    var value = Number(String(text).replace(/[,\s¥]/g, ""));
    return Number.isFinite(value) ? value : 0;
  }

  function updateBudgetTotal() {
    var total = document.querySelector("[data-budget-total]");
    if (!total) return;
    var cents = 0;
    document.querySelectorAll("[data-budget-amount]").forEach(function (input) {
      cents += Math.round(parseAmount(input.value) * 100);
    });
    var lang = document.documentElement.lang || "zh-hans";
    total.textContent = "¥" + (cents / 100).toLocaleString(lang === "en" ? "en" : "zh-CN", {
      minimumFractionDigits: 2, maximumFractionDigits: 2
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-row]");
    if (!button) return;
    var row = button.closest("[data-budget-row], [data-row]");
    if (row) row.remove();
    updateBudgetTotal();
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-budget-amount]")) updateBudgetTotal();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    updateBudgetTotal();
    var rows = event.detail.target.querySelectorAll("[data-budget-row]");
    if (event.detail.target.id === "budget-lines" && rows.length) {
      var select = rows[rows.length - 1].querySelector("select");
      if (select) select.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", updateBudgetTotal);

  // A select that changes what the form is about (e.g. the kind of meeting) reloads the page.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-reload-on-change]");
    if (!select) return;
    var url = new URL(window.location.href);
    url.searchParams.set(select.name, select.value);
    window.location.href = url.toString();
  });

  // On a bad network a submit can fail before the server answers: forms marked
  // data-autosave keep a copy of what was typed on the device until a save succeeds.
  var PREFIX = "campaigndesk:draft:";

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "submit" &&
        el.type !== "hidden";
    });
  }

  function saveDraft(form) {
    var data = {};
    fieldsOf(form).forEach(function (el) { data[el.name] = el.value; });
    try { localStorage.setItem(PREFIX + form.dataset.autosave, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }

  function restoreDraft(form) {
    var raw = null;
    try { raw = localStorage.getItem(PREFIX + form.dataset.autosave); } catch (e) { return; }
    if (!raw) return;
    var data = JSON.parse(raw);
    var serverKept = form.querySelector(".is-invalid") || document.querySelector("[data-testid=form-errors]");
    if (!serverKept) {
      fieldsOf(form).forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(data, el.name)) el.value = data[el.name];
      });
    }
    var note = form.querySelector("[data-autosave-note]");
    if (note) note.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pending = null;
    try { pending = sessionStorage.getItem(PREFIX + "pending"); } catch (e) { /* off */ }
    if (pending && document.querySelector(".alert-success")) {
      try {
        localStorage.removeItem(PREFIX + pending);
        sessionStorage.removeItem(PREFIX + "pending");
      } catch (e) { /* off */ }
    }
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("submit", function () {
        saveDraft(form);
        try { sessionStorage.setItem(PREFIX + "pending", form.dataset.autosave); } catch (e) { /* off */ }
      });
    });
  });
})();
