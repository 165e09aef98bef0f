# CampaignDesk developer commands. `make run` sets everything up on a fresh clone.
PY ?= python3
VENV = .venv
BIN = $(VENV)/bin
PYTEST_ARGS ?=

# The stamp makes repeated `make run` / `make test` quick: pip runs again only
# when the lock file or pyproject.toml changes.
STAMP = $(VENV)/.installed

.PHONY: install run test lint format messages vendor clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.lock
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

# run and messages are for a developer's machine: development settings, no secret key needed.
run messages lint: export DEBUG ?= 1

# Serves http://127.0.0.1:8000 with the demo data (seed_demo is idempotent and prints the logins),
# with the task worker (e-mail, group bots) and the reminder loop running beside it.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --interval 2 --no-startup-delay & \
	$(BIN)/python manage.py send_reminders --every 300 & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# SQLite by default; set DATABASE_URL=postgres://… to run on PostgreSQL.
# Playwright's sync API runs an event loop in the test thread, hence DJANGO_ALLOW_ASYNC_UNSAFE.
test: install
	mkdir -p var
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest $(PYTEST_ARGS)

# The API fuzz test of `make test` (schemathesis over /api/v1/openapi.json as every role), longer:
# FUZZ_EXAMPLES generated calls per operation instead of 12.
FUZZ_EXAMPLES ?= 200
fuzz: install
	mkdir -p var
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest campaigndesk/core/tests/test_fuzz_api.py -p no:warnings $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy campaigndesk

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en -i '.venv/*' -i 'static/*' -i 'staticfiles/*' -i 'var/*'
	$(BIN)/python manage.py compilemessages -i .venv

vendor:
	bash scripts/vendor_assets.sh

clean:
	rm -rf var $(VENV)
