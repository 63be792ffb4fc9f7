#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed (apt-get when missing) and prints its path.
exec "$(dirname "$0")/ensure-apt.sh" redis-server redis-server
