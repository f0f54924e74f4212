#!/usr/bin/env bash
# Fails when a tracked file names a folder outside the repository that users do not have
# (a sibling `shared` checkout of data, reference vectors or benchmark code). CI has such a
# folder beside the clone, so a test reading it would pass there and fail for every user.
# The patterns are assembled so that this script does not match itself.
set -euo pipefail
cd "$(dirname "$0")/.."
s='shar''ed'
pattern="(\.\./)+${s}([/\"'\`]|\$)|/work/${s}|${s}/(data|reference|bench-ref)/"
if hits=$(git ls-files -z | xargs -0 grep -nIE "$pattern" --); then
  echo "check-self-contained: these lines name a folder outside the repository:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "check-self-contained: no tracked file names a folder outside the repository"
