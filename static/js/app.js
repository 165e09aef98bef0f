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
})();
