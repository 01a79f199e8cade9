#!/usr/bin/env bash
# Fetch/start/stop a private Neo4j for cancu: see scripts/neo4j_server.py (fetch|start|stop|status|env).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-$here/../.venv/bin/python}"
[ -x "$py" ] || py=python3
exec "$py" "$here/neo4j_server.py" "$@"
