#!/bin/sh
# The command line's man pages and completion scripts: installed (install
# component "cli") into a temporary prefix, both pages rendered by man -l,
# and the installed bash completion loaded by bash, completing operation ids.
#   man_install_test.sh BUILD_DIR CMAKE LIBDIR (where libthreecx.so.0 is built)
set -u
BUILD=$1 CMAKE=$2
export LD_LIBRARY_PATH="$3${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
DIR=$(mktemp -d /tmp/threecx-cli-man-XXXXXX)
PASS=0 FAIL=0
trap 'rm -rf "$DIR"' EXIT INT TERM
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
contains() { case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not in '$2'" ;; esac; }
exists() { [ -s "$2" ] && ok || bad "$1: $2 missing or empty"; }

{ "$CMAKE" --install "$BUILD" --prefix "$DIR/p" --component cli && "$CMAKE" --install "$BUILD" --prefix "$DIR/p" --component tools && "$CMAKE" --install "$BUILD" --prefix "$DIR/p" --component lib; } >"$DIR/install.log" 2>&1 || { cat "$DIR/install.log"; bad "install"; }
P=$DIR/p
exists "threecx installed" "$P/bin/threecx"
exists "threecx(1)" "$P/share/man/man1/threecx.1"
exists "threecx-sim(1)" "$P/share/man/man1/threecx-sim.1"
exists "bash completion" "$P/share/bash-completion/completions/threecx"
exists "zsh completion" "$P/share/zsh/site-functions/_threecx"
exists "fish completion" "$P/share/fish/vendor_completions.d/threecx.fish"

if command -v man >/dev/null 2>&1; then
  page=$(MANWIDTH=100 man -l "$P/share/man/man1/threecx.1" 2>"$DIR/man.err" | col -b 2>/dev/null || MANWIDTH=100 man -l "$P/share/man/man1/threecx.1")
  contains "threecx(1): NAME" "$page" "threecx - the 3CX V20 Configuration API"
  contains "threecx(1): SYNOPSIS" "$page" "threecx call OPERATION [Name=value ...] [options]"
  contains "threecx(1): an option" "$page" "--paginate"
  contains "threecx(1): EXIT STATUS" "$page" "EXIT STATUS"
  line=$("$P/bin/threecx" help | grep -- '--include' | sed 's/^.*--include *//' | cut -d' ' -f1-5)
  [ -n "$line" ] && ok || bad "threecx help: no --jsonl line"
  contains "threecx(1): the same text as --help" "$page" "$line"
  page=$(MANWIDTH=100 man -l "$P/share/man/man1/threecx-sim.1" 2>>"$DIR/man.err" | col -b 2>/dev/null)
  contains "threecx-sim(1): NAME" "$page" "threecx-sim - the local 3CX XAPI"
  contains "threecx-sim(1): an option" "$page" "--ready-file FILE"
  [ -s "$DIR/man.err" ] && bad "man warnings: $(cat "$DIR/man.err")" || ok
else
  bad "man not found (tools/install-deps.sh installs man-db)"
fi

out=$(PATH="$P/bin:$PATH" bash -c '
  . "$1"
  COMP_WORDS=(threecx describe GetWeb); COMP_CWORD=2; _threecx; printf "%s\n" "${COMPREPLY[@]}"' sh \
  "$P/share/bash-completion/completions/threecx" 2>&1)
contains "installed bash completion: operation ids" "$out" "GetWeblink"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
