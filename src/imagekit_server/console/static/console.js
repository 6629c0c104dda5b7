// The console's only script besides htmx: no inline script anywhere (the pages' CSP forbids it).
// docs/console.md describes what each part does.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="console-csrf"]');
  return meta ? meta.content : "";
}

// Every htmx request carries the session's CSRF token (the server refuses any non-navigation
// request without it).
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-Console-CSRF"] = csrfToken();
});

async function consoleFetch(url, options = {}) {
  const headers = Object.assign({ "X-Console-CSRF": csrfToken() }, options.headers || {});
  return fetch(url, Object.assign({}, options, { headers, credentials: "same-origin" }));
}

// Copy buttons: <button data-copy="#id"> copies the text (or value) of the element.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const text = source.value !== undefined ? source.value : source.textContent;
  navigator.clipboard.writeText(text.trim()).then(
    () => { button.textContent = "Copied"; },
    () => { source.select && source.select(); button.textContent = "Press Ctrl+C"; }
  );
});

window.consoleFetch = consoleFetch;
window.consoleCsrfToken = csrfToken;

// Playground: "Add step" appends a numbered step input and refreshes the preview.
document.addEventListener("click", (event) => {
  if (!event.target.matches("#add-step")) return;
  const steps = document.getElementById("steps");
  const number = steps.children.length + 1;
  const item = document.createElement("li");
  const label = document.createElement("label");
  label.htmlFor = "step-" + number;
  label.textContent = "Step " + number;
  const input = document.createElement("input");
  input.id = "step-" + number;
  input.name = "step";
  input.setAttribute("list", "tr-params");
  item.append(label, " ", input);
  steps.append(item);
  input.focus();
});
