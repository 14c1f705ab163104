// Send and receive messages: live size, JSON mode, attribute rows (in any form marked
// data-attribute-form: the send form, edit and resend), select all, opening a message, local times.
// Everything is delegated from document so it keeps working after HTMX swaps.
(function () {
  "use strict";
  const MAX_ATTRIBUTES = 10;
  const encoder = new TextEncoder();
  // Characters SQS accepts: tab, line breaks and printable Unicode without surrogates.
  const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

  function bytes(text) {
    return encoder.encode(text || "").length;
  }

  function base64Bytes(text) {
    const clean = (text || "").trim();
    const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
    return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
  }

  function attributeBytes(row) {
    const name = row.querySelector("[name=attribute_name]").value.trim();
    const value = row.querySelector("[name=attribute_value]").value;
    if (!name && !value) return 0;
    const type = row.querySelector("[name=attribute_type]").value;
    const custom = row.querySelector("[name=attribute_custom]").value.trim();
    const dataType = custom ? type + "." + custom : type;
    const valueBytes = type === "Binary" ? base64Bytes(value) : bytes(value);
    return bytes(name) + bytes(dataType) + valueBytes;
  }

  function jsonMode(form) {
    const checked = form.querySelector("[name=body_format]:checked");
    return checked && checked.value === "json";
  }

  // The add button of a form's attribute rows is disabled at SQS's limit.
  function refreshRows(form) {
    const add = form.querySelector("[data-add-attribute]");
    if (add) add.disabled = form.querySelectorAll(".attribute-row").length >= MAX_ATTRIBUTES;
  }

  // The send form's live checks: size against the queue's limit, characters, JSON.
  function refresh(form) {
    if (!form) return;
    refreshRows(form);
    const body = form.querySelector("[name=body]");
    if (!form.dataset.maxSize) return;
    let size = bytes(body.value);
    form.querySelectorAll(".attribute-row").forEach((row) => (size += attributeBytes(row)));
    const max = parseInt(form.dataset.maxSize, 10);
    const counter = form.querySelector("[data-size]");
    if (counter) {
      counter.textContent = size.toLocaleString("en");
      form.querySelector("#message-size").classList.toggle("over-limit", size > max);
    }
    const rejected = body.value.match(INVALID_CHARACTER);
    const chars = form.querySelector("#body-characters");
    if (chars) {
      chars.textContent = rejected
        ? "SQS does not accept U+" + rejected[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0") +
          " at position " + (rejected.index + 1) + "."
        : "";
    }
    const status = form.querySelector("#json-status");
    const json = jsonMode(form);
    body.classList.toggle("json", json);
    form.querySelector("[data-format-json]").hidden = !json;
    if (status) {
      status.textContent = "";
      status.classList.remove("error-text");
      if (json && body.value.trim()) {
        try {
          JSON.parse(body.value);
          status.textContent = "Valid JSON";
        } catch (error) {
          status.textContent = "Not valid JSON: " + error.message;
          status.classList.add("error-text");
        }
      }
    }
  }

  // Times the server wrote in UTC, also in the browser's own time zone.
  const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  function localTimes(root) {
    root.querySelectorAll("time[data-local-time]").forEach((time) => {
      time.textContent = localFormat.format(new Date(time.dateTime)) + " (" + zone + ")";
    });
    root.querySelectorAll("time[data-local-title]").forEach((time) => {
      const utc = time.dataset.utc || time.title;
      time.dataset.utc = utc;
      time.title = localFormat.format(new Date(time.dateTime)) + " (" + zone + ") · " + utc;
    });
  }

  document.addEventListener("input", (event) => refresh(event.target.closest("[data-attribute-form]")));
  document.addEventListener("change", (event) => {
    refresh(event.target.closest("[data-attribute-form]"));
    if (event.target.matches("[data-select-all]")) {
      const form = event.target.closest("form");
      form.querySelectorAll("[name=selected]").forEach((box) => (box.checked = event.target.checked));
    }
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const form = button.closest("[data-attribute-form]");
    if (button.matches("[data-toggle-message]")) {
      const detail = document.getElementById(button.getAttribute("aria-controls"));
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      detail.classList.toggle("open", open);
      button.closest("tr").classList.toggle("open", open);
    } else if (button.matches("[data-format-json]") && form) {
      const body = form.querySelector("[name=body]");
      try {
        body.value = JSON.stringify(JSON.parse(body.value), null, 2);
      } catch (error) {
        // refresh() shows why it is not JSON
      }
      refresh(form);
    } else if (button.matches("[data-add-attribute]") && form) {
      const rows = form.querySelector("[data-attribute-rows]");
      if (rows.children.length < MAX_ATTRIBUTES) {
        const template = form.querySelector("template[data-attribute-row-template]");
        const row = template.content.firstElementChild.cloneNode(true);
        rows.appendChild(row);
        row.querySelector("[name=attribute_name]").focus();
      }
      refresh(form);
    } else if (button.matches("[data-remove-attribute]") && form) {
      const rows = form.querySelector("[data-attribute-rows]");
      const row = button.closest(".attribute-row");
      if (rows.children.length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach((input) => (input.value = ""));
        row.querySelector(".errorlist")?.remove();
      }
      refresh(form);
    }
  });

  // A panel the operator folded (the send form) stays folded on their next visit, and one they
  // opened (browse, import: folded at first, their form fetched when opened) opens again.
  const FOLDED = "sqsadmin.folded.";
  document.addEventListener(
    "toggle",
    (event) => {
      const fold = event.target;
      if (!fold.matches || !fold.matches("details[data-remember-fold]")) return;
      try {
        localStorage.setItem(FOLDED + fold.dataset.rememberFold, fold.open ? "" : "1");
      } catch (error) {
        // Storage refused (private mode): the fold lasts for this page only.
      }
    },
    true,
  );
  function restoreFolds(open) {
    document.querySelectorAll("details[data-remember-fold]").forEach((fold) => {
      try {
        // "1" folded, "" opened, null never touched.
        const saved = localStorage.getItem(FOLDED + fold.dataset.rememberFold);
        if (saved === (open ? "" : "1")) fold.open = open;
      } catch (error) {
        // as above
      }
    });
  }
  // Folding at once keeps a folded form from showing; opening waits for htmx's first htmx:load,
  // when it listens for the toggle that fetches a folded panel's form.
  restoreFolds(false);
  document.addEventListener("htmx:load", function opening(event) {
    if (event.detail.elt !== document.body) return;
    document.removeEventListener("htmx:load", opening);
    restoreFolds(true);
  });

  function refreshAll(root) {
    root.querySelectorAll("[data-attribute-form]").forEach(refresh);
    localTimes(root);
  }
  document.addEventListener("htmx:load", (event) => refreshAll(event.detail.elt));
  refreshAll(document);
})();
