# The few verbs a newcomer needs. Everything installs into .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
export BENCH_SMALL BENCH_DATABASE_URL BENCH_PATIENTS BENCH_REVISIONS PAGE

.PHONY: run test lint format bench bench-phone profile audit install clean lforms translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,e2e]'
	touch $@

install: $(VENV)/.installed

# The interface's compiled catalogues, built from the committed .po files.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

## make translations: extract the interface's texts, update each language's catalogue
## (a changed text becomes fuzzy, so it counts as missing), compile, then list what is
## missing or stale in every language (docs/translating.md)
translations: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --ignore-dirs '.* __pycache__' \
		--no-location --sort-output --project "SCS Intake" -o app/translations/messages.pot .
	$(BIN)/pybabel -q update -i app/translations/messages.pot -d app/translations --width 100
	$(BIN)/pybabel -q compile -d app/translations
	-$(BIN)/flask translations check

## make run: migrate the SQLite database, seed a demo clinic, serve on http://127.0.0.1:5000
run: $(VENV)/.installed $(CATALOGUES)
	@$(BIN)/python -m app.platform.pdf
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# LHC-Forms, a FHIR questionnaire renderer, for the browser test that fills our
# Questionnaire in it (tests/e2e/test_lforms.py). Only the package's built files are used,
# checked against the registry's hash; without npm or the registry the test is skipped.
LFORMS := tests/e2e/.lforms
LFORMS_VERSION := 40.1.3
LFORMS_SHA512 := WLruTm+BcVnafC0rSAQ3/cNqhxvclBUxyBG68aub/uha2NaK9H8ZZcEXTTuORuGzzCt0wa7fvhuieZtcDIdPzQ==

lforms:
	@if [ -f $(LFORMS)/package/dist/lforms/webcomponent/main.js ]; then :; \
	elif ! command -v npm >/dev/null; then echo "npm not found: the LHC-Forms browser test will be skipped"; \
	else mkdir -p $(LFORMS) && cd $(LFORMS) \
	  && npm pack --silent lforms@$(LFORMS_VERSION) >/dev/null 2>&1 \
	  && [ "$$($(PYTHON) -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' lforms-$(LFORMS_VERSION).tgz)" = "$(LFORMS_SHA512)" ] \
	  && tar xzf lforms-$(LFORMS_VERSION).tgz package/dist/lforms/webcomponent package/dist/lforms/fhir/R4 \
	  && rm lforms-$(LFORMS_VERSION).tgz \
	  || echo "LHC-Forms $(LFORMS_VERSION) could not be fetched: the LHC-Forms browser test will be skipped"; fi

## make test: lint, security scan, import contracts, the whole test suite (its logs then
## searched for dates of birth, tokens and answers), benchmark smoke run
test: $(VENV)/.test-installed lforms $(CATALOGUES)
	@$(BIN)/python -m app.platform.pdf
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r app --severity-level medium
	$(BIN)/lint-imports --no-cache
	$(BIN)/flask translations check
	rm -rf build/test-logs
	TEST_LOG_DIR=build/test-logs $(BIN)/pytest
	$(BIN)/python tools/check_logs.py build/test-logs
	BENCH_SMALL=1 $(BIN)/python bench/run.py
	BENCH_SMALL=1 $(BIN)/python bench/profile.py section > /dev/null
	BENCH_SMALL=1 $(BIN)/python bench/phone.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format .

## make bench: 10,000 patients, in-process and HTTP measurements (BENCH_SMALL=1: 200)
bench: $(VENV)/.test-installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "wrk could not be installed: HTTP measurements will be skipped"
	$(BIN)/python bench/run.py

## make bench-phone: the patient's pages on a phone's connection, over the https site of
## docs/deploy.md (needs nginx, openssl and Chromium)
bench-phone: $(VENV)/.test-installed
	$(BIN)/python bench/phone.py

## make profile PAGE=section: where one page's time goes (pyinstrument call tree)
profile: $(VENV)/.test-installed
	$(BIN)/python bench/profile.py

## make audit: check the installed packages against PyPI's vulnerability database (needs the
## internet); fails, and says so, when packages could not be checked
audit: $(VENV)/.test-installed
	$(BIN)/pip install -q 'pip-audit>=2.7'
	$(BIN)/python tools/dependency_audit.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
