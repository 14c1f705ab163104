// Copy buttons on every page: <button type="button" data-copy="element-id"> copies that
// element's text (or an input's value) to the clipboard and says whether it worked.
// Delegated from document so buttons swapped in by HTMX work too.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    const text = "value" in source && source.tagName !== "BUTTON" ? source.value : source.textContent;
    const label = button.dataset.copyLabel || button.textContent;
    button.dataset.copyLabel = label;
    navigator.clipboard.writeText(text.trim()).then(
      () => (button.textContent = "Copied"),
      () => (button.textContent = "Copy failed"),
    );
    setTimeout(() => (button.textContent = label), 2000);
  });
})();
