# clvlib: the two commands are `make site` and `make test` (see README.md).
# Each target bootstraps .venv from pyproject.toml when it is missing or stale.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Boundary files: use the offline mirror beside the checkout when there is one (as on CI);
# an explicit CLVLIB_MIRROR in the environment wins. See README, "Working offline".
SHARED_MIRROR := $(wildcard $(CURDIR)/../shared/data/boundaries)
ifneq ($(SHARED_MIRROR),)
export CLVLIB_MIRROR ?= $(abspath $(SHARED_MIRROR))
endif

.PHONY: site site-student test lab lint validate bench browser fonts npm clean help

help:
	@echo "make site   build the teacher edition of the offline site in _build/site/"
	@echo "make site-student  build the student edition (no solutions; PDF handouts) in _build/site-student/"
	@echo "make test   run the whole test suite (lint, unit, data, notebooks)"
	@echo "make lab    open JupyterLab on notebooks/"
	@echo "make bench  run the benchmarks in benchmarks/"
	@echo "make browser install headless Chromium for the browser test (Debian, as root)"
	@echo "make fonts  install the Noto fonts the figures need for Khmer and Lao (Debian, as root)"

# Rebuilt whenever pyproject.toml changes (or the venv lost its python).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "clvlib needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys' 2>/dev/null; then \
		rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The book (Sphinx + myst-nb + sphinx-book-theme). Notebook outputs come from the execution cache
# in _build/.jupyter_cache; the Khmer and Lao fonts are fetched once with npm into _build/.fonts.
site: $(STAMP) fonts npm
	$(BIN)/clvlib build --out _build

site-student: $(STAMP) fonts npm browser
	$(BIN)/clvlib build --out _build --student

test: $(STAMP) browser fonts
	$(BIN)/ruff check src tests benchmarks conftest.py
	CLVLIB_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

# The real-browser test drives Debian's Chromium with its matching driver (no browser download);
# the site's PDF handouts use the same Chromium, and its bundled fonts come from npm packages.
browser: npm
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver (Debian packages) for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "the browser test needs Chromium: run 'sudo apt-get install chromium chromium-driver'"; exit 1; fi

# Figures name places in Khmer, Lao and Vietnamese: matplotlib needs Noto Sans, Noto Sans Khmer
# and Noto Sans Lao (TTF, Debian's fonts-noto-core); a missing glyph fails the figure check.
fonts:
	@if command -v fc-list >/dev/null 2>&1 && fc-list | grep -q 'NotoSansKhmer-Regular' \
		&& fc-list | grep -q 'NotoSansLao-Regular'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing fonts-noto-core (Debian package) for the figures"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fontconfig >/dev/null; \
	else echo "the figures need Noto Sans Khmer and Lao: run 'sudo apt-get install fonts-noto-core'"; exit 1; fi

# npm fetches the site's fonts (Noto Sans Khmer and Lao, once, into _build/.fonts).
npm:
	@if command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing npm (Debian package) to fetch the site's fonts"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	else echo "the site bundles its fonts from npm packages: run 'sudo apt-get install npm'"; exit 1; fi

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

validate: $(STAMP)
	$(BIN)/clvlib validate

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_foundation.py
	$(BIN)/python benchmarks/bench_geo.py
	$(BIN)/python benchmarks/bench_site.py

clean:
	rm -rf _build .pytest_cache .ruff_cache
