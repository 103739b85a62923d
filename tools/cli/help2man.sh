#!/bin/sh
# Turns a program's --help text into a man page (roff), so that the page and
# --help come from one source. Used at build time for threecx(1) and
# threecx-sim(1).
#   help2man.sh NAME SECTION VERSION "one-line description" < help.txt > NAME.SECTION
# The help text's shape: an optional first line "NAME - description"; a
# "Usage:" heading (or a "usage: ..." line); headings "Words:" at column 0;
# entries "  TERM   description" whose descriptions start at one column
# (found as the most common one), with continuation lines indented to it.
set -eu
name=$1 section=$2 version=$3 desc=$4
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
cat >"$tmp"
col=$(awk '
  /^  [^ ]/ {
    for (p = 4; p <= length($0); p++)
      if (substr($0, p - 2, 2) == "  " && substr($0, p, 1) != " " && substr($0, 3, 1) != " ") { n[p]++; break }
  }
  END { best = 0; for (p in n) if (n[p] > n[best] || best == 0) best = p; print best + 0 }' "$tmp")
awk -v name="$name" -v section="$section" -v version="$version" -v desc="$desc" -v col="$col" '
function esc(s) {
  gsub(/\\/, "\\e", s)
  gsub(/-/, "\\-", s)
  if (s ~ /^[.\047]/) s = "\\&" s
  return s
}
function heading(h) { flush(); printf ".SH %s\n", toupper(h); sec = toupper(h) }
function flush() { if (inverb) { print ".fi"; inverb = 0 } }
BEGIN {
  printf ".TH %s %s \"\" \"%s %s\" \"User Commands\"\n", toupper(name), section, name, version
  started = 0
}
NR == 1 && $0 ~ (" - ") && $0 !~ /^ / {
  split($0, parts, " - ")
  print ".SH NAME"
  printf "%s \\- %s\n", esc(parts[1]), esc(substr($0, length(parts[1]) + 4))
  started = 1
  next
}
{
  if (!started) {
    print ".SH NAME"
    printf "%s \\- %s\n", esc(name), esc(desc)
    started = 1
  }
}
/^[Uu]sage: ./ {
  heading("SYNOPSIS")
  print ".nf"; inverb = 1
  s = $0; sub(/^[Uu]sage: */, "", s); print esc(s)
  getline
  while ($0 ~ /^ +[^ -]/ && $0 !~ /^  [^ ].*  +[^ ]/) { s = $0; sub(/^ +/, "", s); print esc(s); if ((getline) <= 0) break }
  flush()
  if ($0 ~ /^  -/) heading("OPTIONS")
  else if ($0 == "") next
}
/^[A-Z][^ ]*( [^ ]+)*:$/ {
  h = $0; sub(/:$/, "", h)
  if (h == "Usage") { heading("SYNOPSIS"); print ".nf"; inverb = 1; verbsec = 1; next }
  heading(h); verbsec = (h == "Examples"); if (verbsec) { print ".nf"; inverb = 1 }
  next
}
/^$/ { if (!inverb) print ".PP"; else print ""; next }
{
  if (inverb) { s = $0; sub(/^  /, "", s); print esc(s); next }
  if (col > 0 && substr($0, 1, 2) == "  " && substr($0, 3, 1) != " ") {
    term = substr($0, 1, col - 1); text = substr($0, col)
    if (length($0) >= col && substr($0, col - 1, 1) == " " && substr($0, col, 1) != " ") {
      sub(/^ +/, "", term); sub(/ +$/, "", term)
      printf ".TP\n.B %s\n%s\n", esc(term), esc(text)
    } else {
      s = $0; sub(/^ +/, "", s)
      printf ".TP\n.B %s\n", esc(s)
    }
    next
  }
  if (col > 0 && length($0) > col && substr($0, 1, col - 1) ~ /^ +$/) { s = substr($0, col); print esc(s); next }
  s = $0; sub(/^ +/, "", s); print esc(s)
}
END { flush() }
' "$tmp"
