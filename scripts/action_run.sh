#!/bin/sh
# The "Run Pixir" step of action.yml: runs `pixir run --json` headless and turns its final JSON
# object into step outputs and a job summary. Inputs come as environment variables (see
# action.yml); $PIXIR is the binary. Exits with Pixir's own code.
set -u
: "${PIXIR:=pixir}"
: "${GITHUB_OUTPUT:?GITHUB_OUTPUT must name the step's output file}"
: "${PERMISSIONS:=--read-only}"

if [ -n "${PROMPT_FILE:-}" ]; then
  if [ ! -f "$PROMPT_FILE" ]; then
    echo "pixir action: prompt-file $PROMPT_FILE does not exist" >&2
    exit 2
  fi
  PROMPT=$(cat "$PROMPT_FILE")
fi
if [ -z "${PROMPT:-}" ]; then
  echo "pixir action: give the prompt or prompt-file input" >&2
  exit 2
fi
[ -n "${PIXIR_ACCESS_BUNDLE:-}" ] || unset PIXIR_ACCESS_BUNDLE
[ -n "${OPENAI_API_KEY:-}" ] || unset OPENAI_API_KEY

result=$(mktemp)
# PERMISSIONS is a list of flags, split on blanks on purpose.
# shellcheck disable=SC2086
if [ -n "${MODEL:-}" ]; then
  "$PIXIR" run --json $PERMISSIONS --model "$MODEL" "$PROMPT" >"$result"
else
  "$PIXIR" run --json $PERMISSIONS "$PROMPT" >"$result"
fi
code=$?

final=$(tail -n 1 "$result")
answer=$(printf '%s' "$final" | jq -r '.answer // ""' 2>/dev/null || true)
session=$(printf '%s' "$final" | jq -r '.session_id // ""' 2>/dev/null || true)
usage=$(printf '%s' "$final" | jq -c '.usage // null' 2>/dev/null || echo null)
delimiter="pixir_$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
{
  echo "exit-code=$code"
  echo "session-id=$session"
  echo "usage=$usage"
  echo "final-message<<$delimiter"
  printf '%s\n' "$answer"
  echo "$delimiter"
} >>"$GITHUB_OUTPUT"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### Pixir (exit $code)"
    echo
    printf '%s\n' "$answer"
    echo
    echo "Session: \`$session\` · usage: \`$usage\`"
  } >>"$GITHUB_STEP_SUMMARY"
fi
rm -f "$result"
exit "$code"
