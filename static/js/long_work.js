// Stop and a disabled start button for long work.
// - A long request (poll, receive, copies, upload): Stop sends htmx:abort to the element that
//   sent it (data-abort="its id"); htmx then hides the indicator and enables the button again.
// - Long work streamed from the server (browse, bulk send, import): Stop closes the stream at
//   once, so the server sees the browser gone and stops; htmx posts Stop for the summary. While
//   the stream runs, its panel's start buttons stay disabled.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const abort = event.target.closest("[data-abort]");
    if (abort) {
      const issuer = document.getElementById(abort.dataset.abort);
      if (issuer) htmx.trigger(issuer, "htmx:abort");
      return;
    }
    const button = event.target.closest("[data-stop-stream]");
    if (!button) return;
    const box = button.closest("[sse-connect]");
    // The SSE extension closes a box's EventSource when htmx cleans the box up.
    if (box) htmx.trigger(box, "htmx:beforeCleanupElement");
    button.textContent = "Stopping…";
  });

  // A stopped send or receive may have changed the queue before the browser let go.
  document.addEventListener("htmx:sendAbort", () => htmx.trigger(document.body, "countsChanged"));

  function startButtons(element) {
    const panel = element.closest(".card");
    return panel ? panel.querySelectorAll("form button[type=submit]") : [];
  }
  function within(element, selector) {
    const found = Array.from(element.querySelectorAll(selector));
    return element.matches(selector) ? [element, ...found] : found;
  }
  document.addEventListener("htmx:load", function (event) {
    const element = event.detail.elt;
    if (!(element instanceof Element)) return;
    within(element, ".long-work[sse-connect]").forEach((box) =>
      startButtons(box).forEach((button) => {
        if (button.disabled) return;
        button.disabled = true;
        button.dataset.waitsForStream = "";
      }),
    );
    within(element, "[data-long-work-done]").forEach((summary) =>
      startButtons(summary).forEach((button) => {
        if (!("waitsForStream" in button.dataset)) return;
        button.disabled = false;
        delete button.dataset.waitsForStream;
      }),
    );
  });
})();
