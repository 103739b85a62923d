/* threecx: JSON output. A streaming re-indenter (no tree is built, so any
 * size prints in constant memory) with optional ANSI colours. */
#include <string.h>

#include "cli.h"

#define C_KEY "\033[34;1m"
#define C_STR "\033[32m"
#define C_NUM "\033[36m"
#define C_LIT "\033[33m"
#define C_NULL "\033[90m"
#define C_OFF "\033[0m"

static void newline(FILE *f, int level) {
  int i;
  fputc('\n', f);
  for (i = 0; i < level; ++i) fputs("  ", f);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t skip_blanks(const char *s, size_t n, size_t i) {
  while (i < n && is_blank(s[i])) ++i;
  return i;
}

void json_write(FILE *f, const char *s, size_t n, int pretty, int color, int indent) {
  size_t i = 0;
  int level = indent;
  while (i < n) {
    char c = s[i];
    if (is_blank(c)) {
      ++i;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1, k;
      int key;
      while (j < n && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
      if (j >= n) j = n - 1;
      k = skip_blanks(s, n, j + 1);
      key = k < n && s[k] == ':';
      if (color) fputs(key ? C_KEY : C_STR, f);
      fwrite(s + i, 1, j + 1 - i, f);
      if (color) fputs(C_OFF, f);
      i = j + 1;
    } else if (c == '{' || c == '[') {
      size_t k = skip_blanks(s, n, i + 1);
      if (k < n && (s[k] == '}' || s[k] == ']')) {
        fputc(c, f);
        fputc(s[k], f);
        i = k + 1;
        continue;
      }
      fputc(c, f);
      ++level;
      if (pretty) newline(f, level);
      ++i;
    } else if (c == '}' || c == ']') {
      if (level > indent) --level;
      if (pretty) newline(f, level);
      fputc(c, f);
      ++i;
    } else if (c == ',') {
      fputc(',', f);
      if (pretty) newline(f, level);
      ++i;
    } else if (c == ':') {
      fputs(pretty ? ": " : ":", f);
      ++i;
    } else {
      size_t j = i;
      while (j < n && !is_blank(s[j]) && !strchr(",:{}[]\"", s[j])) ++j;
      if (j == i) j = i + 1;
      if (color) fputs(c == 'n' ? C_NULL : (c == 't' || c == 'f') ? C_LIT : C_NUM, f);
      fwrite(s + i, 1, j - i, f);
      if (color) fputs(C_OFF, f);
      i = j;
    }
  }
}

void json_write_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

int json_looks_like(const char *s, size_t n) {
  size_t i = skip_blanks(s, n, 0);
  if (i >= n) return 0;
  return strchr("{[\"-0123456789tfn", s[i]) != NULL;
}
