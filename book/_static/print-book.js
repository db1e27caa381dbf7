// The single-page edition laid out as a book before it is printed to PDF (clusterkit.editions):
// a table of contents, each part's title page, the solutions of a chapter's exercises gathered at
// the end of the chapter, and every figure numbered, its description as caption when it has none.
document.addEventListener("DOMContentLoaded", () => {
  const strings = window.clusterkitStrings || {};
  const parts = strings.parts || [];
  const article = document.querySelector("article.bd-article") || document.body;
  const make = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  };
  // solutions are printed open, not behind a button
  for (const hidden of document.querySelectorAll(".toggle-hidden")) hidden.classList.remove("toggle-hidden");
  for (const button of document.querySelectorAll(".toggle-button")) button.remove();

  const toc = make("nav", "ck-print-toc");
  toc.setAttribute("aria-label", strings.contents || "Contents");
  toc.append(make("h2", "", strings.contents || "Contents"));
  const list = make("ol");
  toc.append(list);
  let partList = list;
  let figures = 0;
  // each toctree of the first page is one part of the book, in order
  const master = article.querySelector(":scope > section") || article;
  const documents = (wrapper) => [...wrapper.querySelectorAll(':scope > span[id^="document-"]')]
    .map((anchor) => anchor.nextElementSibling).filter((section) => section && section.tagName === "SECTION");
  const entry = (section) => {
    const heading = section.querySelector("h1, h2, h3");
    const item = make("li");
    const link = make("a", "", heading ? heading.textContent.replace(/#$/, "").trim() : "");
    link.href = `#${section.id}`;
    item.append(link);
    return item;
  };
  master.querySelectorAll(":scope > .toctree-wrapper").forEach((wrapper, index) => {
    if (parts[index]) {
      const title = make("h1", "ck-print-part", parts[index]);
      title.id = `ck-part-${index + 1}`;
      wrapper.prepend(title);
      const item = make("li");
      const link = make("a", "", parts[index]);
      link.href = `#${title.id}`;
      partList = make("ol");
      item.append(link, partList);
      list.append(item);
    }
    for (const chapter of documents(wrapper)) {
      const item = entry(chapter);
      const sections = [...chapter.querySelectorAll(":scope .toctree-wrapper")].flatMap(documents);
      if (sections.length) {
        const inner = make("ol");
        inner.append(...sections.map(entry));
        item.append(inner);
      }
      partList.append(item);
      const solutions = [...chapter.querySelectorAll(".solution")];
      if (solutions.length) {
        const box = make("section", "ck-print-solutions");
        box.append(make("h3", "", strings.solutions || "Solutions"), ...solutions);
        chapter.append(box);
      }
    }
  });
  // the worked examples' own headings (the reports' HTML) sit below their page's title in the outline
  for (const heading of article.querySelectorAll(".cell_output h1, .cell_output h2, .cell_output h3, .cell_output h4")) {
    const lower = document.createElement(`h${Math.min(Number(heading.tagName[1]) + 2, 6)}`);
    for (const attribute of heading.attributes) lower.setAttribute(attribute.name, attribute.value);
    lower.append(...heading.childNodes);
    heading.replaceWith(lower);
  }
  for (const img of article.querySelectorAll("img")) {
    figures += 1;
    const label = `${strings.figure || "Figure"} ${figures}`;
    const caption = img.closest("figure")?.querySelector("figcaption");
    if (caption) {
      caption.prepend(`${label} — `);
    } else {
      const figure = make("figure", "ck-print-figure");
      img.replaceWith(figure);
      figure.append(img, make("figcaption", "", `${label} — ${img.alt || ""}`.replace(/ — $/, "")));
    }
  }
  // the contents follow the book's opening page, in place of the theme's own printed list
  (master.querySelector(":scope > .toctree-wrapper") || master.lastChild).before(toc);
  document.getElementById("jb-print-toc")?.remove();
});
