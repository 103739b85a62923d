/*
 * catalog_spec_test: walks every operation of the XAPI spec (argv[1], the
 * swagger.json) with its own small logic, independent of tools/gen, and
 * checks the run-time catalog against it: method, path, tag, parameters
 * (names, types, nullability, order), options, body, If-Match, response
 * kind, the typed function's name (and that it is exported). Also: the
 * count, sorted order, lookups of unknown ids, argument checks, and the
 * typed functions' refusals that happen before anything is sent.
 *
 *   catalog_spec_test spec/xapi-20.0.10.json
 *
 * Prints "N passed, N failed"; exits 1 on any failure.
 */
#define _GNU_SOURCE 1
#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "threecx/catalog.h"
#include "threecx/operations.h"

#include "check.h"

static cJSON *root;

/* "#/components/x/y" -> node; follows chains. */
static const cJSON *deref(const cJSON *node) {
  int hops = 0;
  while (node && cJSON_IsObject(node) && hops++ < 32) {
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
    char buf[512], *part, *save = NULL;
    const cJSON *cur = root;
    if (!cJSON_IsString(ref)) break;
    if (strncmp(ref->valuestring, "#/", 2) != 0 || strlen(ref->valuestring) >= sizeof buf) return NULL;
    strcpy(buf, ref->valuestring + 2);
    for (part = strtok_r(buf, "/", &save); part && cur; part = strtok_r(NULL, "/", &save))
      cur = cJSON_GetObjectItemCaseSensitive(cur, part);
    node = cur;
  }
  return node;
}

static const cJSON *get(const cJSON *o, const char *k) {
  return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}
static const char *str(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}
static int starts(const char *s, const char *p) { return s && strncmp(s, p, strlen(p)) == 0; }
static int ends(const char *s, const char *p) {
  size_t a = s ? strlen(s) : 0, b = strlen(p);
  return a >= b && strcmp(s + a - b, p) == 0;
}

/* The "value" property of a schema, looking into allOf members. */
static const cJSON *value_prop(const cJSON *schema, int depth, int *nprops) {
  const cJSON *m, *found = NULL;
  schema = deref(schema);
  if (!schema || depth > 8) return NULL;
  cJSON_ArrayForEach(m, get(schema, "allOf")) {
    const cJSON *v = value_prop(m, depth + 1, nprops);
    if (v) found = v;
  }
  if (get(schema, "properties")) {
    *nprops += cJSON_GetArraySize(get(schema, "properties"));
    if (get(get(schema, "properties"), "value")) found = get(get(schema, "properties"), "value");
  }
  return found;
}

static int is_iaction(const cJSON *schema) {
  const cJSON *all = get(schema, "allOf");
  if (ends(str(schema, "$ref"), "/Pbx.IActionResult")) return 1;
  return cJSON_GetArraySize(all) == 1 && ends(str(cJSON_GetArrayItem(all, 0), "$ref"), "/Pbx.IActionResult");
}

static int expected_kind(const char *id, const char *path, const cJSON *responses) {
  const cJSON *r = get(responses, "200"), *schema, *val;
  const char *fn = NULL, *p;
  int nprops = 0;
  if (!r) r = get(responses, "201");
  if (!r) return THREECX_RESPONSE_NONE; /* 204 only */
  schema = get(get(get(deref(r), "content"), "application/json"), "schema");
  if (!schema) return THREECX_RESPONSE_NONE;
  for (p = strstr(path, "Pbx."); p; p = strstr(p + 1, "Pbx.")) fn = p + 4;
  if (is_iaction(schema) || is_iaction(deref(schema)) || starts(id, "Download") || starts(id, "Export") ||
      starts(fn, "Download") || starts(fn, "Export"))
    return THREECX_RESPONSE_FILE;
  val = deref(value_prop(schema, 0, &nprops));
  if (val && strcmp(str(val, "type") ? str(val, "type") : "", "array") == 0) return THREECX_RESPONSE_COLLECTION;
  if (val && nprops == 1) return THREECX_RESPONSE_VALUE;
  return THREECX_RESPONSE_ENTITY;
}

/* The naming rule, written independently of the generator. */
static void expected_function(const char *id, char *out, size_t cap) {
  size_t n = 0, i, len = strlen(id);
  n += (size_t)snprintf(out, cap, "threecx_xapi_");
  for (i = 0; i < len && n + 2 < cap; ++i) {
    int up = isupper((unsigned char)id[i]);
    if (i > 0 && up) {
      int prev_low = islower((unsigned char)id[i - 1]) || isdigit((unsigned char)id[i - 1]);
      int run_end = isupper((unsigned char)id[i - 1]) && i + 1 < len && islower((unsigned char)id[i + 1]);
      if (prev_low || run_end) out[n++] = '_';
    }
    out[n++] = (char)tolower((unsigned char)id[i]);
  }
  out[n] = 0;
}

static int type_of(const cJSON *schema) {
  const char *t = str(schema, "type"), *f = str(schema, "format");
  if (!t) return 0;
  if (!strcmp(t, "integer")) return f && !strcmp(f, "int32") ? THREECX_TYPE_INT32 : 0;
  if (!strcmp(t, "boolean")) return THREECX_TYPE_BOOL;
  if (!strcmp(t, "string")) {
    if (!f) return THREECX_TYPE_STRING;
    if (!strcmp(f, "uuid")) return THREECX_TYPE_GUID;
    if (!strcmp(f, "date-time")) return THREECX_TYPE_DATETIME;
  }
  return 0;
}

static void check_operation(const char *path, const char *method, const cJSON *op) {
  const char *id = str(op, "operationId");
  const threecx_operation *e = NULL;
  const char *s = NULL;
  const cJSON *p;
  int32_t v = -1;
  size_t count = 0, slot = 0;
  int opts = 0, if_match = 0;
  char fname[256], up[16];
  const char *q;
  size_t i;

  for (i = 0; method[i] && i + 1 < sizeof up; ++i) up[i] = (char)toupper((unsigned char)method[i]);
  up[i] = 0;
  if (threecx_operation_find(id, &e) != THREECX_OK || !e) {
    CHECK(0, "%s: not in the catalog", id);
    return;
  }
  threecx_operation_id(e, &s);
  CHECK(s && !strcmp(s, id), "%s: id %s", id, s);
  threecx_operation_method(e, &s);
  CHECK(s && !strcmp(s, up), "%s: method %s, spec %s", id, s, up);
  threecx_operation_path(e, &s);
  CHECK(s && !strcmp(s, path), "%s: path %s, spec %s", id, s, path);
  threecx_operation_tag(e, &s);
  CHECK(s && !strcmp(s, cJSON_GetArrayItem(get(op, "tags"), 0)->valuestring), "%s: tag %s", id, s);
  threecx_operation_summary(e, &s);
  CHECK(s != NULL, "%s: summary NULL", id);
  expected_function(id, fname, sizeof fname);
  threecx_operation_function(e, &s);
  CHECK(s && !strcmp(s, fname), "%s: function %s, expected %s", id, s, fname);
  CHECK(s && dlsym(RTLD_DEFAULT, s) != NULL, "%s: function %s not exported", id, s);

  cJSON_ArrayForEach(p, get(op, "parameters")) {
    const cJSON *rp = deref(p);
    const char *in = str(rp, "in"), *name = str(rp, "name");
    if (!strcmp(in, "query")) {
      static const char *names[] = {"$top", "$skip", "$search", "$filter", "$count", "$orderby", "$select", "$expand"};
      for (i = 0; i < 8; ++i)
        if (!strcmp(name, names[i])) opts |= 1 << i;
    } else if (!strcmp(in, "header") && !strcmp(name, "If-Match")) {
      if_match = 1;
    }
  }
  threecx_operation_options(e, &v);
  CHECK(v == opts, "%s: options 0x%x, spec 0x%x", id, (unsigned)v, (unsigned)opts);
  threecx_operation_has_if_match(e, &v);
  CHECK(v == if_match, "%s: has_if_match %d", id, (int)v);
  threecx_operation_has_body(e, &v);
  CHECK(v == (get(op, "requestBody") != NULL), "%s: has_body %d", id, (int)v);
  threecx_operation_response_kind(e, &v);
  CHECK(v == expected_kind(id, path, get(op, "responses")), "%s: response kind %d, expected %d", id, (int)v,
        expected_kind(id, path, get(op, "responses")));

  /* Path parameters in path order: walk the {slots} of the template. */
  threecx_operation_param_count(e, &count);
  for (q = strchr(path, '{'); q; q = strchr(q + 1, '{')) {
    char name[128];
    const char *close = strchr(q, '}');
    const cJSON *decl = NULL;
    size_t len = close ? (size_t)(close - q - 1) : 0;
    int32_t t = 0, nl = -1;
    if (len >= sizeof name) len = sizeof name - 1;
    memcpy(name, q + 1, len);
    name[len] = 0;
    cJSON_ArrayForEach(p, get(op, "parameters")) {
      const cJSON *rp = deref(p);
      if (!strcmp(str(rp, "in"), "path") && !strcmp(str(rp, "name"), name)) decl = rp;
    }
    CHECK(decl != NULL, "%s: slot {%s} undeclared", id, name);
    if (!decl) continue;
    s = NULL;
    threecx_operation_param_name(e, slot, &s);
    CHECK(s && !strcmp(s, name), "%s: param %zu is %s, spec %s", id, slot, s, name);
    threecx_operation_param_type(e, slot, &t);
    CHECK(t == type_of(get(decl, "schema")) && t != 0, "%s: param %s type %d", id, name, (int)t);
    threecx_operation_param_nullable(e, slot, &nl);
    {
      /* a key (in the parentheses of a segment without '.', the operation
       * not being a function import) is never nullable, whatever the spec */
      const char *open = q, *seg;
      const char *kind = str(op, "x-ms-docs-operation-type");
      int is_key;
      while (open > path && *open != '(') --open;
      seg = open;
      while (seg > path && *seg != '/') --seg;
      is_key = *open == '(' && !memchr(seg, '.', (size_t)(open - seg)) && !(kind && !strcmp(kind, "functionImport"));
      CHECK(nl == (cJSON_IsTrue(get(get(decl, "schema"), "nullable")) && !is_key), "%s: param %s nullable %d", id,
            name, (int)nl);
    }
    ++slot;
  }
  CHECK(count == slot, "%s: %zu params, spec %zu", id, count, slot);
}

static void check_api(void) {
  size_t n = 0, i;
  const threecx_operation *op = (const threecx_operation *)&n, *prev = NULL;
  const char *s = "x";
  int32_t v = 7;

  CHECK(threecx_operation_count(&n) == THREECX_OK && n == 601, "count %zu", n);
  for (i = 0; i < n; ++i) {
    const char *a = NULL, *b = NULL;
    CHECK(threecx_operation_at(i, &op) == THREECX_OK && op, "at(%zu)", i);
    if (prev) {
      threecx_operation_id(prev, &a);
      threecx_operation_id(op, &b);
      CHECK(a && b && strcmp(a, b) < 0, "order: %s before %s", a, b);
    }
    prev = op;
  }
  op = prev;
  CHECK(threecx_operation_at(n, &op) == THREECX_E_INVALID_ARGUMENT && op == NULL, "at(count)");
  CHECK(threecx_last_error()[0] != 0, "at(count) message");
  CHECK(threecx_operation_find("NoSuchOperation", &op) == THREECX_E_NOT_FOUND && op == NULL, "unknown id");
  CHECK(threecx_operation_find("listuser", &op) == THREECX_E_NOT_FOUND, "exact case");
  CHECK(threecx_operation_find(NULL, &op) == THREECX_E_INVALID_ARGUMENT, "find(NULL)");
  CHECK(threecx_operation_find("ListUser", NULL) == THREECX_E_INVALID_ARGUMENT, "find(.., NULL)");
  CHECK(threecx_operation_count(NULL) == THREECX_E_INVALID_ARGUMENT, "count(NULL)");
  CHECK(threecx_operation_at(0, NULL) == THREECX_E_INVALID_ARGUMENT, "at(0, NULL)");
  CHECK(threecx_operation_id(NULL, &s) == THREECX_E_INVALID_ARGUMENT && s == NULL, "id(NULL)");
  CHECK(threecx_operation_method(NULL, &s) == THREECX_E_INVALID_ARGUMENT, "method(NULL)");
  CHECK(threecx_operation_path(NULL, &s) == THREECX_E_INVALID_ARGUMENT, "path(NULL)");
  CHECK(threecx_operation_tag(NULL, &s) == THREECX_E_INVALID_ARGUMENT, "tag(NULL)");
  CHECK(threecx_operation_summary(NULL, &s) == THREECX_E_INVALID_ARGUMENT, "summary(NULL)");
  CHECK(threecx_operation_function(NULL, &s) == THREECX_E_INVALID_ARGUMENT, "function(NULL)");
  CHECK(threecx_operation_options(NULL, &v) == THREECX_E_INVALID_ARGUMENT && v == 0, "options(NULL)");
  CHECK(threecx_operation_has_body(NULL, &v) == THREECX_E_INVALID_ARGUMENT, "has_body(NULL)");
  CHECK(threecx_operation_has_if_match(NULL, &v) == THREECX_E_INVALID_ARGUMENT, "has_if_match(NULL)");
  CHECK(threecx_operation_response_kind(NULL, &v) == THREECX_E_INVALID_ARGUMENT, "response_kind(NULL)");
  CHECK(threecx_operation_param_count(NULL, &n) == THREECX_E_INVALID_ARGUMENT && n == 0, "param_count(NULL)");
  CHECK(threecx_operation_find("GetUser", &op) == THREECX_OK, "GetUser");
  CHECK(threecx_operation_id(op, NULL) == THREECX_E_INVALID_ARGUMENT, "id(op, NULL)");
  CHECK(threecx_operation_response_kind(op, NULL) == THREECX_E_INVALID_ARGUMENT, "kind(op, NULL)");
  CHECK(threecx_operation_param_name(op, 1, &s) == THREECX_E_INVALID_ARGUMENT && s == NULL, "param_name(1)");
  CHECK(threecx_operation_param_type(op, 1, &v) == THREECX_E_INVALID_ARGUMENT && v == 0, "param_type(1)");
  CHECK(threecx_operation_param_nullable(op, 9, &v) == THREECX_E_INVALID_ARGUMENT, "param_nullable(9)");
  CHECK(threecx_operation_param_name(op, 0, NULL) == THREECX_E_INVALID_ARGUMENT, "param_name(0, NULL)");
  CHECK(threecx_operation_param_name(NULL, 0, &s) == THREECX_E_INVALID_ARGUMENT, "param_name(NULL)");
  CHECK(threecx_operation_param_name(op, 0, &s) == THREECX_OK && s && !strcmp(s, "Id"), "GetUser Id");
  CHECK(strcmp(threecx_xapi_version(), "20.0.10") == 0, "xapi version %s", threecx_xapi_version());
  CHECK(strcmp(threecx_xapi_version(), THREECX_XAPI_OPERATIONS_VERSION) == 0, "header version");
}

/* Refusals of the typed functions that happen before any traffic (the
 * client points at a closed port, so a send would fail with NETWORK). */
static void check_typed(void) {
  threecx_client *c = NULL;
  threecx_response *r = (threecx_response *)&c;
  CHECK(threecx_client_new("127.0.0.1:9", "id", "key", &c) == THREECX_OK, "client_new");
  if (!c) return;
  CHECK(threecx_xapi_get_user(c, 1, NULL, NULL) == THREECX_E_INVALID_ARGUMENT, "out NULL");
  CHECK(threecx_xapi_get_user(NULL, 1, NULL, &r) == THREECX_E_INVALID_ARGUMENT && r == NULL, "client NULL");
  r = (threecx_response *)&c;
  CHECK(threecx_xapi_update_user(c, 1, NULL, &r) == THREECX_E_INVALID_ARGUMENT && r == NULL, "required body");
  CHECK(strstr(threecx_last_error(), "body_json") != NULL, "body message: %s", threecx_last_error());
  /* GetLogs: startDate date-time (not nullable), extension nullable. */
  CHECK(threecx_xapi_get_logs(c, NULL, "2024-01-01T00:00:00Z", NULL, NULL, NULL, NULL, &r) ==
            THREECX_E_INVALID_ARGUMENT,
        "non-nullable NULL");
  CHECK(strstr(threecx_last_error(), "startDate") != NULL, "param message: %s", threecx_last_error());
  CHECK(threecx_xapi_get_logs(c, "yesterday", "2024-01-01T00:00:00Z", NULL, NULL, NULL, NULL, &r) ==
            THREECX_E_INVALID_ARGUMENT,
        "bad date-time");
  {
    threecx_query *q = NULL;
    threecx_query_new(&q);
    threecx_query_set_top(q, 5);
    CHECK(threecx_xapi_get_user(c, 1, q, &r) == THREECX_E_UNSUPPORTED, "top on GetUser: %s",
          threecx_last_error());
    threecx_query_free(q);
  }
  threecx_client_free(c);
}

int main(int argc, char **argv) {
  FILE *f;
  long len;
  char *text;
  const cJSON *path;
  int ops = 0, ops_ok = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: %s swagger.json\n", argv[0]);
    return 2;
  }
  f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char *)malloc((size_t)len + 1);
  if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) return 2;
  text[len] = 0;
  fclose(f);
  root = cJSON_Parse(text);
  free(text);
  if (!root) {
    fprintf(stderr, "%s: not JSON\n", argv[1]);
    return 2;
  }

  cJSON_ArrayForEach(path, get(root, "paths")) {
    static const char *methods[] = {"get", "post", "put", "patch", "delete"};
    size_t m;
    for (m = 0; m < 5; ++m) {
      const cJSON *op = get(path, methods[m]);
      if (!op) continue;
      int failed_before = failed;
      ++ops;
      check_operation(path->string, methods[m], op);
      if (failed == failed_before) ++ops_ok;
    }
  }
  printf("%d of %d catalog entries match the specification\n", ops_ok, ops);
  CHECK(ops == 601, "spec has %d operations", ops);
  check_api();
  check_typed();
  cJSON_Delete(root);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
