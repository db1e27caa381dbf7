"""Sphinx extension: writes the book's generated pages before Sphinx reads the table of contents.

The data dictionary, the command-line reference and the worked examples (each step's template,
titled and parameterised) come from the clusterkit package, so the book never restates them.
"""
from pathlib import Path

from clusterkit.docs import generate_book_pages


def setup(app):
    # setup() runs before the table of contents is read, so the pages exist when it is.
    generate_book_pages(Path(app.srcdir) / "book", "fr")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
