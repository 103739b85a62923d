# Sourced by bench/run.sh and tests/integration/http2_nginx.sh: a private
# nginx-light (Debian) run as the invoking user from a temporary directory
# of its own (pid file, temp paths and error log there; `user` only when
# root), never the system instance.

# Sets $nginx to nginx's path, or to "" when it is not installed.
nginx_find() {
  nginx=$(command -v nginx || true)
  [ -n "$nginx" ] || [ ! -x /usr/sbin/nginx ] || nginx=/usr/sbin/nginx
}

# nginx_head DIR [MODULE...]: prints the start of a configuration living
# in DIR, through "http {" and the settings every server shares; the
# caller adds its servers and the closing "}".
nginx_head() {
  _dir=$1
  shift
  mkdir -p "$_dir/temp"
  for _m in "$@"; do echo "load_module $_m;"; done
  [ "$(id -u)" -ne 0 ] || echo "user root root;"
  cat <<EOF
daemon off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $_dir/nginx.pid;
error_log $_dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $_dir/temp/body;
  proxy_temp_path $_dir/temp/proxy;
  fastcgi_temp_path $_dir/temp/fastcgi;
  uwsgi_temp_path $_dir/temp/uwsgi;
  scgi_temp_path $_dir/temp/scgi;
  default_type application/json;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  geo \$d { default "\$"; }
EOF
}

# nginx_start DIR STATUS_URL: checks DIR/nginx.conf, starts nginx in the
# background (its pid in $ngpid, for the caller to kill) and waits until
# STATUS_URL answers; on failure prints the error log and returns 1.
nginx_start() {
  "$nginx" -t -q -e "$1/error.log" -p "$1" -c "$1/nginx.conf" 2>"$1/nginx-t.log" || {
    cat "$1/nginx-t.log" >&2
    return 1
  }
  "$nginx" -e "$1/error.log" -p "$1" -c "$1/nginx.conf" 2>>"$1/error.log" &
  ngpid=$!
  _i=0
  until curl -fs "$2" >/dev/null 2>&1; do
    _i=$((_i + 1))
    if [ $_i -gt 100 ] || ! kill -0 "$ngpid" 2>/dev/null; then
      cat "$1/error.log" >&2
      echo "nginx did not start" >&2
      return 1
    fi
    sleep 0.05
  done
}
