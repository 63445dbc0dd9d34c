// laydraft web: small conveniences only; every page works without this file.
"use strict";

function countWords(text) {
  const words = text.match(/[\w’'-]+/g);
  return words ? words.length : 0;
}

function showLiveWordCount(textarea) {
  const form = textarea.closest("form");
  const out = form && form.querySelector(".live-words");
  const range = textarea.closest(".section") && textarea.closest(".section").querySelector(".words");
  if (!out) return;
  const update = () => {
    const n = countWords(textarea.value);
    let note = n + " words";
    if (range) {
      const min = Number(range.dataset.min), max = Number(range.dataset.max);
      if (n < min) note += " (at least " + min + ")";
      else if (n > max) note += " (at most " + max + ")";
    }
    out.textContent = note;
  };
  textarea.addEventListener("input", update);
  update();
}

function disableOnSubmit(form) {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[data-busy]");
    if (button) {
      window.setTimeout(() => { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-words]").forEach(showLiveWordCount);
  document.querySelectorAll("form").forEach(disableOnSubmit);
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const open = document.querySelector("details.edit[open] textarea");
  if (open) open.focus();
});
