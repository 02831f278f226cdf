# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PROJECTS ?= 4000
# pytest-xdist workers for `make test` (one per core; `make test TEST_WORKERS=0` runs in one process).
TEST_WORKERS ?= auto
DEMO_ENV := DEBUG=true

# Installs with uv (parallel downloads: ~10 s instead of ~3 min for the dev set), or pip if uv
# cannot be had; both read the same pinned requirements files.
define install
$(PY) -m pip install --quiet uv && $(VENV)/bin/uv pip install --quiet --python $(PY) $(1) \
  || $(PY) -m pip install --quiet $(1)
endef

PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: demo test parity venv venv-dev lock lint check-migrations e2e-deps clean

# Runtime only (what production installs): requirements.txt.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call install,-r requirements.txt)
	touch $@

# Runtime + tests, lint, benchmarks and pip-tools: requirements-dev.txt.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(call install,-r requirements-dev.txt)
	touch $@

venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev

# Re-pin after editing `[project] dependencies` or the `dev` extra in pyproject.toml.
# Existing pins are kept; `make lock UPGRADE=1` moves everything to the newest allowed versions.
lock: venv-dev
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) -o requirements.txt pyproject.toml
	$(PIP_COMPILE) $(if $(UPGRADE),--upgrade) --extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

demo: venv
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py createcachetable
	$(DEMO_ENV) $(PY) manage.py seed_demo --projects $(PROJECTS)
	$(DEMO_ENV) $(PY) manage.py create_demo_users
	# The background worker (project and legacy document imports) runs beside the server and stops with it.
	$(DEMO_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check-migrations: venv
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

test: venv-dev node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS)
	@# Tests of SQLite's own path skip on PostgreSQL: run them on SQLite too, so nothing goes unrun.
	@# Vendor-specific tests (search, bulk writes, backup, collation, pagination) carry the mark too.
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) env -u DATABASE_URL $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "sqlite and not postgres" ;; esac
	$(MAKE) --no-print-directory parity

# Production parity: the release built and served as the Procfile does (collectstatic, DEBUG off,
# gunicorn and the worker under a non-owner PostgreSQL role, Redis, an S3 bucket), then the browser
# journeys against it (tests/parity/). Needs PostgreSQL (DATABASE_URL, a superuser that creates the
# stage's roles), redis-server and chromium: .ci/run installs them.
parity: venv-dev
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*) SIRANO_PARITY=1 $(VENV)/bin/pytest tests/parity ;; \
	  *) if [ "$$CI" = true ]; then echo "CI=true: the parity stage needs DATABASE_URL=postgres://…" >&2; exit 1; fi; \
	     echo "Parity stage not run: DATABASE_URL is not PostgreSQL (see docs/deployment.md)." ;; \
	esac

clean:
	rm -rf $(VENV) node_modules db.sqlite3 var static
