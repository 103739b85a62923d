/*
 * odata_abnf.h: a small checker of request URLs against the rules of the
 * OASIS OData 4.01 ABNF (odata-abnf-construction-rules) that the library's
 * output touches, written from the grammar, independently of the library.
 * Header-only C99, for tests.
 *
 *   string literal  string = SQUOTE *( SQUOTE-in-string / pchar-no-SQUOTE ) SQUOTE
 *                   SQUOTE = "'" / "%27"; SQUOTE-in-string = SQUOTE SQUOTE
 *                   pchar-no-SQUOTE = unreserved / pct-encoded-no-SQUOTE
 *                                   / other-delims / "$" / "&" / "=" / ":" / "@"
 *                   other-delims = "!" / "(" / ")" / "*" / "+" / "," / ";"
 *   $search         searchExpr = ( searchParenExpr / searchNegateExpr
 *                                / searchPhrase / searchWord )
 *                                [ searchOrExpr / searchAndExpr ]
 *                   searchParenExpr  = OPEN BWS searchExpr BWS CLOSE
 *                   searchNegateExpr = 'NOT' RWS searchExpr
 *                   searchOrExpr  = RWS 'OR' RWS searchExpr
 *                   searchAndExpr = RWS [ 'AND' RWS ] searchExpr
 *                   searchPhrase  = quotation-mark 1*( qchar-no-AMP-DQUOTE / SP )
 *                                   quotation-mark
 *                   searchWord = searchChar *( searchChar / SQUOTE )
 *                   searchChar = unreserved / pct-encoded-no-DQUOTE / "!" / "*"
 *                              / "+" / "," / ":" / "@" / "/" / "?" / "$" / "="
 *                   As the ABNF's comment on searchWord says, a word holds no
 *                   whitespace and no parenthesis, literal or percent-encoded
 *                   (%20 %09 %28 %29), and no ';'.
 *   key values      keyPropertyValue = primitiveLiteral, of the key's type;
 *                   never null (CSDL: key properties MUST NOT be nullable).
 *                   int32, boolean, guid, dateTimeOffset (with ':' and '+'
 *                   possibly percent-encoded, %3A / %2B, which the OData URL
 *                   conventions treat as equivalent).
 * Every function returns 1 when the text matches, 0 otherwise.
 */
#ifndef THREECX_TEST_ODATA_ABNF_H
#define THREECX_TEST_ODATA_ABNF_H

#include <stddef.h>
#include <string.h>

static int abnf_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}
static int abnf_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}
/* "%XY" at s[i]: returns the byte value, or -1. */
static int abnf_pct(const char *s, size_t n, size_t i) {
  if (i + 3 > n || s[i] != '%' || !abnf_hex(s[i + 1]) || !abnf_hex(s[i + 2])) return -1;
  {
    int hi = s[i + 1] <= '9' ? s[i + 1] - '0' : (s[i + 1] | 0x20) - 'a' + 10;
    int lo = s[i + 2] <= '9' ? s[i + 2] - '0' : (s[i + 2] | 0x20) - 'a' + 10;
    return hi * 16 + lo;
  }
}
/* Every character allowed in a URL (RFC 3986: unreserved, reserved, or a
 * complete %XX). */
static int abnf_url_chars(const char *s, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '%') {
      if (abnf_pct(s, n, i) < 0) return 0;
      i += 2;
    } else if (!abnf_unreserved(c) && !strchr(":/?#[]@!$&'()*+,;=", c)) {
      return 0;
    } else if (c == 0) {
      return 0;
    }
  }
  return 1;
}

/* ---- string literal ---- */

/* SQUOTE at s[i]: its length (1 or 3), else 0. */
static size_t abnf_squote(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '\'') return 1;
  if (abnf_pct(s, n, i) == 0x27) return 3;
  return 0;
}
/* pchar-no-SQUOTE at s[i]: its length, else 0. */
static size_t abnf_pchar_no_squote(const char *s, size_t n, size_t i) {
  int v;
  if (i >= n) return 0;
  if (abnf_unreserved(s[i]) || (s[i] && strchr("!()*+,;$&=:@", s[i]))) return 1;
  v = abnf_pct(s, n, i);
  if (v >= 0 && v != 0x27) return 3;
  return 0;
}
/* Length of the string literal starting at s[i], or 0. */
static size_t abnf_string_at(const char *s, size_t n, size_t i) {
  size_t j = i, q, k;
  if (!(q = abnf_squote(s, n, j))) return 0;
  j += q;
  for (;;) {
    if ((q = abnf_squote(s, n, j)) != 0) {
      size_t q2 = abnf_squote(s, n, j + q);
      if (q2) {
        j += q + q2; /* SQUOTE-in-string */
        continue;
      }
      return j + q - i; /* closing quote */
    }
    if (!(k = abnf_pchar_no_squote(s, n, j))) return 0;
    j += k;
  }
}
/* The whole of s[0..n) is one string literal. */
static int abnf_string(const char *s, size_t n) { return n > 0 && abnf_string_at(s, n, 0) == n; }

/* ---- $search ---- */

static size_t abnf_ws1(const char *s, size_t n, size_t i) { /* SP / HTAB / "%20" / "%09" */
  int v;
  if (i < n && (s[i] == ' ' || s[i] == '\t')) return 1;
  v = abnf_pct(s, n, i);
  return (v == 0x20 || v == 0x09) ? 3 : 0;
}
static size_t abnf_rws(const char *s, size_t n, size_t i) {
  size_t j = i, k;
  while ((k = abnf_ws1(s, n, j)) != 0) j += k;
  return j - i;
}
static size_t abnf_open(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '(') return 1;
  return abnf_pct(s, n, i) == 0x28 ? 3 : 0;
}
static size_t abnf_close(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == ')') return 1;
  return abnf_pct(s, n, i) == 0x29 ? 3 : 0;
}
static size_t abnf_qmark(const char *s, size_t n, size_t i) { /* quotation-mark */
  if (i < n && s[i] == '"') return 1;
  return abnf_pct(s, n, i) == 0x22 ? 3 : 0;
}
static size_t abnf_escape(const char *s, size_t n, size_t i) {
  if (i < n && s[i] == '\\') return 1;
  return abnf_pct(s, n, i) == 0x5C ? 3 : 0;
}
static size_t abnf_search_char(const char *s, size_t n, size_t i) {
  int v;
  if (i >= n) return 0;
  if (abnf_unreserved(s[i]) || (s[i] && strchr("!*+,:@/?$=", s[i]))) return 1;
  v = abnf_pct(s, n, i);
  if (v >= 0 && v != 0x22 && v != 0x20 && v != 0x09 && v != 0x28 && v != 0x29) return 3;
  return 0;
}
static size_t abnf_search_word(const char *s, size_t n, size_t i) {
  size_t j = i, k;
  if (!(k = abnf_search_char(s, n, j))) return 0;
  j += k;
  for (;;) {
    if ((k = abnf_search_char(s, n, j)) != 0 || (k = abnf_squote(s, n, j)) != 0) {
      j += k;
      continue;
    }
    return j - i;
  }
}
/* qchar-no-AMP-DQUOTE / SP inside a phrase. */
static size_t abnf_phrase_char(const char *s, size_t n, size_t i) {
  int v;
  size_t e;
  if (i >= n) return 0;
  if (s[i] == ' ') return 1;
  if (abnf_unreserved(s[i]) || (s[i] && strchr("!()*+,;:@/?$'=", s[i]))) return 1;
  if ((e = abnf_escape(s, n, i)) != 0) {
    size_t e2 = abnf_escape(s, n, i + e);
    if (!e2) e2 = abnf_qmark(s, n, i + e);
    return e2 ? e + e2 : 0;
  }
  v = abnf_pct(s, n, i);
  if (v >= 0 && v != 0x22 && v != 0x5C) return 3; /* pct-encoded-unescaped */
  return 0;
}
static size_t abnf_search_phrase(const char *s, size_t n, size_t i) {
  size_t j = i, k, chars = 0;
  if (!(k = abnf_qmark(s, n, j))) return 0;
  j += k;
  while ((k = abnf_phrase_char(s, n, j)) != 0) {
    j += k;
    ++chars;
  }
  if (!chars || !(k = abnf_qmark(s, n, j))) return 0;
  return j + k - i;
}
static int abnf_keyword(const char *s, size_t n, size_t i, const char *kw) {
  size_t l = strlen(kw);
  return i + l <= n && memcmp(s + i, kw, l) == 0;
}
/* Length of the searchExpr at s[i] (0 if none); depth bounds recursion. */
static size_t abnf_search_expr_at(const char *s, size_t n, size_t i, int depth) {
  size_t j = i, k, r;
  if (depth > 200) return 0;
  if ((k = abnf_open(s, n, j)) != 0) { /* searchParenExpr */
    size_t e;
    j += k;
    j += abnf_rws(s, n, j);
    if (!(e = abnf_search_expr_at(s, n, j, depth + 1))) return 0;
    j += e;
    j += abnf_rws(s, n, j);
    if (!(k = abnf_close(s, n, j))) return 0;
    j += k;
  } else if (abnf_keyword(s, n, j, "NOT") && (r = abnf_rws(s, n, j + 3)) != 0 &&
             (k = abnf_search_expr_at(s, n, j + 3 + r, depth + 1)) != 0) {
    return j + 3 + r + k - i; /* searchNegateExpr takes the rest */
  } else if ((k = abnf_search_phrase(s, n, j)) != 0 || (k = abnf_search_word(s, n, j)) != 0) {
    j += k;
  } else {
    return 0;
  }
  /* [ searchOrExpr / searchAndExpr ] */
  if ((r = abnf_rws(s, n, j)) != 0) {
    size_t e;
    if (abnf_keyword(s, n, j + r, "OR")) {
      size_t r2 = abnf_rws(s, n, j + r + 2);
      if (r2 && (e = abnf_search_expr_at(s, n, j + r + 2 + r2, depth + 1)) != 0)
        return j + r + 2 + r2 + e - i;
    }
    if (abnf_keyword(s, n, j + r, "AND")) {
      size_t r2 = abnf_rws(s, n, j + r + 3);
      if (r2 && (e = abnf_search_expr_at(s, n, j + r + 3 + r2, depth + 1)) != 0)
        return j + r + 3 + r2 + e - i;
    }
    if ((e = abnf_search_expr_at(s, n, j + r, depth + 1)) != 0) return j + r + e - i;
  }
  return j - i;
}
/* The whole of s[0..n) is a search expression, in URL characters. */
static int abnf_search(const char *s, size_t n) {
  return n > 0 && abnf_url_chars(s, n) && abnf_search_expr_at(s, n, 0, 0) == n;
}

/* ---- $filter (and $orderby/$select/$expand): every string literal ---- */

/* Every quote in s[0..n) opens a string literal that matches the rule, and
 * the whole is in URL characters. Returns the number of literals seen, or
 * -1 on a malformed one. */
static int abnf_expr_strings(const char *s, size_t n) {
  size_t i = 0;
  int count = 0;
  if (!abnf_url_chars(s, n)) return -1;
  while (i < n) {
    if (abnf_squote(s, n, i)) {
      size_t l = abnf_string_at(s, n, i);
      if (!l) return -1;
      i += l;
      ++count;
    } else {
      ++i;
    }
  }
  return count;
}

/* ---- key and function parameter values ---- */

enum { ABNF_STRING = 1, ABNF_INT32 = 2, ABNF_BOOL = 3, ABNF_GUID = 4, ABNF_DATETIME = 5 };

static int abnf_digits(const char *s, size_t n, size_t i, size_t count) {
  size_t k;
  if (i + count > n) return 0;
  for (k = i; k < i + count; ++k)
    if (s[k] < '0' || s[k] > '9') return 0;
  return 1;
}
/* s with %3A -> ':' and %2B -> '+' decoded into buf (datetime only). */
static size_t abnf_decode_dt(const char *s, size_t n, char *buf, size_t cap) {
  size_t i, o = 0;
  for (i = 0; i < n && o + 1 < cap; ++i) {
    int v = abnf_pct(s, n, i);
    if (v == 0x3A || v == 0x2B) {
      buf[o++] = (char)v;
      i += 2;
    } else {
      buf[o++] = s[i];
    }
  }
  buf[o] = 0;
  return o;
}
/* dateTimeOffsetValue = year "-" month "-" day "T" timeOfDayValue
 *                       ( "Z" / SIGN hour ":" minute ) */
static int abnf_datetime(const char *raw, size_t rn) {
  char b[96];
  size_t n = abnf_decode_dt(raw, rn, b, sizeof b), i;
  if (!abnf_digits(b, n, 0, 4) || n < 17 || b[4] != '-' || !abnf_digits(b, n, 5, 2) || b[7] != '-' ||
      !abnf_digits(b, n, 8, 2) || (b[10] != 'T' && b[10] != 't') || !abnf_digits(b, n, 11, 2) ||
      b[13] != ':' || !abnf_digits(b, n, 14, 2))
    return 0;
  i = 16;
  if (i < n && b[i] == ':') {
    if (!abnf_digits(b, n, i + 1, 2)) return 0;
    i += 3;
    if (i < n && b[i] == '.') {
      size_t st = ++i;
      while (i < n && b[i] >= '0' && b[i] <= '9') ++i;
      if (i == st || i - st > 12) return 0;
    }
  }
  if (i < n && (b[i] == 'Z' || b[i] == 'z')) return i + 1 == n;
  return i + 6 == n && (b[i] == '+' || b[i] == '-') && abnf_digits(b, n, i + 1, 2) && b[i + 3] == ':' &&
         abnf_digits(b, n, i + 4, 2);
}
static int abnf_guid(const char *s, size_t n) {
  size_t i;
  if (n != 36) return 0;
  for (i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return 0;
    } else if (!abnf_hex(s[i])) {
      return 0;
    }
  }
  return 1;
}
static int abnf_int32(const char *s, size_t n) {
  size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return n > i && n - i <= 10 && abnf_digits(s, n, i, n - i);
}
/* A key or function parameter value of `type` (ABNF_*). null is accepted
 * only when !is_key && nullable. */
static int abnf_param_value(const char *s, size_t n, int type, int is_key, int nullable) {
  if (n == 4 && memcmp(s, "null", 4) == 0) return !is_key && nullable;
  switch (type) {
    case ABNF_STRING: return abnf_string(s, n);
    case ABNF_INT32: return abnf_int32(s, n);
    case ABNF_BOOL: return (n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5));
    case ABNF_GUID: return abnf_guid(s, n);
    case ABNF_DATETIME: return abnf_datetime(s, n);
    default: return 0;
  }
}

#endif
