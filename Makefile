# CampaignDesk developer commands. `make run` sets everything up on a fresh clone.
PY ?= python3
VENV = .venv
BIN = $(VENV)/bin
PYTEST_ARGS ?=

# The stamp makes repeated `make run` / `make test` quick: pip runs again only
# when the lock file or pyproject.toml changes.
STAMP = $(VENV)/.installed

.PHONY: install run test fuzz lint format messages vendor clean bench run-prod

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
# Before serving (nothing runs yet, hence --min-age 0) archive files an interrupted archiving left
# behind are removed; an altered archive is reported without refusing to start (the leading "-").
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	-$(BIN)/python manage.py verify_archives --repair --min-age 0
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

# Issue 11's benchmark: generates (or reuses, per scale) ten years of data on SQLite and on a
# throwaway PostgreSQL, then measures the API under gunicorn (2 sync workers) against its floor.
# BENCH_ARGS e.g. "--db sqlite --scale 0.1"; "--db postgres --layout prod" for run-prod's layout.
BENCH_ARGS ?=
bench: install
	command -v wrk >/dev/null || apt-get install -y -q wrk || echo "no wrk: Python clients instead"
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Production layout: several app processes and task workers against one PostgreSQL.
# Needs in the environment: DATABASE_URL=postgres://user:password@host:5432/campaigndesk,
# CAMPAIGNDESK_SECRET_KEY (long and random), ALLOWED_HOSTS (the names clients use); behind a
# TLS proxy also CSRF_TRUSTED_ORIGINS (https://…), else SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0
# for plain http; MEDIA_ROOT must be one directory every process (and host) shares.
# Migrates and collects the static files, then starts APP_PROCS gunicorn processes of WORKERS
# sync workers on BIND:PORT, BIND:PORT+1, …, TASK_WORKERS `db_worker` processes and one reminder
# loop; Ctrl-C (or SIGTERM to make) stops them all. Any number of such hosts may share the
# database: tasks are rows, each taken by one worker (SELECT … FOR UPDATE SKIP LOCKED).
# e.g. make run-prod DATABASE_URL=postgres://… APP_PROCS=2 WORKERS=2 TASK_WORKERS=1 PORT=8000
# Tested by campaigndesk/core/tests/test_run_prod.py; measured by `make bench BENCH_ARGS="--db
# postgres --layout prod"`.
APP_PROCS ?= 2
WORKERS ?= 2
TASK_WORKERS ?= 1
PORT ?= 8000
BIND ?= 0.0.0.0
run-prod: install
	test -n "$$DATABASE_URL" || { echo "run-prod: set DATABASE_URL=postgres://…" >&2; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	trap 'kill $$(jobs -p) 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 1 $(TASK_WORKERS)); do $(BIN)/python manage.py db_worker --interval 1 & done; \
	$(BIN)/python manage.py send_reminders --every 300 & \
	for i in $$(seq 0 $$(($(APP_PROCS) - 1))); do \
	  $(BIN)/gunicorn campaigndesk.wsgi --workers $(WORKERS) --bind $(BIND):$$(($(PORT) + i)) & \
	done; \
	wait
