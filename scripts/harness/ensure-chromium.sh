#!/usr/bin/env bash
# Makes sure Debian's chromium is installed (apt-get when missing) and prints its path. The
# dashboard's browser tests drive it headless through playwright-core (which downloads no browser
# of its own).
exec "$(dirname "$0")/ensure-apt.sh" chromium chromium
