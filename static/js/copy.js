// Copy buttons on every page: <button type="button" data-copy="element-id"> copies that
// element's text (or an input's value) to the clipboard and says whether it worked, on the
// button for two seconds and to screen readers through one polite status region (a button's
// aria-label, not its text, is what they read). Without the Clipboard API (a page served over
// plain HTTP), the text is selected for Ctrl+C instead. Delegated from document so buttons
// swapped in by HTMX work too.
(function () {
  "use strict";
  function announce(words) {
    let status = document.getElementById("copy-status");
    if (!status) {
      status = document.createElement("span");
      status.id = "copy-status";
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    // A change after the region is in place is what gets announced.
    setTimeout(() => (status.textContent = words), 50);
  }

  function select(source) {
    if ("select" in source && source.tagName !== "BUTTON") {
      source.select();
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(button, label, shown, spoken) {
    button.textContent = shown;
    announce(spoken);
    setTimeout(() => (button.textContent = label), 2000);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const label = button.dataset.copyLabel || button.textContent;
    button.dataset.copyLabel = label;
    if (!navigator.clipboard) {
      select(source);
      say(button, label, "Press Ctrl+C", "Selected: press Ctrl+C to copy");
      return;
    }
    const text = "value" in source && source.tagName !== "BUTTON" ? source.value : source.textContent;
    navigator.clipboard.writeText(text.trim()).then(
      () => say(button, label, "Copied", "Copied"),
      () => {
        select(source);
        say(button, label, "Copy failed", "Copy failed: the text is selected, press Ctrl+C");
      },
    );
  });
})();
