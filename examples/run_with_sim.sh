#!/bin/sh
# Runs an example program against a real PBX when THREECX_DOMAIN,
# THREECX_CLIENT_ID and THREECX_API_KEY are set, otherwise against a local
# threecx-sim started for the occasion (HTTPS with its own CA, port chosen by
# the system) and stopped afterwards.
#   run_with_sim.sh EXAMPLE SIM
set -eu
example=$1 sim=$2
if [ -n "${THREECX_DOMAIN:-}" ]; then
  echo "== using the PBX at $THREECX_DOMAIN" >&2
  exec "$example"
fi
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
"$sim" --host 127.0.0.1 --port 0 --ready-file "$dir/port" --ca-out "$dir/ca.pem" \
  --client "example:example-api-key:SystemOwner" --quiet &
pid=$!
i=0
while [ ! -s "$dir/port" ]; do
  i=$((i + 1))
  [ $i -lt 500 ] || { echo "threecx-sim did not start" >&2; exit 1; }
  kill -0 $pid 2>/dev/null || { echo "threecx-sim exited" >&2; exit 1; }
  sleep 0.02
done
port=$(cat "$dir/port")
echo "== no PBX configured (THREECX_DOMAIN unset): using threecx-sim on 127.0.0.1:$port" >&2
THREECX_DOMAIN=127.0.0.1:$port THREECX_CLIENT_ID=example THREECX_API_KEY=example-api-key \
  THREECX_CA_FILE=$dir/ca.pem "$example"
