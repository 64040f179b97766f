# eventwire: `make demo` and `make test` set everything up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

TRAIN_STAMP := $(VENV)/.installed-train

.PHONY: demo test check lint fuzz bench train clean gazetteer

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(STAMP)
	$(BIN)/eventwire demo

test: $(TEST_STAMP)
	bash scripts/ensure-chromium.sh
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m eventwire.places.build
	$(BIN)/python -m pytest

# The fast part, for the edit-test loop (about a minute): no spaCy pipeline, no processes, no browser
# (tests/conftest.py marks them). `make test` runs everything, as CI does.
check: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -m "not slow and not browser" -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks

# Coverage-guided fuzzing with atheris, FUZZ_SECONDS per harness (default 60).
fuzz: $(TEST_STAMP)
	$(BIN)/pip install --quiet atheris
	bash scripts/fuzz.sh

$(TRAIN_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[train]"
	touch $@

# Rebuild the event-type model (src/eventwire/events/model/) from training/ (deterministic, CPU, ~10 min), then
# measure the coder with it into training/report.json (out-of-fold on the tuning part, aggregate on the checking part).
train: $(TRAIN_STAMP)
	$(BIN)/python training/train_events.py --folds build/event-model-folds
	$(BIN)/python training/choose_thresholds.py --rounds 0 --report --models build/event-model-folds

# The places gazetteer (GeoNames extracts of installed packages → Arrow files in the user cache, ~20 s once).
gazetteer: $(STAMP)
	$(BIN)/python -m eventwire.places.build

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

clean:
	rm -rf $(VENV) eventwire.duckdb build src/*.egg-info
