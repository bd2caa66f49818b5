#!/usr/bin/env bash
# `make run`: the web server with one job worker and the job scheduler beside it (docs/operations.md),
# all stopped together when the server stops (Ctrl-C).
set -euo pipefail
PY="${PY:-.venv/bin/python}"
ADDR="${1:-127.0.0.1:8000}"
"$PY" manage.py db_worker --interval 1 --no-startup-delay &
"$PY" manage.py jobs_scheduler --interval 30 &
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM
"$PY" manage.py runserver "$ADDR"
