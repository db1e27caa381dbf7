# The two set-up commands of the README:
#   make main   install everything, build the book (templates executed on the example data)
#               and write the example team's report pack to reports/example/ and the example
#               programme view to reports/portfolio/
#   make test   install everything and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: main test setup book pack portfolio debian clean

main: book pack portfolio

# The virtual environment is (re)built when the project's requirements change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,workshop,test]"
	touch $(STAMP)

setup: $(STAMP)

# Both editions (French and English), warnings as errors, into _build/html/{fr,en}/ + a landing page;
# each edition also as a PDF, an EPUB and an offline ZIP in _build/html/downloads/.
book: setup debian
	$(BIN)/python -m clusterkit.editions --out _build/html

pack: setup debian
	$(BIN)/clusterkit pack --out reports/example

# Three fictional clusters at different steps, and the programme view that compares them.
portfolio: setup debian
	$(BIN)/python -c "from clusterkit.examples import example_portfolio; example_portfolio('reports/portfolio/clusters')"
	$(BIN)/clusterkit portfolio reports/portfolio/clusters --out reports/portfolio

# Debian packages (root only): Chromium prints the PDF editions and reports and runs the browser
# tests; epubcheck validates the EPUB editions; LibreOffice Calc makes the .ods and .xls files the
# reader is tested on, LibreOffice Writer renders the Word documents, and poppler-utils reads the
# rendered pages back (pdftotext, pdftoppm). Checked by package: Calc and Writer share one command.
DEBIAN_PACKAGES := chromium epubcheck libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils
debian:
	@missing=""; for package in $(DEBIAN_PACKAGES); do \
	  dpkg -s "$$package" >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing:$$missing: install these Debian packages to run the browser and LibreOffice tests"; fi; fi

test: setup debian
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

clean:
	rm -rf _build book/_generated reports
