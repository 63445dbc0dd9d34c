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

// The preview frame is sandboxed (its page cannot be measured from here), so its height is
// estimated from the summary's word count and the frame's width: tall enough to show the whole
// page without a scrollbar inside it. Without this script the frame keeps its CSS height.
function sizePreviewFrame(frame) {
  const words = Number(frame.dataset.words || 0);
  const textWidth = Math.max(200, Math.min(frame.clientWidth - 32, 672));
  const estimate = 540 + 1.25 * words * 61 * 26 / textWidth;
  frame.style.height = "";
  if (estimate > frame.clientHeight) frame.style.height = Math.round(estimate) + "px";
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("iframe.preview-frame[data-words]").forEach((frame) => {
    sizePreviewFrame(frame);
    window.addEventListener("resize", () => sizePreviewFrame(frame));
  });
  document.querySelectorAll("textarea[data-words]").forEach(showLiveWordCount);
  document.querySelectorAll("form").forEach(disableOnSubmit);
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const open = document.querySelector("details.edit[open] textarea");
  if (open) open.focus();
});
