"""The documents layer, the house style once: what renders the step modules' tables and figures for
people to read: the HTML report a template builds, tables, figures, views of the steps, and the
Word, XLSX and PDF files made from them."""
