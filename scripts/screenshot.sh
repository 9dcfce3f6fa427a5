#!/usr/bin/env bash
# Takes a screenshot of the running app under a private Xvfb display: screenshot.sh APP REGISTER OUT.png
set -euo pipefail
app=${1:?app binary}; register=${2:?register path}; out=${3:?output png}
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$app_pid" 2>/dev/null || true; kill "$xvfb" 2>/dev/null || true' EXIT
sleep 1
DISPLAY=$display "$app" --register "$register" >/dev/null 2>&1 &
app_pid=$!
sleep "${SCREENSHOT_DELAY:-6}"
DISPLAY=$display import -window root "$out"
echo "wrote $out"
