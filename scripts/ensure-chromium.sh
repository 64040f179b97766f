#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing.
# The browser tests skip (with this reason) only when it truly cannot be installed.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: cannot install chromium (not root or no apt-get); browser tests will skip" >&2
  exit 0
fi
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/eventwire-chromium.log 2>&1 \
  || echo "ensure-chromium: apt-get install chromium failed (see /tmp/eventwire-chromium.log); browser tests will skip" >&2
exit 0
