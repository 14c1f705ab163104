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
    document.querySelectorAll("#dead-letter-queues option[data-fifo]").forEach(function (option) {
      option.disabled = option.dataset.fifo !== String(fifo.checked);
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
  });
  document.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name === "queue_type") syncFifoSuffix();
    if (name === "encryption" || name === "redrive_permission") syncDependents();
  });
  document.addEventListener("click", function (event) {
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
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
