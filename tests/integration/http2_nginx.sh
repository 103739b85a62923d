#!/bin/sh
# Runs a test program against nginx-light serving HTTPS with HTTP/2 (the
# simulator speaks HTTP/1.1 only): canned XAPI answers, 50 ms late, and
# nginx's stub_status to count the connections it accepted.
#
#   sh http2_nginx.sh CA_DIR COMMAND...
#
# CA_DIR holds the test CA and the server certificate (make_test_ca.sh).
# COMMAND gets THREECX_H2_PORT, THREECX_H2_STATUS_PORT and THREECX_H2_CA.
# Exit 77 (skipped) without nginx or its echo module (nginx-light and
# libnginx-mod-http-echo, from tools/install-deps.sh).
set -eu
ca_dir=$1
shift
. "$(dirname "$0")/../../tools/nginx-local.sh"
nginx_find
echo_mod=/usr/lib/nginx/modules/ngx_http_echo_module.so
if [ -z "$nginx" ] || [ ! -f "$echo_mod" ]; then
  echo "SKIP: nginx-light with the echo module is needed (sh tools/install-deps.sh)"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/threecx-h2-XXXXXX")
ngpid=""
cleanup() {
  if [ -n "$ngpid" ]; then kill "$ngpid" 2>/dev/null || true; wait "$ngpid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
ports=$(python3 -c 'import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
h2=${ports% *} status=${ports#* }
token='{"token_type":"Bearer","expires_in":3600,"access_token":"h2-test-token-0123456789"}'
{ nginx_head "$tmp" "$echo_mod"; cat <<EOF; } >"$tmp/nginx.conf"
  server {
    listen 127.0.0.1:$h2 ssl http2;
    ssl_certificate $ca_dir/server.pem;
    ssl_certificate_key $ca_dir/server.key;
    http2_max_concurrent_streams 256;
    location = /connect/token { return 200 '$token'; }
    location = /xapi/v1/SecurityTokens {
      echo_sleep 0.05;
      echo '{"@odata.context":"https://127.0.0.1/xapi/v1/\${d}metadata#SecurityTokens","value":[{"Id":"t1","Username":"admin"}]}';
    }
    location / { return 404; }
  }
  server {
    listen 127.0.0.1:$status;
    location = /_status { stub_status; }
  }
}
EOF
nginx_start "$tmp" "http://127.0.0.1:$status/_status"
rc=0
THREECX_H2_PORT=$h2 THREECX_H2_STATUS_PORT=$status THREECX_H2_CA=$ca_dir/ca.pem "$@" || rc=$?
exit $rc
