# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test lint venv system-deps migrate demo lock schema bench bench-search bench-applications bench-reports bench-supervision bench-report-audit bench-kill9 bench-cluster cluster-demo clean

$(STAMP): requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

# Debian packages the tests need: Chromium for the browser tests and CJK fonts for rendering.
system-deps:
	@bash scripts/install-system-deps.sh

migrate: venv
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "  Portal:     http://$(HOST):$(PORT)/"
	@echo "  Workbench:  http://$(HOST):$(PORT)/workbench/  (staff log in here)"
	@echo "  Accounts (password gongkai-demo for all):"
	@echo "    hhht_clerk / hhht_reviewer / hhht_leader   呼和浩特市人民政府: 公开专员 / 保密审查 / 分管领导"
	@echo "    jyj_clerk / jyj_reviewer / jyj_leader      呼和浩特市教育局"
	@echo "    nmg_supervisor                             内蒙古自治区人民政府 监督 (read-only)"
	@echo "    admin                                      管理员 (also /admin/; 文书模板)"
	@echo "  依申请公开: apply at http://$(HOST):$(PORT)/xxgk/hhht-jyj/ysqgk/ ; demo cases are in"
	@echo "    http://$(HOST):$(PORT)/workbench/applications/ (jyj_clerk, hhht_clerk). Mail is printed here"
	@echo "    by the job worker that runs beside the server (and the job scheduler); admin sees the queue."
	@echo ""
	PY=$(PY) bash scripts/run_dev.sh $(HOST):$(PORT)

# A production-shaped cluster on this machine (deploy/cluster.py; root): PostgreSQL primary and replica,
# Redis, two gunicorn behind HAProxy, a job worker and the scheduler. Ctrl-C stops it.
cluster-demo: venv
	$(PY) deploy/cluster.py up

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/lint_rules.py
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v1

test: venv system-deps migrate
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest

# The committed OpenAPI schema (docs/api/openapi.yaml): a test fails when the API and it differ.
schema: venv
	DJANGO_SETTINGS_MODULE=config.settings.dev $(PY) manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml

lock: venv
	$(PY) -m pip install --quiet -r requirements.in
	( echo "# Generated from requirements.in by \`make lock\`; install with \`pip install -r requirements.lock\`."; \
	  $(PY) -m pip freeze --exclude-editable ) > requirements.lock

bench: venv
	$(PY) bench/run.py

# ITEMS=1000000 by default; prefix DATABASE_URL=postgres://… for PostgreSQL.
ITEMS ?= 1000000
bench-search: venv
	$(PY) bench/search.py --items $(ITEMS)

# 200,000 applications across 1,000 bodies; on PostgreSQL add LOAD=--load for the submission load test.
bench-applications: venv
	$(PY) bench/applications.py $(LOAD)

# kill -9 of gunicorn under concurrent submissions (PostgreSQL): acknowledged = stored once, no orphan file.
bench-kill9: venv
	$(PY) bench/kill9.py

# A province-sized tree: 2,000 bodies, 1,000,000 items, 200,000 applications, 5,000 appeals.
bench-reports: venv
	$(PY) bench/reports.py

# A province: 3,000 bodies, 5 years (2,000,000 items, 300,000 applications, 100,000 messages).
bench-supervision: venv
	$(PY) bench/supervision.py

# The cluster under load while parts of it fail (issue 20 §4): 50 public + 10 staff clients, 60 s.
bench-report-audit: venv
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) bench/report_audit.py

bench-cluster: venv
	$(PY) bench/cluster.py

clean:
	rm -rf var/test-media .pytest_cache .mypy_cache .ruff_cache
