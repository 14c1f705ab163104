// Queue pages: find rows in the loaded list, mark dead-letter targets, refresh counts.
(function () {
  "use strict";

  function rows() {
    return document.querySelectorAll("#queue-table tr[data-queue]");
  }

  function applyFilter() {
    var input = document.getElementById("queue-filter");
    if (!input) return;
    var needle = input.value.trim().toLowerCase();
    var shown = 0;
    rows().forEach(function (row) {
      var haystack = (row.dataset.queue + " " + (row.dataset.tags || "")).toLowerCase();
      var match = !needle || haystack.indexOf(needle) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    var count = document.getElementById("queue-count");
    if (count && needle) count.textContent = shown + " matching";
  }

  // A queue that another row on the page names as its dead-letter queue gets a badge too.
  function markDeadLetterTargets() {
    var targets = {};
    rows().forEach(function (row) {
      if (row.dataset.dlq) targets[row.dataset.dlq] = true;
    });
    rows().forEach(function (row) {
      var cell = row.querySelector("td");
      if (!cell || !targets[row.dataset.queue] || cell.querySelector(".dlq-target")) return;
      var badge = document.createElement("span");
      badge.className = "badge dlq-target";
      badge.title = "Another queue on this page uses it as its dead-letter queue";
      badge.textContent = "Dead-letter queue";
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(badge);
    });
  }

  // The name field of the create form: ".fifo" is added for you when FIFO is chosen.
  function syncFifoSuffix() {
    var name = document.getElementById("id_name");
    var fifo = document.querySelector("input[name=queue_type][value=fifo]");
    if (!name || !fifo || name.readOnly) return;
    var value = name.value.trim();
    var wanted = value;
    if (fifo.checked && value && !value.endsWith(".fifo")) wanted = value + ".fifo";
    if (!fifo.checked && value.endsWith(".fifo")) wanted = value.slice(0, -5);
    if (wanted !== name.value) {
      name.value = wanted;
      name.dispatchEvent(new Event("change", { bubbles: true }));
    }
    document.querySelectorAll(".fifo-only").forEach(function (el) {
      el.hidden = !fifo.checked;
    });
    // Until the suggestions for the type come, those of the other type cannot be picked.
    document.querySelectorAll("#dead-letter-queues option").forEach(function (option) {
      option.disabled = option.value.endsWith(".fifo") !== fifo.checked;
    });
  }

  function syncDependents() {
    var kind = document.querySelector("input[name=encryption]:checked");
    document.querySelectorAll(".kms-only").forEach(function (el) {
      el.hidden = !kind || kind.value !== "sse-kms";
    });
    var allow = document.querySelector("select[name=redrive_permission]");
    document.querySelectorAll(".by-queue-only").forEach(function (el) {
      el.hidden = !allow || allow.value !== "byQueue";
    });
  }

  // Tags of the queue form: "Add tag" clones the <template> row, numbered on from the last,
  // up to SQS's limit; "Remove" takes the row out, so its tag is not posted and is removed.
  function tagRows() {
    return document.querySelectorAll("#tag-rows tr.tag-row");
  }

  function syncTagLimit() {
    var body = document.getElementById("tag-rows");
    var add = document.getElementById("add-tag");
    if (!body || !add) return;
    var max = Number(body.dataset.maxTags);
    var full = tagRows().length >= max;
    add.disabled = full;
    document.getElementById("tag-limit").textContent = full
      ? "A queue has at most " + max + " tags."
      : "";
  }

  function addTagRow() {
    var body = document.getElementById("tag-rows");
    var template = document.getElementById("tag-row-template");
    if (!body || !template || tagRows().length >= Number(body.dataset.maxTags)) return;
    var index = body.dataset.nextIndex;
    body.dataset.nextIndex = String(Number(index) + 1);
    var html = template.innerHTML.split("__index__").join(index);
    body.insertAdjacentHTML("beforeend", html);
    var rows = tagRows();
    rows[rows.length - 1].querySelector("input").focus();
    syncTagLimit();
  }

  // The blank rows are for browsers without this script; with it, "Add tag" adds rows, so
  // only one blank row stays, and none when the queue has tags already.
  function dropSpareTagRows() {
    var rows = Array.prototype.slice.call(tagRows());
    var blank = rows.filter(function (row) {
      var empty = Array.prototype.every.call(row.querySelectorAll("input"), function (input) {
        return input.value === "";
      });
      return empty && !row.querySelector(".errorlist");
    });
    var keep = blank.length === rows.length ? 1 : 0;
    blank.slice(keep).forEach(function (row) {
      row.remove();
    });
  }

  function removeTagRow(button) {
    var row = button.closest("tr.tag-row");
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    var focus = next && next.querySelector("input");
    (focus || document.getElementById("add-tag")).focus();
    syncTagLimit();
  }

  // A number-and-unit field shows the exact amount in its base unit on hover ("262,144 bytes").
  function syncUnitTitle(input) {
    var number = input.closest(".unit-input").querySelector("input");
    var unit = input.closest(".unit-input").querySelector("select");
    var total = Number(number.value) * Number(unit.value);
    number.title =
      number.value.trim() !== "" && Number.isInteger(total)
        ? total.toLocaleString("en-US") + " " + number.dataset.baseUnit
        : "";
  }

  // Purge and delete confirmations: the button stays disabled until the queue's name is typed.
  function syncConfirmButton() {
    var typed = document.getElementById("id_confirm_name");
    var button = document.getElementById("confirm-button");
    if (!typed || !button) return;
    button.disabled = typed.value !== typed.dataset.expected;
  }

  document.addEventListener("input", function (event) {
    if (event.target.id === "queue-filter") applyFilter();
    if (event.target.id === "id_confirm_name") syncConfirmButton();
    if (event.target.closest(".unit-input")) syncUnitTitle(event.target);
  });
  document.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "queue_type") syncFifoSuffix();
    if (name === "encryption" || name === "redrive_permission") syncDependents();
    if (event.target.closest(".unit-input")) syncUnitTitle(event.target);
  });
  document.addEventListener("click", function (event) {
    if (event.target.id === "add-tag") addTagRow();
    var remove = event.target.closest("button.remove-tag");
    if (remove) removeTagRow(remove);
    var refresh = event.target.closest("#refresh-counts");
    if (refresh && window.htmx) {
      event.preventDefault();
      window.htmx.trigger(document.body, "refresh-counts");
    }
  });
  // A chunk that fails (server error, network) keeps its rows and says so; "Refresh counts"
  // retries it, since the chunk keeps listening for the refresh event.
  function chunkFailed(chunk, why) {
    chunk.querySelectorAll("td.pending").forEach(function (cell) {
      cell.classList.remove("pending");
      cell.classList.add("row-error");
      cell.textContent = "Counts could not be loaded (" + why + "). Use Refresh counts to retry.";
    });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("queue-chunk")) return;
    var status = event.detail.xhr.status;
    if (status >= 400) {
      event.detail.shouldSwap = false;
      chunkFailed(target, "HTTP " + status);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("queue-chunk")) {
      chunkFailed(target, "no answer from the dashboard");
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    markDeadLetterTargets();
    applyFilter();
  });

  function ready() {
    markDeadLetterTargets();
    syncFifoSuffix();
    syncDependents();
    syncConfirmButton();
    dropSpareTagRows();
    syncTagLimit();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
