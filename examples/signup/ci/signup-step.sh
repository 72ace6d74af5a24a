#!/usr/bin/env bash
# A CI step that checks the sign-up mail end to end with nothing but the `sandmail` command and
# standard tools. The server is named by SANDMAIL_URL (e.g. a `sandmail serve` service container).
#
#   SKIP_SIGNUP=1        do not sign up: shows how the step fails when the mail never comes
#   WAIT_TIMEOUT_MS=...  how long to wait for the mail (default 10000)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

# 1. An isolated run for this pipeline; its settings become environment variables.
eval "$(sandmail run create --ttl 600 --label "ci signup step" --env)"
trap 'sandmail run delete >/dev/null 2>&1 || true' EXIT
email="alice@${SANDMAIL_DOMAIN}"

# 2. The application under test sends its sign-up mail to the run's SMTP server.
if [ "${SKIP_SIGNUP:-0}" != "1" ]; then
  node --import tsx "$here/src/send-signup.ts" "$email"
fi

# 3. Wait for the mail and pull the code and the magic link out of it.
if ! code="$(sandmail extract --code --to "$email" --subject "Confirm your" --timeout "${WAIT_TIMEOUT_MS:-10000}")"; then
  echo "signup-step: no sign-up mail reached $email" >&2
  exit 1
fi
link="$(sandmail extract --link /confirm --to "$email")"

[[ "$code" =~ ^[0-9]{6}$ ]] || { echo "signup-step: code '$code' is not 6 digits" >&2; exit 1; }
[[ "$link" == https://app.example.com/confirm?token=* ]] || { echo "signup-step: unexpected link '$link'" >&2; exit 1; }
echo "signup-step: code $code, link $link"
