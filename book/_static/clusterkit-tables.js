// Marks the table frames that scroll sideways (class ck-scrolls: a cue and a fixed first column,
// see clusterkit.css) and those scrolled to their end (ck-at-end: the cue goes). Frames are
// measured again whenever a frame or its table changes size.
(function () {
  function mark(frame) {
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    frame.classList.toggle("ck-scrolls", scrolls);
    frame.classList.toggle("ck-at-end", scrolls && frame.scrollLeft + frame.clientWidth >= frame.scrollWidth - 1);
  }
  function markAll() { document.querySelectorAll(".ck-frame").forEach(mark); }
  function start() {
    markAll();
    document.querySelectorAll(".ck-frame").forEach((frame) =>
      frame.addEventListener("scroll", () => mark(frame), { passive: true }));
    // a frame or its table changes size with the window, late fonts, or an opened <details>
    const watcher = new ResizeObserver((entries) => entries.forEach((e) => mark(e.target.closest(".ck-frame"))));
    document.querySelectorAll(".ck-frame").forEach((frame) => {
      watcher.observe(frame);
      const table = frame.querySelector("table");
      if (table) watcher.observe(table);
    });
    document.querySelectorAll("details").forEach((d) => d.addEventListener("toggle", markAll));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
