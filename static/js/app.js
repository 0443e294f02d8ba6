// viakoo HA: small, optional enhancements. Every page works without this file.
(function () {
  "use strict";

  // Filter forms: a changed select applies at once (the Filter button stays for no-JS use),
  // and empty fields stay out of the address, so that it reads like the filters it holds.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    function go() {
      var query = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        var field = form.elements[name];
        var keep = field && field.hasAttribute && field.hasAttribute("data-keep-empty");
        if (value !== "" || keep) query.append(name, value);
      });
      var text = query.toString();
      window.location.assign(window.location.pathname + (text ? "?" + text : ""));
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      go();
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", go);
    });
  });

  // Tickets: "Select all open" and a count of the checked tickets.
  document.querySelectorAll("form[data-bulk-select]").forEach(function (form) {
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll('input[type="checkbox"][form="' + form.id + '"]')
    );
    var selectAll = form.querySelector("[data-select-all]");
    var count = form.querySelector("[data-selected-count]");
    function refresh() {
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      count.textContent = checked ? checked + " selected:" : "Check open tickets, then";
      selectAll.checked = checked > 0 && checked === boxes.length;
      selectAll.indeterminate = checked > 0 && checked < boxes.length;
    }
    if (!boxes.length) return;
    selectAll.closest("label").hidden = false;
    selectAll.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = selectAll.checked; });
      refresh();
    });
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
  });

  // Edit Cameras: highlight changed rows, count them, "Set selected to ..." without a round trip.
  document.querySelectorAll("form[data-edit-cameras]").forEach(function (form) {
    var modeSelects = Array.prototype.slice.call(form.querySelectorAll("select[data-seen]"));
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="selected"]'));
    var selectAll = form.querySelector("[data-select-all]");
    var selectedCount = form.querySelector("[data-selected-count]");
    var changesCount = form.querySelector("[data-changes-count]");
    var bulkMode = form.querySelector('select[name="bulk_mode"]');
    var applyButton = form.querySelector("[data-apply-bulk]");

    function refresh() {
      var changed = 0;
      modeSelects.forEach(function (select) {
        var isChanged = select.value !== select.dataset.seen;
        select.closest("tr").classList.toggle("changed", isChanged);
        if (isChanged) changed += 1;
      });
      changesCount.textContent = changed
        ? changed + (changed === 1 ? " unsaved change" : " unsaved changes")
        : "";
      var checked = boxes.filter(function (box) { return box.checked; }).length;
      selectedCount.textContent = checked ? checked + " selected:" : "Check rows, then";
      if (selectAll) {
        selectAll.checked = checked > 0 && checked === boxes.length;
        selectAll.indeterminate = checked > 0 && checked < boxes.length;
      }
    }

    if (selectAll && boxes.length) {
      selectAll.closest("label").hidden = false;
      selectAll.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = selectAll.checked; });
        refresh();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", refresh); });
    modeSelects.forEach(function (select) { select.addEventListener("change", refresh); });

    if (applyButton && bulkMode) {
      applyButton.addEventListener("click", function (event) {
        event.preventDefault();
        var checked = boxes.filter(function (box) { return box.checked; });
        if (!bulkMode.value) {
          bulkMode.focus();
          return;
        }
        if (!checked.length) {
          selectedCount.textContent = "Check some rows first:";
          return;
        }
        checked.forEach(function (box) {
          var select = box.closest("tr").querySelector("select[data-seen]");
          if (select) select.value = bulkMode.value;
        });
        // Applied: the per-row selects now hold the values, so Save must not re-apply.
        bulkMode.value = "";
        refresh();
      });
    }
    refresh();
  });
})();
