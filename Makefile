# sqsadmin — `make run` for the demo, `make test` for the suite. Both set everything up first.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help run serve test test-postgres test-localstack lint fmt bench lock chromium wrk clean
BIND    ?= 127.0.0.1:8000
WORKERS ?= 2
# Threads per worker: SQS calls wait on the network; more threads cost RSS (about 12 MB each
# under load) without more throughput.
THREADS ?= 4
# The SQS server `make bench` runs against: moto (its server, in a process of its own) or
# localstack (LocalStack's SQS via scripts/with-localstack, stopped by its PID afterwards).
SQS     ?= moto

help:
	@echo "make run    - embedded SQS with demo queues + the dashboard on http://127.0.0.1:8000/"
	@echo "make test   - install test needs (Chromium via apt-get if missing) and run the suite"
	@echo "make test-postgres - the suite again against a throwaway PostgreSQL on 127.0.0.1"
	@echo "make test-localstack - the suite again against LocalStack's SQS on 127.0.0.1 (own venv)"
	@echo "make serve  - production serving: granian + whitenoise on $(BIND), DEBUG off (OPTIMIZED=1)"
	@echo "make bench  - the dashboard against raw boto3 on a local SQS server (BENCH=name runs one, SQS=localstack, OPTIMIZED=1)"
	@echo "make lint   - ruff check and format check"
	@echo "make fmt    - ruff format and fix"
	@echo "make lock   - refresh requirements.lock from the current virtual environment"
	@echo "make clean  - remove the virtual environment and caches"

# $(call venv_recipe,DIR,COMMAND): the virtual environment DIR with the interpreter COMMAND
# prints, rebuilt when it was made by an interpreter older than 3.12, reinstalled when
# pyproject.toml or the lock changes.
define venv_recipe
	@if [ -x $(1)/bin/python ] && ! $(1)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Removing $(1): it was built with Python < 3.12"; rm -rf $(1); fi
	@if [ ! -x $(1)/bin/python ]; then \
		py=$$($(2)) || exit 1; \
		echo "Creating $(1) with $$py"; $$py -m venv $(1) || exit 1; fi
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev,demo]'
	@touch $(1)/.installed
endef

$(STAMP): pyproject.toml requirements.lock
	$(call venv_recipe,$(VENV),sh scripts/find-python)

# OPTIMIZED=1: `make serve` and `make bench` on CPython built here with PGO and LTO, as production
# interpreters are (scripts/build-python, once), in a virtual environment of its own.
OPT_PREFIX := .python-optimized
OPT_VENV   := .venv-optimized
$(OPT_PREFIX)/.built: scripts/build-python
	scripts/build-python $(OPT_PREFIX)
	@touch $@

$(OPT_VENV)/.installed: $(OPT_PREFIX)/.built pyproject.toml requirements.lock
	$(call venv_recipe,$(OPT_VENV),echo $(OPT_PREFIX)/bin/python3)

SERVE_VENV := $(if $(filter 1,$(OPTIMIZED)),$(OPT_VENV),$(VENV))

.env: | $(STAMP)
	@$(PY) scripts/make-dotenv

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

# Production serving. Needs real settings (see .env.example); SECURE_HTTPS=false to try it
# over plain HTTP on 127.0.0.1.
serve: $(SERVE_VENV)/.installed .env
	DEBUG=false $(SERVE_VENV)/bin/python manage.py migrate --noinput
	DEBUG=false $(SERVE_VENV)/bin/python manage.py check --deploy --fail-level ERROR
	DEBUG=false $(SERVE_VENV)/bin/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=false MALLOC_ARENA_MAX=2 $(SERVE_VENV)/bin/granian --interface wsgi --no-ws \
		--host $(firstword $(subst :, ,$(BIND))) --port $(lastword $(subst :, ,$(BIND))) \
		--workers $(WORKERS) --blocking-threads $(THREADS) --respawn-failed-workers \
		--access-log sqsadmin.wsgi:application

# Debian packages the tests and benchmarks need, installed with apt-get when missing.
define apt_install
	@if ! command -v $(1) >/dev/null 2>&1; then \
		echo "Installing Debian's $(2)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(2) >/dev/null \
		|| { echo "Could not install $(2) with apt-get"; exit 1; }; fi
endef

chromium:
	$(call apt_install,$(CHROMIUM),chromium)

wrk:
	$(call apt_install,wrk,wrk)

# The OpenID Connect provider the single sign-on tests sign in at (tests/oidc, from npm).
OIDC_TEST := tests/oidc
OIDC_STAMP := $(OIDC_TEST)/node_modules/.package-lock.json
$(OIDC_STAMP): $(OIDC_TEST)/package.json $(OIDC_TEST)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing: the SSO tests need Node.js 20+ and npm"; exit 1; }
	npm ci --prefix $(OIDC_TEST) --no-audit --no-fund --loglevel=error
	@touch $@

test: $(STAMP) .env chromium $(OIDC_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(SERVE_VENV)/.installed .env wrk
	SQS=$(SQS) $(SERVE_VENV)/bin/python -m bench $(BENCH)

test-postgres: $(STAMP) .env chromium $(OIDC_STAMP)
	scripts/with-postgres $(PY) -m pytest $(PYTEST_ARGS)

# The same suite against a second SQS implementation, so moto's quirks cannot pass for AWS's.
test-localstack: $(STAMP) .env chromium $(OIDC_STAMP)
	scripts/with-localstack $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock:
	$(PY) -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) $(OPT_VENV) $(OPT_PREFIX) .venv-localstack .pytest_cache .ruff_cache $(OIDC_TEST)/node_modules
