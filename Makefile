# The two set-up commands of the README:
#   make main   install everything, build the book (templates executed on the example data)
#               and write the example team's report pack to reports/example/
#   make test   install everything and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: main test setup book pack browser clean

main: book pack

# The virtual environment is (re)built when the project's requirements change.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,workshop,test]"
	touch $(STAMP)

setup: $(STAMP)

# Both editions (French and English), warnings as errors, into _build/html/{fr,en}/ + a landing page;
# each edition also as a PDF, an EPUB and an offline ZIP in _build/html/downloads/.
book: setup browser
	$(BIN)/python -m clusterkit.editions --out _build/html

pack: setup
	$(BIN)/clusterkit pack --out reports/example

# Debian's Chromium (browser test of the book, PDF reports and editions) and epubcheck (the EPUB
# editions' test) (root only).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v epubcheck >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium epubcheck >/dev/null; \
	  else echo "chromium or epubcheck missing: install Debian's chromium and epubcheck packages to run the browser tests"; fi; }

test: setup browser
	$(BIN)/python -m pytest

clean:
	rm -rf _build book/_generated reports
