// Colour theme: light, dark, or the system's (prefers-color-scheme). Loaded without defer at the
// top of <head>, so <html data-theme> is set before the first paint and the page never flashes
// in the other scheme. The choice is remembered in localStorage; "system" forgets it.
(function () {
  "use strict";

  var KEY = "sqsadmin-theme";
  var root = document.documentElement;

  function saved() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage disabled: follow the system
    }
  }

  function apply(choice) {
    if (choice === "light" || choice === "dark") root.setAttribute("data-theme", choice);
    else root.removeAttribute("data-theme");
  }

  function showChoice() {
    var current = root.getAttribute("data-theme") || "system";
    document.querySelectorAll("[data-theme-choice]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.themeChoice === current));
    });
  }

  function choose(choice) {
    try {
      if (choice === "system") window.localStorage.removeItem(KEY);
      else window.localStorage.setItem(KEY, choice);
    } catch (e) {
      // Not remembered, but still applied to this page.
    }
    apply(choice);
    showChoice();
  }

  apply(saved());

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-choice]");
    if (button) choose(button.dataset.themeChoice);
  });
  // Another tab changed the theme.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      apply(event.newValue);
      showChoice();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-theme-toggle]").forEach(function (toggle) {
      toggle.hidden = false;
    });
    showChoice();
  });
})();
