#!/usr/bin/env bash
# Makes sure Debian's prometheus server is installed (apt-get when missing) and prints its path.
# Only the binary is used: the package's systemd unit is not started here (no init in CI) and the
# harness runs its own server with its own config and data dir.
exec "$(dirname "$0")/ensure-apt.sh" prometheus prometheus
