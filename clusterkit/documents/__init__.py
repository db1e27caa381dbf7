"""The house style, once: the HTML report a template builds, tables, figures, and the Word, XLSX
and PDF files made from them."""
