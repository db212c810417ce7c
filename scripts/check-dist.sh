#!/usr/bin/env bash
# Fails when the committed dist/ differs from a fresh build, new and deleted files included.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "$(git status --porcelain --untracked-files=all -- dist)" ]; then
  echo "dist/ has uncommitted changes before the build; commit or discard them first:" >&2
  git status --short --untracked-files=all -- dist >&2
  exit 1
fi
rm -rf dist
npm run -s build
changes=$(git status --porcelain --untracked-files=all -- dist)
if [ -n "$changes" ]; then
  echo "::error::dist/ is out of date with the sources. Run 'npm run build' and commit dist/." >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- dist >&2 || true
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    { echo '### dist/ is out of date'; echo '```'; echo "$changes"; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
  fi
  exit 1
fi
echo "dist/ matches a fresh build."
