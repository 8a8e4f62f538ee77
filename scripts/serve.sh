#!/usr/bin/env bash
# Serve Tongban the way production does: gunicorn for the web, the task worker beside it.
# Used by `make run`; expects the environment (var/local.env) to be loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"

$PY manage.py migrate --noinput
$PY manage.py seed_demo --if-empty
$PY manage.py collectstatic --noinput --verbosity 0

$PY manage.py db_worker &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM

echo "Tongban is serving on http://127.0.0.1:${PORT}/ (stop with Ctrl-C)"
.venv/bin/gunicorn tongban.wsgi:application \
    --bind "127.0.0.1:${PORT}" \
    --workers "${WEB_WORKERS:-2}" --threads 4 \
    --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
