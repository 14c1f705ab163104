// Stop for long work streamed from the server (browse, bulk send, import): close the stream at
// once, so the server sees the browser gone and stops; htmx posts Stop for the summary.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-stop-stream]");
    if (!button) return;
    const box = button.closest("[sse-connect]");
    // The SSE extension closes a box's EventSource when htmx cleans the box up.
    if (box) htmx.trigger(box, "htmx:beforeCleanupElement");
    button.textContent = "Stopping…";
  });
})();
