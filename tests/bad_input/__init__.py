"""Bad and awkward team workbooks, generated from the packaged example (see corpus.py)."""
