/* threecx: request and response schemas (describe, schema), from the table
 * tools/gen/cli_gen.py generates from the XAPI specification. */
#include <string.h>
#include <strings.h>

#include "cli.h"

typedef struct {
  const char *name;
  const char *type;  /* "string", "int32", "date-time", "array of Pbx.X", "Pbx.X"... */
  int nullable;
  int required;
  const char *ref;   /* schema the type refers to, "" if none */
  const char *enums; /* "A|B|C" or "" */
} cli_field;

typedef struct {
  const char *name;
  const char *title;
  const char *enums; /* an enum schema's values */
  const cli_field *fields;
  unsigned nfields;
} cli_schema;

typedef struct {
  const char *op;
  const char *body;     /* schema name or "" */
  const char *response; /* schema name or "" */
} cli_op_schema;

#include "generated/schema_data.inc"

#define NSCHEMAS (sizeof SCHEMAS / sizeof SCHEMAS[0])
#define NOPS (sizeof OP_SCHEMAS / sizeof OP_SCHEMAS[0])

static const cli_schema *find_exact(const char *name) {
  size_t lo = 0, hi = NSCHEMAS;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(SCHEMAS[mid].name, name);
    if (c == 0) return &SCHEMAS[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static const cli_schema *find_any(const char *name) {
  const cli_schema *s = find_exact(name);
  size_t i;
  if (s) return s;
  for (i = 0; i < NSCHEMAS; ++i) {
    const char *n = SCHEMAS[i].name;
    if (strcasecmp(n, name) == 0) return &SCHEMAS[i];
    if (strncmp(n, "Pbx.", 4) == 0 && strcasecmp(n + 4, name) == 0) return &SCHEMAS[i];
  }
  return NULL;
}

static void print_fields(const cli_schema *s, int level, int depth, const char **stack, int nstack) {
  unsigned i;
  int k;
  for (i = 0; i < s->nfields; ++i) {
    const cli_field *f = &s->fields[i];
    const cli_schema *sub = f->ref[0] ? find_exact(f->ref) : NULL;
    char attrs[64] = "";
    int w = 28 - 2 * level;
    if (w < 8) w = 8;
    if (f->required) strcat(attrs, ", required");
    if (f->nullable) strcat(attrs, ", nullable");
    printf("%*s%-*s %s%s", 2 * level, "", w, f->name, f->type, attrs);
    if (f->enums[0]) printf(": %s", f->enums);
    putchar('\n');
    if (!sub || !sub->nfields || level >= depth) continue;
    for (k = 0; k < nstack; ++k)
      if (stack[k] == sub->name) break;
    if (k < nstack) {
      printf("%*s(%s: see above)\n", 2 * (level + 1), "", sub->name);
      continue;
    }
    if (nstack < 32) {
      stack[nstack] = sub->name;
      print_fields(sub, level + 1, depth, stack, nstack + 1);
    }
  }
}

static void print_schema(const char *label, const cli_schema *s, int depth) {
  const char *stack[33];
  printf("%s%s%s%s%s\n", label, s->name, s->title[0] ? " (" : "", s->title, s->title[0] ? ")" : "");
  if (s->enums[0]) printf("  enum: %s\n", s->enums);
  stack[0] = s->name;
  print_fields(s, 1, depth + 1, stack, 1);
  if (!s->enums[0] && !s->nfields) printf("  (no fields)\n");
}

void schema_describe_op(const char *id, int depth) {
  size_t i;
  for (i = 0; i < NOPS; ++i) {
    if (strcmp(OP_SCHEMAS[i].op, id) != 0) continue;
    if (OP_SCHEMAS[i].body[0] && find_exact(OP_SCHEMAS[i].body)) {
      putchar('\n');
      print_schema("Body: ", find_exact(OP_SCHEMAS[i].body), depth);
    }
    if (OP_SCHEMAS[i].response[0] && find_exact(OP_SCHEMAS[i].response)) {
      putchar('\n');
      print_schema("Response: ", find_exact(OP_SCHEMAS[i].response), depth);
    }
    return;
  }
}

void schema_list_names(void) {
  size_t i;
  for (i = 0; i < NSCHEMAS; ++i) puts(SCHEMAS[i].name);
}

int schema_command(const char *type, int depth) {
  const cli_schema *s;
  if (!type) {
    size_t i;
    for (i = 0; i < NSCHEMAS; ++i)
      printf("%-56s %s\n", SCHEMAS[i].name, SCHEMAS[i].enums[0] ? "enum" : SCHEMAS[i].title);
    return 0;
  }
  s = find_any(type);
  if (!s) {
    size_t i, best = (size_t)-1;
    const char *cand = NULL;
    usage_error("no schema '%s' (list them with: threecx schema)", type);
    for (i = 0; i < NSCHEMAS; ++i) {
      const char *n = SCHEMAS[i].name;
      size_t d = edit_distance(type, strncmp(n, "Pbx.", 4) == 0 && strncasecmp(type, "Pbx.", 4) ? n + 4 : n);
      if (d < best) best = d, cand = n;
    }
    if (cand && best <= 3) fprintf(stderr, "%s: did you mean %s?\n", g_prog, cand);
    return EXIT_USAGE;
  }
  print_schema("", s, depth);
  return 0;
}
