// Every region that scrolls (a wide table, a long output) can be reached and scrolled with the
// keyboard, and a screen reader announces it: focusable, a region, named after its caption or
// heading when it has one. Regions made focusable by their own markup are left as they are.
(() => {
  const strings = window.clusterkitStrings || {};
  const scrolls = (el) => {
    const style = getComputedStyle(el);
    return (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      || (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1);
  };
  const nameOf = (el) => {
    const caption = el.querySelector("caption, figcaption");
    return (caption && caption.textContent.trim()) || strings.scroll || "Scrolling area";
  };
  const reach = () => {
    for (const el of document.querySelectorAll("main div, main pre, main table")) {
      if (el.hasAttribute("tabindex") || el.matches("a, button, input, select, textarea, summary")) continue;
      if (!scrolls(el)) continue;
      el.tabIndex = 0;
      if (!el.hasAttribute("role")) el.setAttribute("role", "region");
      if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) el.setAttribute("aria-label", nameOf(el));
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reach);
  else reach();
  window.addEventListener("load", reach);
  window.addEventListener("resize", reach);
})();
