/*
 * sim_spec_test: EVERY operation of the catalog sent to a threecx-sim driven
 * by the spec (--spec), with valid generated arguments and, where the
 * operation takes one, a schema-shaped JSON body built here from the spec.
 * Checks per operation:
 *   - no 404, 405 or 5xx;
 *   - the status is the success status the spec declares (200/201/204);
 *   - the body validates against the declared response schema (a small
 *     JSON-schema checker over cJSON below: type, properties, required,
 *     enum, nullable, items, $ref, allOf/oneOf/anyOf, format date-time and
 *     uuid); files must come with Content-Disposition and bytes.
 *
 *   sim_spec_test SWAGGER_JSON
 *
 * Keys of existing entities are taken from the sets' lists (GET /Set), so
 * reads, updates, deletes, navigations and bound operations address real
 * entities. Operations run GET first, then POST, PATCH and DELETE last.
 * Prints how many operations answered with schema-valid bodies and
 * "N passed, N failed"; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cJSON.h>

#include "simproc.h"
#include "threecx/catalog.h"

#include "check.h"

static cJSON *g_spec;
static const cJSON *g_schemas;
static unsigned g_counter;

static const cJSON *get(const cJSON *o, const char *k) { return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL; }
static const char *gstr(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Follows $ref (schemas and responses). */
static const cJSON *deref(const cJSON *s) {
  int guard;
  for (guard = 0; s && guard < 32; ++guard) {
    const char *r = gstr(s, "$ref");
    if (!r) return s;
    if (strncmp(r, "#/components/schemas/", 21) == 0) s = get(g_schemas, r + 21);
    else if (strncmp(r, "#/components/responses/", 23) == 0)
      s = get(get(get(g_spec, "components"), "responses"), r + 23);
    else return NULL;
  }
  return s;
}

/* ---- the JSON-schema checker ---- */
static char g_why[512];

static int is_date_time(const char *s) {
  /* YYYY-MM-DDThh:mm:ss[.f+](Z|+hh:mm|-hh:mm) */
  size_t i, n = strlen(s);
  static const char pat[] = "dddd-dd-ddTdd:dd:dd";
  if (n < 20) return 0;
  for (i = 0; i < 19; ++i)
    if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i]) return 0;
  if (s[i] == '.') {
    ++i;
    if (!isdigit((unsigned char)s[i])) return 0;
    while (isdigit((unsigned char)s[i])) ++i;
  }
  if (s[i] == 'Z') return s[i + 1] == 0;
  if (s[i] != '+' && s[i] != '-') return 0;
  return strlen(s + i) == 6 && isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
         s[i + 3] == ':' && isdigit((unsigned char)s[i + 4]) && isdigit((unsigned char)s[i + 5]);
}

static int is_uuid(const char *s) {
  size_t i;
  if (strlen(s) != 36) return 0;
  for (i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return 0;
    } else if (!isxdigit((unsigned char)s[i])) {
      return 0;
    }
  }
  return 1;
}

static int in_enum(const cJSON *en, const cJSON *v, int flags) {
  const cJSON *e;
  if (!cJSON_IsString(v)) {
    cJSON_ArrayForEach(e, en) if (cJSON_Compare(e, v, 1)) return 1;
    return 0;
  }
  if (flags && strchr(v->valuestring, ',')) { /* "A, B" for flag enums */
    char *copy = strdup(v->valuestring), *save = NULL, *part;
    int ok = 1;
    for (part = strtok_r(copy, ",", &save); part && ok; part = strtok_r(NULL, ",", &save)) {
      cJSON *one;
      while (*part == ' ') ++part;
      one = cJSON_CreateString(part);
      ok = in_enum(en, one, 0);
      cJSON_Delete(one);
    }
    free(copy);
    return ok;
  }
  cJSON_ArrayForEach(e, en) if (cJSON_IsString(e) && strcmp(e->valuestring, v->valuestring) == 0) return 1;
  return 0;
}

/* Whether `name` is a property declared by s (through $ref and allOf). */
static int declares(const cJSON *s, const char *name, int depth) {
  const cJSON *x;
  s = deref(s);
  if (!s || depth > 20) return 0;
  if (get(get(s, "properties"), name)) return 1;
  cJSON_ArrayForEach(x, get(s, "allOf")) if (declares(x, name, depth + 1)) return 1;
  return 0;
}
static int has_properties(const cJSON *s, int depth) {
  const cJSON *x;
  s = deref(s);
  if (!s || depth > 20) return 0;
  if (get(s, "properties")) return 1;
  cJSON_ArrayForEach(x, get(s, "allOf")) if (has_properties(x, depth + 1)) return 1;
  return 0;
}

static int validate_loose(const cJSON *s, const cJSON *v, const char *where, int depth);

/* Strict: an object whose schema declares properties may carry only those
 * (and @odata annotations). */
static int validate(const cJSON *s, const cJSON *v, const char *where, int depth) {
  const cJSON *x;
  if (!validate_loose(s, v, where, depth)) return 0;
  if (cJSON_IsObject(v) && s && !get(s, "oneOf") && !get(s, "anyOf") && has_properties(s, 0)) {
    cJSON_ArrayForEach(x, v) {
      if (x->string[0] == '@' || declares(s, x->string, 0)) continue;
      snprintf(g_why, sizeof g_why, "%s: property %s is not declared by the schema", where, x->string);
      return 0;
    }
  }
  return 1;
}

static int validate_loose(const cJSON *s, const cJSON *v, const char *where, int depth) {
  const cJSON *x, *all, *alt, *en;
  const char *type, *format;
  if (!s || depth > 40) return 1;
  if (cJSON_IsTrue(get(s, "nullable")) && cJSON_IsNull(v)) return 1;
  if (gstr(s, "$ref")) {
    const cJSON *t = deref(s);
    if (!t) {
      snprintf(g_why, sizeof g_why, "%s: unresolved $ref %s", where, gstr(s, "$ref"));
      return 0;
    }
    return validate_loose(t, v, where, depth + 1);
  }
  all = get(s, "allOf");
  /* each part alone: the undeclared-property check needs the whole schema */
  cJSON_ArrayForEach(x, all) if (!validate_loose(x, v, where, depth + 1)) return 0;
  alt = get(s, "oneOf");
  if (!alt) alt = get(s, "anyOf");
  if (cJSON_GetArraySize(alt) > 0) {
    int any = 0;
    cJSON_ArrayForEach(x, alt) any = any || validate(x, v, where, depth + 1);
    if (!any) {
      snprintf(g_why, sizeof g_why, "%s: matches no alternative", where);
      return 0;
    }
  }
  en = get(s, "enum");
  if (cJSON_GetArraySize(en) > 0 && !in_enum(en, v, get(s, "x-ms-enum-flags") != NULL)) {
    char *t = cJSON_PrintUnformatted(v);
    snprintf(g_why, sizeof g_why, "%s: %s is not in the enum", where, t ? t : "?");
    cJSON_free(t);
    return 0;
  }
  type = gstr(s, "type");
  format = gstr(s, "format");
  if (!type && (get(s, "properties") || get(s, "required"))) type = "object";
  if (!type) return 1;
  if (cJSON_IsNull(v)) {
    snprintf(g_why, sizeof g_why, "%s: null, but not nullable", where);
    return 0;
  }
  if (strcmp(type, "string") == 0) {
    if (!cJSON_IsString(v)) goto wrong;
    if (format && strcmp(format, "date-time") == 0 && !is_date_time(v->valuestring)) {
      snprintf(g_why, sizeof g_why, "%s: \"%s\" is not a date-time", where, v->valuestring);
      return 0;
    }
    if (format && strcmp(format, "uuid") == 0 && !is_uuid(v->valuestring)) {
      snprintf(g_why, sizeof g_why, "%s: \"%s\" is not a uuid", where, v->valuestring);
      return 0;
    }
    return 1;
  }
  if (strcmp(type, "integer") == 0) {
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble) goto wrong;
    if (format && strcmp(format, "int32") == 0 && (v->valuedouble < -2147483648.0 || v->valuedouble > 2147483647.0))
      goto wrong;
    return 1;
  }
  if (strcmp(type, "number") == 0) return cJSON_IsNumber(v) ? 1 : (snprintf(g_why, sizeof g_why, "%s: not a number", where), 0);
  if (strcmp(type, "boolean") == 0) {
    if (!cJSON_IsBool(v)) goto wrong;
    return 1;
  }
  if (strcmp(type, "array") == 0) {
    int i = 0;
    if (!cJSON_IsArray(v)) goto wrong;
    cJSON_ArrayForEach(x, v) {
      char w[256];
      snprintf(w, sizeof w, "%.200s[%d]", where, i++);
      if (!validate(get(s, "items"), x, w, depth + 1)) return 0;
    }
    return 1;
  }
  if (strcmp(type, "object") == 0) {
    const cJSON *props = get(s, "properties");
    if (!cJSON_IsObject(v)) goto wrong;
    cJSON_ArrayForEach(x, get(s, "required")) {
      if (cJSON_IsString(x) && !get(v, x->valuestring)) {
        snprintf(g_why, sizeof g_why, "%s: required property %s is missing", where, x->valuestring);
        return 0;
      }
    }
    cJSON_ArrayForEach(x, v) {
      const cJSON *ps = get(props, x->string);
      char w[256];
      if (!ps) continue; /* annotations, properties of other allOf parts */
      snprintf(w, sizeof w, "%.200s.%s", where, x->string);
      if (!validate(ps, x, w, depth + 1)) return 0;
    }
    return 1;
  }
  return 1;
wrong : {
  char *t = cJSON_PrintUnformatted(v);
  snprintf(g_why, sizeof g_why, "%s: %.80s is not of type %s", where, t ? t : "?", type);
  cJSON_free(t);
  return 0;
}
}

/* ---- schema-shaped request bodies ---- */
static cJSON *generate(const cJSON *s, int depth);

static void add_props(cJSON *o, const cJSON *s, int depth) {
  const cJSON *x;
  s = deref(s);
  if (!s) return;
  cJSON_ArrayForEach(x, get(s, "allOf")) add_props(o, x, depth);
  cJSON_ArrayForEach(x, get(s, "properties")) {
    if (x->string[0] == '@' || get(x, "x-ms-navigationProperty") || get(o, x->string)) continue;
    cJSON_AddItemToObject(o, x->string, generate(x, depth + 1));
  }
}

static cJSON *generate(const cJSON *s, int depth) {
  const char *type, *format;
  const cJSON *alt;
  char b[64];
  s = deref(s);
  if (!s) return cJSON_CreateNull();
  if (cJSON_GetArraySize(get(s, "enum")) > 0) return cJSON_Duplicate(cJSON_GetArrayItem(get(s, "enum"), 0), 1);
  if (cJSON_GetArraySize(get(s, "allOf")) == 1 && !get(s, "properties")) return generate(get(s, "allOf")->child, depth);
  alt = get(s, "oneOf");
  if (cJSON_GetArraySize(alt) > 0) return generate(alt->child, depth);
  type = gstr(s, "type");
  format = gstr(s, "format");
  if (!type && (get(s, "properties") || get(s, "allOf"))) type = "object";
  if (!type) return cJSON_CreateNull();
  if (strcmp(type, "string") == 0) {
    if (format && strcmp(format, "date-time") == 0) return cJSON_CreateString("2026-03-04T05:06:07Z");
    if (format && strcmp(format, "uuid") == 0) return cJSON_CreateString("0f8fad5b-d9cb-469f-a165-70867728950e");
    if (format && strcmp(format, "time") == 0) return cJSON_CreateString("08:30:00");
    if (format && strcmp(format, "duration") == 0) return cJSON_CreateString("PT5M");
    snprintf(b, sizeof b, "gen-%u", ++g_counter);
    return cJSON_CreateString(b);
  }
  if (strcmp(type, "integer") == 0) return cJSON_CreateNumber(1);
  if (strcmp(type, "number") == 0) return cJSON_CreateNumber(1.5);
  if (strcmp(type, "boolean") == 0) return cJSON_CreateTrue();
  if (strcmp(type, "array") == 0) {
    cJSON *a = cJSON_CreateArray();
    if (depth < 3) cJSON_AddItemToArray(a, generate(get(s, "items"), depth + 1));
    return a;
  }
  if (strcmp(type, "object") == 0) {
    cJSON *o = cJSON_CreateObject();
    if (depth < 4) add_props(o, s, depth);
    return o;
  }
  return cJSON_CreateNull();
}

/* ---- helpers ---- */
static int method_rank(const char *m) {
  if (strcmp(m, "GET") == 0) return 0;
  if (strcmp(m, "POST") == 0) return 1;
  if (strcmp(m, "PATCH") == 0) return 2;
  return 3;
}

static const cJSON *spec_op(const char *path, const char *method) {
  char m[16];
  size_t i;
  for (i = 0; method[i] && i + 1 < sizeof m; ++i) m[i] = (char)tolower((unsigned char)method[i]);
  m[i] = 0;
  return get(get(get(g_spec, "paths"), path), m);
}

/* The first entity of the list /Set, or NULL (caller frees). */
static cJSON *first_entity(threecx_client *c, const char *set) {
  char path[256];
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  char *body = NULL;
  cJSON *json, *first = NULL;
  snprintf(path, sizeof path, "/%s", set);
  if (!get(get(get(g_spec, "paths"), path), "get")) return NULL;
  if (threecx_request_new(c, "GET", path, &r) != THREECX_OK) return NULL;
  if (threecx_request_send(r, &resp) == THREECX_OK && threecx_response_body(resp, &body) == THREECX_OK) {
    json = cJSON_Parse(body);
    if (cJSON_GetArraySize(get(json, "value")) > 0) first = cJSON_DetachItemFromArray((cJSON *)get(json, "value"), 0);
    cJSON_Delete(json);
  }
  threecx_free(body);
  threecx_response_free(resp);
  threecx_request_free(r);
  return first;
}

/* The success response of a spec operation: status and schema. */
static int declared(const cJSON *op, const cJSON **schema) {
  const cJSON *r;
  *schema = NULL;
  cJSON_ArrayForEach(r, get(op, "responses")) {
    if (strcmp(r->string, "default") == 0) continue;
    *schema = get(get(get(deref(r), "content"), "application/json"), "schema");
    return atoi(r->string);
  }
  return 0;
}

struct entry {
  size_t index;
  int rank;
};
static int by_rank(const void *a, const void *b) {
  const struct entry *x = (const struct entry *)a, *y = (const struct entry *)b;
  if (x->rank != y->rank) return x->rank - y->rank;
  return x->index < y->index ? -1 : x->index > y->index;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  long n;
  char *p;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  p = (char *)malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  if (p) p[n] = 0;
  fclose(f);
  return p;
}

static int raw_select(threecx_client *c, const char *method, const char *path, const char *select, const char *body,
                      char **out);

/* One raw request; returns the status (-1 on transport errors), *out (may be
 * NULL) the body (free with threecx_free). */
static int raw(threecx_client *c, const char *method, const char *path, const char *body, char **out) {
  return raw_select(c, method, path, NULL, body, out);
}

static int raw_select(threecx_client *c, const char *method, const char *path, const char *select, const char *body,
                      char **out) {
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  int32_t status = -1;
  int rc;
  if (out) *out = NULL;
  if (threecx_request_new(c, method, path, &r) != THREECX_OK) return -1;
  if (body) threecx_request_set_body(r, body);
  if (select) {
    threecx_query *q = NULL;
    threecx_query_new(&q);
    threecx_query_set_select(q, select);
    threecx_request_set_query(r, q);
    threecx_query_free(q);
  }
  rc = threecx_request_send(r, &resp);
  if (rc == THREECX_OK || rc == THREECX_E_HTTP) {
    threecx_response_status(resp, &status);
    if (out) threecx_response_body(resp, out);
  }
  threecx_response_free(resp);
  threecx_request_free(r);
  return status;
}

/* Errors: bad literals, unknown paths, wrong methods, missing bodies. */
static void check_errors(threecx_client *c) {
  char *b = NULL;
  int st;
  size_t count = 0, k;
  st = raw(c, "GET", "/Users(abc)", NULL, &b);
  CHECK(st == 400 && b && strstr(b, "'Id'") && strstr(b, "\"error\""), "Users(abc): %d %s", st, b ? b : "");
  threecx_free(b);
  st = raw(c, "GET", "/ActivityLog/Pbx.GetLogs(startDate=%27x%27,endDate=2026-01-02T00%3A00%3A00Z,extension=null,"
                     "call=null,severity=null)", NULL, &b);
  CHECK(st == 400 && b && strstr(b, "startDate"), "GetLogs with a string date: %d %s", st, b ? b : "");
  threecx_free(b);
  st = raw(c, "GET", "/NoSuchSet", NULL, &b);
  CHECK(st == 404 && b && strstr(b, "\"error\""), "NoSuchSet: %d %s", st, b ? b : "");
  threecx_free(b);
  st = raw(c, "DELETE", "/Users", NULL, &b);
  CHECK(st == 405, "DELETE /Users: %d %s", st, b ? b : "");
  threecx_free(b);
  st = raw_select(c, "GET", "/Users(Number=%27100%27)", "Number", NULL, &b);
  CHECK(st == 200 && b && strstr(b, "\"100\""), "Users(Number='100'): %d %s", st, b ? b : "");
  threecx_free(b);
  /* $filter is type-checked against the schema: 400 with ASP.NET OData's words */
  {
    static const struct {
      const char *path, *filter, *says; /* says NULL: must be accepted (200) */
    } filters[] = {
        {"/SecurityTokens", "Id eq '1'", "incompatible types"},
        {"/SecurityTokens", "Username eq 5", "Found operand types 'Edm.String' and 'Edm.Int32'"},
        {"/SecurityTokens", "RotateOnRefresh eq 'yes'", "'Edm.Boolean' and 'Edm.String'"},
        {"/SecurityTokens", "Id in (1,'x')", "operator kind 'In'"},
        {"/SecurityTokens", "LoginType eq 'Bogus'", "'Bogus' is not a valid enumeration type constant"},
        {"/SecurityTokens", "Expires gt 'tomorrow'", "DateTimeOffset"},
        {"/SecurityTokens", "contains(Id,'1')", "No function signature for the function with name 'contains'"},
        {"/Users", "TranscriptionMode eq 'Nope'", "Pbx.TranscriptionType"},
        {"/SecurityTokens", "LoginType eq 'Support' and Id gt 0", NULL},
        {"/SecurityTokens", "Expires gt 2026-01-01T00:00:00Z and Username ne null", NULL},
        {"/SecurityTokens", "Client/Persistent eq true", NULL},
        {"/Users", "contains(tolower(FirstName),'a') and Number in ('100','101')", NULL},
    };
    size_t i;
    for (i = 0; i < sizeof filters / sizeof filters[0]; ++i) {
      threecx_request *r = NULL;
      threecx_response *resp = NULL;
      threecx_query *q = NULL;
      int32_t status = 0;
      threecx_request_new(c, "GET", filters[i].path, &r);
      threecx_query_new(&q);
      threecx_query_set_filter(q, filters[i].filter);
      threecx_request_set_query(r, q);
      threecx_request_send(r, &resp);
      threecx_response_status(resp, &status);
      b = NULL;
      threecx_response_body(resp, &b);
      if (filters[i].says)
        CHECK(status == 400 && b && strstr(b, filters[i].says), "$filter=%s on %s: %d %s", filters[i].filter,
              filters[i].path, status, b ? b : "");
      else
        CHECK(status == 200, "$filter=%s on %s is valid: %d %s", filters[i].filter, filters[i].path, status,
              b ? b : "");
      threecx_free(b);
      threecx_response_free(resp);
      threecx_query_free(q);
      threecx_request_free(r);
    }
  }
  /* bodies are checked against the operation's schema */
  {
    static const struct {
      const char *method, *path, *body, *says;
    } bad[] = {
        {"POST", "/Users", "{\"Number\":\"160\",\"FirstName\":5}", "'FirstName' must be a string, not a number"},
        {"POST", "/Users", "{\"Number\":\"161\",\"Groups\":[{\"GroupId\":\"x\"}]}",
         "'Groups[0].GroupId' must be an integer (int32), not a string"},
        {"POST", "/Users", "{\"Number\":\"162\",\"Nope\":1}", "the property 'Nope' does not exist"},
        {"PATCH", "/Users(1)", "{\"TranscriptionMode\":\"Sometimes\"}", "'Sometimes' is not a member"},
        {"PATCH", "/Users(1)", "{\"Enabled\":\"yes\"}", "'Enabled' must be a boolean, not a string"},
        {"PATCH", "/Groups(1)", "{\"OverrideExpiresAt\":\"yesterday\"}", "'OverrideExpiresAt' is not a valid"},
        {"POST", "/AISettings/Pbx.CreateVectorStore", "{\"modle\":{}}", "the property 'modle' does not exist"},
        {"POST", "/AISettings/Pbx.CreateVectorStore", "{\"model\":{\"Name\":7}}", "'model.Name' must be a string"},
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
      st = raw(c, bad[i].method, bad[i].path, bad[i].body, &b);
      CHECK(st == 400 && b && strstr(b, bad[i].says), "%s %s %s: %d %s", bad[i].method, bad[i].path, bad[i].body, st,
            b ? b : "");
      threecx_free(b);
    }
    st = raw(c, "PATCH", "/Users(1)", "{\"TranscriptionMode\":\"Both\",\"Enabled\":true,\"FirstName\":null}", &b);
    CHECK(st == 204, "a well-typed PATCH (nullable string set to null): %d %s", st, b ? b : "");
    threecx_free(b);
  }
  /* an action that requires a body, sent without one */
  threecx_operation_count(&count);
  for (k = 0; k < count; ++k) {
    const threecx_operation *op = NULL;
    const char *m = NULL, *path = NULL, *id = NULL;
    int32_t has_body = 0;
    const cJSON *sop;
    threecx_operation_at(k, &op);
    threecx_operation_method(op, &m);
    threecx_operation_path(op, &path);
    threecx_operation_id(op, &id);
    threecx_operation_has_body(op, &has_body);
    sop = spec_op(path, m);
    if (strcmp(m, "POST") || !has_body || strchr(path, '{') || !strstr(path, "/Pbx.") ||
        !cJSON_IsTrue(get(get(sop, "requestBody"), "required")))
      continue;
    st = raw(c, "POST", path, NULL, &b);
    CHECK(st == 400, "%s without its body: %d %s", id, st, b ? b : "");
    threecx_free(b);
    break;
  }
}

/* A GET with optional $select, $expand, $filter, parsed as JSON (NULL
 * unless 200). */
static cJSON *get_json(threecx_client *c, const char *path, const char *select, const char *expand,
                       const char *filter) {
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  threecx_query *q = NULL;
  int32_t status = 0;
  char *b = NULL;
  cJSON *j = NULL;
  if (threecx_request_new(c, "GET", path, &r) != THREECX_OK) return NULL;
  threecx_query_new(&q);
  if (select) threecx_query_set_select(q, select);
  if (expand) threecx_query_set_expand(q, expand);
  if (filter) threecx_query_set_filter(q, filter);
  threecx_request_set_query(r, q);
  threecx_query_free(q);
  if (threecx_request_send(r, &resp) == THREECX_OK && threecx_response_status(resp, &status) == THREECX_OK &&
      status == 200 && threecx_response_body(resp, &b) == THREECX_OK)
    j = cJSON_Parse(b);
  threecx_free(b);
  threecx_response_free(resp);
  threecx_request_free(r);
  return j;
}

/* The members of group `gid` (from Groups(gid)/Members) with this Number. */
static int member_count(threecx_client *c, double gid, const char *number) {
  char path[64], filter[64];
  cJSON *j;
  int n;
  snprintf(path, sizeof path, "/Groups(%.0f)/Members", gid);
  snprintf(filter, sizeof filter, "Number eq '%s'", number);
  j = get_json(c, path, NULL, NULL, filter);
  n = j ? cJSON_GetArraySize(get(j, "value")) : -1;
  cJSON_Delete(j);
  return n;
}

/* Navigations agree with the sets they point into: every user's groups
 * exist and list the user among their Members (both ways), the navigation
 * route answers what $expand shows, and membership follows PATCH Groups
 * (Members), a new user, and a deleted group. */
static void check_relations(threecx_client *c) {
  cJSON *users = get_json(c, "/Users", "Id,Number", "Groups($select=GroupId)", NULL);
  cJSON *groups = get_json(c, "/Groups", "Id,Name", "Members($select=Number)", NULL);
  const cJSON *u, *g, *m;
  int pairs = 0, user_members = 0, st;
  double gid_other = -1, gid_last = -1;
  char *b = NULL;
  CHECK(users && groups, "Users and Groups with $expand");
  if (!users || !groups) goto out;
  cJSON_ArrayForEach(u, get(users, "value")) {
    const char *number = gstr(u, "Number");
    CHECK(number && cJSON_GetArraySize(get(u, "Groups")) == 1, "user %s is in one group", number ? number : "?");
    cJSON_ArrayForEach(m, get(u, "Groups")) {
      const cJSON *gid = get(m, "GroupId");
      int found = 0, listed = 0;
      cJSON_ArrayForEach(g, get(groups, "value")) {
        const cJSON *mm;
        if (!cJSON_IsNumber(gid) || !cJSON_IsNumber(get(g, "Id")) || get(g, "Id")->valuedouble != gid->valuedouble)
          continue;
        found = 1;
        cJSON_ArrayForEach(mm, get(g, "Members")) listed += number && gstr(mm, "Number") && !strcmp(gstr(mm, "Number"), number);
      }
      CHECK(found && listed == 1, "user %s: group %g exists (%d) and lists the user once (%d)", number ? number : "?",
            cJSON_IsNumber(gid) ? gid->valuedouble : -1, found, listed);
      ++pairs;
    }
  }
  /* every member of a group that has a user's number is that user's membership */
  cJSON_ArrayForEach(g, get(groups, "value")) {
    cJSON_ArrayForEach(m, get(g, "Members")) {
      cJSON_ArrayForEach(u, get(users, "value")) user_members += gstr(u, "Number") && gstr(m, "Number") &&
                                                                 !strcmp(gstr(u, "Number"), gstr(m, "Number"));
    }
    if (cJSON_IsNumber(get(g, "Id"))) gid_last = get(g, "Id")->valuedouble;
  }
  CHECK(pairs >= 3 && pairs == user_members, "memberships seen from users (%d) and from groups (%d)", pairs,
        user_members);

  /* the navigation route answers what $expand shows */
  {
    cJSON *nav = get_json(c, "/Users(1)/Groups", NULL, NULL, NULL);
    const cJSON *first = cJSON_GetArrayItem(get(users, "value"), 0);
    const cJSON *a = get(cJSON_GetArrayItem(get(nav, "value"), 0), "GroupId");
    const cJSON *e = get(cJSON_GetArrayItem(get(first, "Groups"), 0), "GroupId");
    CHECK(cJSON_IsNumber(a) && cJSON_IsNumber(e) && a->valuedouble == e->valuedouble && get(first, "Id") &&
              get(first, "Id")->valuedouble == 1,
          "Users(1)/Groups agrees with $expand=Groups");
    if (cJSON_IsNumber(e)) {
      cJSON_ArrayForEach(g, get(groups, "value")) if (cJSON_IsNumber(get(g, "Id")) && get(g, "Id")->valuedouble !=
                                                      e->valuedouble) gid_other = get(g, "Id")->valuedouble;
    }
    cJSON_Delete(nav);
  }

  /* PATCH Groups(other) with Members: user 100 joins it, the others leave */
  if (gid_other > 0) {
    char path[64];
    cJSON *nav;
    snprintf(path, sizeof path, "/Groups(%.0f)", gid_other);
    st = raw(c, "PATCH", path, "{\"Members\":[{\"Number\":\"100\"}]}", &b);
    CHECK(st == 204, "PATCH %s Members: %d %s", path, st, b ? b : "");
    threecx_free(b);
    CHECK(member_count(c, gid_other, "100") == 1, "user 100 is a member of group %.0f after the PATCH", gid_other);
    nav = get_json(c, "/Users(1)/Groups", "GroupId", NULL, NULL);
    CHECK(cJSON_GetArraySize(get(nav, "value")) == 2, "Users(1)/Groups lists both groups");
    cJSON_Delete(nav);
    snprintf(path, sizeof path, "/Groups(%.0f)/Members", gid_other);
    nav = get_json(c, path, NULL, NULL, NULL);
    CHECK(cJSON_GetArraySize(get(nav, "value")) == 1, "%s holds only user 100 now", path);
    cJSON_Delete(nav);
  }

  /* a new user with a group appears among that group's members */
  if (gid_last > 0) {
    char body[160], path[64];
    cJSON *nav;
    snprintf(body, sizeof body,
             "{\"Number\":\"150\",\"FirstName\":\"Ada\",\"LastName\":\"Byron\",\"Groups\":[{\"GroupId\":%.0f}]}",
             gid_last);
    st = raw(c, "POST", "/Users", body, &b);
    CHECK(st == 201, "POST /Users with Groups: %d %s", st, b ? b : "");
    threecx_free(b);
    CHECK(member_count(c, gid_last, "150") == 1, "the new user 150 is a member of group %.0f", gid_last);
    snprintf(path, sizeof path, "/Groups(%.0f)", gid_last);
    st = raw(c, "DELETE", path, NULL, NULL);
    CHECK(st == 204, "DELETE %s: %d", path, st);
    nav = get_json(c, "/Users", NULL, "Groups", "Number eq '150'");
    CHECK(cJSON_GetArraySize(get(nav, "value")) == 1 &&
              cJSON_GetArraySize(get(cJSON_GetArrayItem(get(nav, "value"), 0), "Groups")) == 0,
          "a deleted group leaves its members' Groups");
    cJSON_Delete(nav);
  }
  /* the calling user (MyUser) is a user of the Users set */
  {
    cJSON *me = get_json(c, "/MyUser", "Id,Number", NULL, NULL);
    cJSON *first = get_json(c, "/Users(1)", "Id,Number", NULL, NULL);
    CHECK(me && first && gstr(me, "Number") && gstr(first, "Number") &&
              strcmp(gstr(me, "Number"), gstr(first, "Number")) == 0,
          "MyUser is Users(1) (%s vs %s)", me ? gstr(me, "Number") : "?", first ? gstr(first, "Number") : "?");
    cJSON_Delete(me);
    cJSON_Delete(first);
  }
  /* refresh tokens and their OAuth clients, both ways */
  {
    cJSON *tokens = get_json(c, "/SecurityTokens", "Id,ClientId", "Client($select=Id)", NULL);
    cJSON *clients = get_json(c, "/OAuthClients", "Id", "RefreshTokens($select=Id)", NULL);
    const cJSON *t, *o, *x;
    int with = 0, without = 0, bad = 0, listed = 0;
    CHECK(tokens && clients, "SecurityTokens and OAuthClients with $expand");
    cJSON_ArrayForEach(t, get(tokens, "value")) {
      const char *fk = gstr(t, "ClientId");
      const char *cid = gstr(get(t, "Client"), "Id");
      if (!fk) {
        ++without;
        bad += !cJSON_IsNull(get(t, "Client"));
        continue;
      }
      ++with;
      bad += !cid || strcmp(cid, fk) != 0;
      /* the client it names lists it */
      cJSON_ArrayForEach(o, get(clients, "value")) {
        if (!gstr(o, "Id") || strcmp(gstr(o, "Id"), fk) != 0) continue;
        cJSON_ArrayForEach(x, get(o, "RefreshTokens")) listed += cJSON_IsNumber(get(x, "Id")) &&
                                                                 cJSON_IsNumber(get(t, "Id")) &&
                                                                 get(x, "Id")->valuedouble == get(t, "Id")->valuedouble;
      }
    }
    CHECK(with > 0 && without > 0 && bad == 0, "token.Client is the client ClientId names (%d with, %d without, %d bad)",
          with, without, bad);
    CHECK(listed == with, "every client lists its tokens (%d of %d)", listed, with);
    cJSON_Delete(tokens);
    cJSON_Delete(clients);
  }
out:
  cJSON_Delete(users);
  cJSON_Delete(groups);
}

/* Set-bound actions change the set: bulk deletes by ids, Delete*By<Prop>,
 * BulkUpdate. */
static void check_actions(threecx_client *c) {
  cJSON *groups;
  /* two groups of its own to delete (the walk below needs the seeded ones) */
  CHECK(raw(c, "POST", "/Groups", "{\"Name\":\"Temp A\"}", NULL) == 201 &&
            raw(c, "POST", "/Groups", "{\"Name\":\"Temp B\"}", NULL) == 201,
        "create two groups (numbered by the server)");
  groups = get_json(c, "/Groups", "Id,Number", NULL, "startswith(Name,'Temp ')");
  cJSON *users = get_json(c, "/Users", "Id", NULL, NULL);
  const cJSON *g1 = cJSON_GetArrayItem(get(groups, "value"), 0), *g2 = cJSON_GetArrayItem(get(groups, "value"), 1);
  const cJSON *u1 = cJSON_GetArrayItem(get(users, "value"), 0), *u2 = cJSON_GetArrayItem(get(users, "value"), 1);
  char body[160], path[64], *b = NULL;
  int st, links0, links1;
  cJSON *j;
  CHECK(g1 && g2 && u1 && u2 && gstr(g2, "Number"), "two groups and two users to act on");
  if (!g1 || !g2 || !u1 || !u2 || !gstr(g2, "Number")) goto out;

  snprintf(body, sizeof body, "{\"id\":%.0f}", get(g1, "Id")->valuedouble);
  st = raw(c, "POST", "/Groups/Pbx.DeleteCompanyById", body, NULL);
  snprintf(path, sizeof path, "/Groups(%.0f)", get(g1, "Id")->valuedouble);
  CHECK(st == 204 && raw(c, "GET", path, NULL, NULL) == 404, "DeleteCompanyById %s: %d, then %s is gone", body, st, path);
  st = raw(c, "POST", "/Groups/Pbx.DeleteCompanyById", body, &b);
  CHECK(st == 404 && b && strstr(b, "NotFound"), "DeleteCompanyById again: %d %s", st, b ? b : "");
  threecx_free(b);

  snprintf(body, sizeof body, "{\"number\":\"%s\"}", gstr(g2, "Number"));
  st = raw(c, "POST", "/Groups/Pbx.DeleteCompanyByNumber", body, NULL);
  snprintf(path, sizeof path, "/Groups(%.0f)", get(g2, "Id")->valuedouble);
  CHECK(st == 204 && raw(c, "GET", path, NULL, NULL) == 404, "DeleteCompanyByNumber %s: %d", body, st);

  snprintf(body, sizeof body, "{\"ids\":[%.0f],\"user\":{\"FirstName\":\"Zed\"}}", get(u2, "Id")->valuedouble);
  st = raw(c, "POST", "/Users/Pbx.BulkUpdate", body, NULL);
  snprintf(path, sizeof path, "/Users(%.0f)", get(u2, "Id")->valuedouble);
  j = get_json(c, path, "FirstName", NULL, NULL);
  CHECK(st == 204 && gstr(j, "FirstName") && !strcmp(gstr(j, "FirstName"), "Zed"), "BulkUpdate %s: %d", body, st);
  cJSON_Delete(j);

  snprintf(body, sizeof body, "{\"ids\":[%.0f,99999]}", get(u1, "Id")->valuedouble);
  st = raw(c, "POST", "/Users/Pbx.BatchDelete", body, &b);
  j = cJSON_Parse(b ? b : "");
  CHECK(st == 200 && cJSON_GetArraySize(get(j, "value")) == 1 && b && strstr(b, "99999"),
        "BatchDelete %s: %d %s (one error, for 99999)", body, st, b ? b : "");
  cJSON_Delete(j);
  threecx_free(b);
  snprintf(path, sizeof path, "/Users(%.0f)", get(u1, "Id")->valuedouble);
  CHECK(raw(c, "GET", path, NULL, NULL) == 404, "BatchDelete removed %s", path);

  j = get_json(c, "/WebsiteLinks", "Link", NULL, NULL);
  links0 = cJSON_GetArraySize(get(j, "value"));
  cJSON_Delete(j);
  st = raw(c, "POST", "/WebsiteLinks/Pbx.BulkLinksDelete", "{\"ids\":[\"team page\"]}", NULL);
  j = get_json(c, "/WebsiteLinks", "Link", NULL, NULL);
  links1 = cJSON_GetArraySize(get(j, "value"));
  cJSON_Delete(j);
  CHECK(st == 204 && links1 == links0 - 1 && raw(c, "GET", "/WebsiteLinks('team%20page')", NULL, NULL) == 404,
        "BulkLinksDelete: %d, %d -> %d links", st, links0, links1);
out:
  cJSON_Delete(groups);
  cJSON_Delete(users);
}

/* ---- 404 for a missing entity, over every function and action that names
 * one: by the key of its first segment (/Set({Id})/Pbx.Name) or by an id
 * parameter (<x>Id, <x>Key, id, guid, dnNumber, groupNumber). ---- */

/* The Number of the first entity of a set ("" if none), for valid values. */
static void first_number(threecx_client *c, const char *set, char *out, size_t cap) {
  cJSON *e = first_entity(c, set);
  snprintf(out, cap, "%s", gstr(e, "Number") ? gstr(e, "Number") : "");
  cJSON_Delete(e);
}
static char g_user_number[32], g_group_number[32];
static long g_user_id = 1;
static void pick_existing(threecx_client *c) {
  cJSON *u = first_entity(c, "Users");
  g_user_id = cJSON_IsNumber(get(u, "Id")) ? (long)get(u, "Id")->valuedouble : 1;
  cJSON_Delete(u);
  first_number(c, "Users", g_user_number, sizeof g_user_number);
  first_number(c, "Groups", g_group_number, sizeof g_group_number);
}

static int ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Does the parameter name an entity (the table's selection rule)? */
static int names_entity(const char *path, const char *name) {
  char slot[80];
  const char *paren = strchr(path + 1, '('), *slash = strchr(path + 1, '/');
  snprintf(slot, sizeof slot, "{%s}", name);
  if (paren && (!slash || paren < slash) && strncmp(path + 1, "Pbx.", 4) != 0) {
    const char *close = strchr(paren, ')'), *at = strstr(path, slot);
    if (at && at > paren && at < close) return 1; /* the entity key */
  }
  if (ends_with_ci(name, "CallerId")) return 0; /* a caller id is a number as displayed, not an entity */
  return ends_with_ci(name, "id") || ends_with_ci(name, "key") || strcasecmp(name, "guid") == 0 ||
         strcasecmp(name, "dnNumber") == 0 || strcasecmp(name, "groupNumber") == 0;
}

/* Identities the simulator keeps no store for: it cannot know they are
 * missing (listed in the report). */
static const char *no_store(const char *path, const char *name) {
  static const struct {
    const char *path_part, *param, *why;
  } skip[] = {
      {"/AISettings/", "id", "AI templates and vector stores live behind a singleton, no entity store"},
      {"/ConferenceSettings/Pbx.GetMCURow", "guid", "MCU rows: no entity store"},
      {"Pbx.PartnerInfo", "resellerId", "resellers are 3CX's, not the PBX's"},
      {"Pbx.GetMyGroupPartnerInfo", "resellerId", "resellers are 3CX's, not the PBX's"},
      {"/ReportCallLogData/", "cdrId", "call log rows: no list operation, no entity store"},
      {"/ReportCallLogData/", "call_id", "call log rows: no list operation, no entity store"},
  };
  size_t i;
  for (i = 0; i < sizeof skip / sizeof skip[0]; ++i)
    if (strstr(path, skip[i].path_part) && strcmp(name, skip[i].param) == 0) return skip[i].why;
  return NULL;
}

static void check_missing(threecx_client *c) {
  size_t count = 0, k, tried = 0, skipped = 0;
  threecx_operation_count(&count);
  for (k = 0; k < count; ++k) {
    const threecx_operation *op = NULL;
    const char *id = NULL, *method = NULL, *path = NULL;
    size_t np = 0, i, j;
    int32_t has_body = 0;
    const cJSON *sop;
    threecx_operation_at(k, &op);
    threecx_operation_id(op, &id);
    threecx_operation_method(op, &method);
    threecx_operation_path(op, &path);
    threecx_operation_param_count(op, &np);
    threecx_operation_has_body(op, &has_body);
    if (!strstr(path, "Pbx.")) continue; /* functions and actions only */
    sop = spec_op(path, method);
    for (i = 0; i < np; ++i) {
      const char *missing = NULL;
      threecx_request *req = NULL;
      threecx_response *resp = NULL;
      int32_t status = 0;
      char *rbody = NULL;
      int rc;
      threecx_operation_param_name(op, i, &missing);
      if (!names_entity(path, missing)) continue;
      if (no_store(path, missing)) {
        ++skipped;
        continue;
      }
      ++tried;
      if (threecx_request_new_op(c, id, &req) != THREECX_OK) {
        CHECK(0, "%s: request_new_op", id);
        continue;
      }
      for (j = 0; j < np; ++j) {
        const char *name = NULL;
        int32_t type = 0;
        const cJSON *ps = NULL, *p;
        int is_missing;
        threecx_operation_param_name(op, j, &name);
        threecx_operation_param_type(op, j, &type);
        is_missing = j == i;
        cJSON_ArrayForEach(p, get(sop, "parameters")) if (gstr(p, "name") && !strcmp(gstr(p, "name"), name)) ps =
            deref(get(p, "schema"));
        if (ps && cJSON_GetArraySize(get(ps, "allOf")) == 1) ps = deref(get(ps, "allOf")->child);
        switch (type) {
          case THREECX_TYPE_INT32:
            threecx_request_set_param_int(req, name, is_missing ? 987654 : 1);
            break;
          case THREECX_TYPE_BOOL:
            threecx_request_set_param_bool(req, name, 1);
            break;
          case THREECX_TYPE_GUID:
            threecx_request_set_param_guid(req, name, "00000000-0000-4000-8000-000000987654");
            break;
          case THREECX_TYPE_DATETIME:
            threecx_request_set_param_datetime(req, name, "2026-01-02T03:04:05Z");
            break;
          default:
            threecx_request_set_param_string(
                req, name,
                is_missing                                  ? "missing-987654"
                : !strcasecmp(name, "dnNumber")             ? g_user_number
                : !strcasecmp(name, "groupNumber")          ? g_group_number
                : cJSON_GetArraySize(get(ps, "enum")) > 0 ? cJSON_GetArrayItem(get(ps, "enum"), 0)->valuestring
                                                            : "x");
        }
      }
      if (has_body) {
        cJSON *body = generate(get(get(get(get(sop, "requestBody"), "content"), "application/json"), "schema"), 0);
        char *t;
        if (!cJSON_IsObject(body) && !cJSON_IsArray(body)) {
          cJSON_Delete(body);
          body = cJSON_CreateObject();
        }
        t = cJSON_PrintUnformatted(body);
        threecx_request_set_body(req, t);
        cJSON_free(t);
        cJSON_Delete(body);
      }
      rc = threecx_request_send(req, &resp);
      if (resp) threecx_response_status(resp, &status);
      if (resp) threecx_response_body(resp, &rbody);
      {
        cJSON *j2 = cJSON_Parse(rbody ? rbody : "");
        const cJSON *e = get(j2, "error");
        CHECK((rc == THREECX_OK || rc == THREECX_E_HTTP) && status == 404 && gstr(e, "code") && gstr(e, "message"),
              "%s %s %s with a missing %s: status %d, want 404 with an OData error: %.200s", id, method, path, missing,
              status, rbody ? rbody : "");
        cJSON_Delete(j2);
      }
      threecx_free(rbody);
      threecx_response_free(resp);
      threecx_request_free(req);
    }
  }
  printf("404 for a missing entity: %zu function/action parameters tried, %zu without a store in the simulator\n",
         tried, skipped);
  CHECK(tried >= 40, "the table covers the catalog's functions and actions with a key or id (%zu)", tried);
}

/* ---- every seeded relation after creates, updates and deletes ---- */

/* "/Set(key)" for an entity's key value (numbers bare, plain strings quoted). */
static int key_path(char *out, size_t cap, const char *set, const cJSON *key) {
  if (cJSON_IsNumber(key)) return snprintf(out, cap, "/%s(%.0f)", set, key->valuedouble) < (int)cap;
  if (!cJSON_IsString(key) || strpbrk(key->valuestring, "'%/ ?#&")) return 0;
  if (is_uuid(key->valuestring)) return snprintf(out, cap, "/%s(%s)", set, key->valuestring) < (int)cap;
  return snprintf(out, cap, "/%s('%s')", set, key->valuestring) < (int)cap;
}

/* One entity of a set by its key, through the list ($filter; not every set
 * can be read by key), with a navigation expanded; NULL if none. */
static cJSON *fetch_one(threecx_client *c, const char *set, const char *key, const cJSON *value, const char *expand) {
  char path[128], filter[256];
  cJSON *list, *one;
  if (cJSON_IsNumber(value)) snprintf(filter, sizeof filter, "%s eq %.0f", key, value->valuedouble);
  else if (cJSON_IsString(value) && is_uuid(value->valuestring)) snprintf(filter, sizeof filter, "%s eq %s", key, value->valuestring);
  else if (cJSON_IsString(value)) snprintf(filter, sizeof filter, "%s eq '%s'", key, value->valuestring);
  else return NULL;
  snprintf(path, sizeof path, "/%s", set);
  list = get_json(c, path, NULL, expand, filter);
  one = cJSON_GetArraySize(get(list, "value")) == 1 ? cJSON_DetachItemFromArray((cJSON *)get(list, "value"), 0) : NULL;
  cJSON_Delete(list);
  return one;
}

/* Does a navigation value (object or array) hold an item with this key? *item gets it. */
static int holds(const cJSON *nav, const char *key, const cJSON *value, const cJSON **item) {
  const cJSON *x;
  if (cJSON_IsObject(nav)) return cJSON_Compare(get(nav, key), value, 1) ? (*item = nav, 1) : 0;
  cJSON_ArrayForEach(x, nav) if (cJSON_Compare(get(x, key), value, 1)) return *item = x, 1;
  return 0;
}

static void check_relation_changes(const char *spec) {
  static const struct {
    const char *set, *key, *nav, *target, *tkey, *prop; /* prop NULL: the target has no PATCH */
    int deletable;
  } rel[] = {
      {"CallFlowApps", "Id", "Trunk", "Trunks", "Id", "AuthID", 1},
      {"DidNumbers", "Number", "RoutingRule", "InboundRules", "Id", "RuleName", 1},
      {"Fxs", "MacAddress", "Template", "FxsTemplates", "Id", "Brand", 1},
      {"Groups", "Id", "OfficeHolidays", "Holidays", "Id", "Name", 1},
      {"MyTokens", "Id", "Client", "OAuthClients", "Id", NULL, 1},
      {"ServicePrincipals", "Id", "Peers", "Peers", "Id", NULL, 0},
      {"SipDevices", "Id", "DN", "Peers", "Id", NULL, 0},
      {"Trunks", "Id", "ReceiveExtensions", "Peers", "Id", NULL, 0},
  };
  static const char *const same[] = {"AuthID", "RuleName", "Brand", "Name", "ClientId", "Name", "Name", "Name"};
  const char *args[] = {"--spec", spec, NULL};
  sim s;
  threecx_client *c = NULL;
  size_t i;
  char path[256], body[256], *b = NULL;
  int st;
  if (sim_start(&s, 1, args) != 0 || sim_client(&s, &c) != THREECX_OK) {
    CHECK(0, "relations: cannot start the simulator");
    sim_stop(&s);
    return;
  }
  /* MyUser is its user in Users, both ways */
  {
    cJSON *me = get_json(c, "/MyUser", "Id,FirstName", NULL, NULL), *u;
    if (cJSON_IsNumber(get(me, "Id"))) {
      snprintf(path, sizeof path, "/Users(%.0f)", get(me, "Id")->valuedouble);
      st = raw(c, "PATCH", path, "{\"FirstName\":\"Via Users\"}", NULL);
      cJSON_Delete(me);
      me = get_json(c, "/MyUser", "Id,FirstName", NULL, NULL);
      CHECK(st == 204 && gstr(me, "FirstName") && !strcmp(gstr(me, "FirstName"), "Via Users"),
            "PATCH Users(me) shows in MyUser (%d)", st);
      st = raw(c, "PATCH", "/MyUser", "{\"FirstName\":\"Via MyUser\"}", NULL);
      u = get_json(c, path, "FirstName", NULL, NULL);
      CHECK(st == 204 && gstr(u, "FirstName") && !strcmp(gstr(u, "FirstName"), "Via MyUser"),
            "PATCH MyUser shows in %s (%d)", path, st);
      cJSON_Delete(u);
      st = raw(c, "PATCH", "/MyUser", "{\"Number\":\"77777\"}", NULL);
      CHECK(st == 400, "PATCH MyUser changing Number: %d", st);
    } else {
      CHECK(0, "MyUser has an Id");
    }
    cJSON_Delete(me);
  }

  for (i = 0; i < sizeof rel / sizeof rel[0]; ++i) {
    cJSON *list, *e = NULL, *t = NULL;
    const cJSON *x, *nav = NULL, *item = NULL, *tkey = NULL, *skey = NULL;
    char spath[256] = "", tpath[256] = "";
    snprintf(path, sizeof path, "/%s", rel[i].set);
    list = get_json(c, path, NULL, rel[i].nav, NULL);
    cJSON_ArrayForEach(x, get(list, "value")) {
      const cJSON *n = get(x, rel[i].nav);
      if ((cJSON_IsObject(n) || (cJSON_IsArray(n) && n->child)) && key_path(spath, sizeof spath, rel[i].set, get(x, rel[i].key))) {
        nav = n;
        skey = get(x, rel[i].key);
        break;
      }
    }
    CHECK(nav != NULL, "%s.%s: a seeded entity with a %s", rel[i].set, rel[i].nav, rel[i].nav);
    if (!nav) {
      cJSON_Delete(list);
      continue;
    }
    tkey = get(cJSON_IsArray(nav) ? nav->child : nav, rel[i].tkey);
    CHECK(key_path(tpath, sizeof tpath, rel[i].target, tkey), "%s.%s: the copy names its %s", rel[i].set, rel[i].nav,
          rel[i].target);
    /* the copy equals its original now */
    t = fetch_one(c, rel[i].target, rel[i].tkey, tkey, NULL);
    item = cJSON_IsArray(nav) ? nav->child : nav;
    CHECK(t && get(t, same[i]) && cJSON_Compare(get(t, same[i]), get(item, same[i]), 1),
          "%s.%s: the copy of %s equals it (%s)", rel[i].set, rel[i].nav, tpath, same[i]);
    cJSON_Delete(t);
    if (rel[i].prop) { /* an update of the original shows in the copy */
      snprintf(body, sizeof body, "{\"%s\":\"renamed %zu\"}", rel[i].prop, i);
      st = raw(c, "PATCH", tpath, body, NULL);
      e = fetch_one(c, rel[i].set, rel[i].key, skey, rel[i].nav);
      item = NULL;
      CHECK(st == 204 && holds(get(e, rel[i].nav), rel[i].tkey, tkey, &item) && gstr(item, rel[i].prop) &&
                strncmp(gstr(item, rel[i].prop), "renamed", 7) == 0,
            "%s.%s after PATCH %s %s: %d", rel[i].set, rel[i].nav, tpath, body, st);
      cJSON_Delete(e);
    }
    if (rel[i].deletable) { /* a deleted original leaves the navigation */
      st = raw(c, "DELETE", tpath, NULL, NULL);
      e = fetch_one(c, rel[i].set, rel[i].key, skey, rel[i].nav);
      CHECK(st == 204 && e && !holds(get(e, rel[i].nav), rel[i].tkey, tkey, &item),
            "%s.%s after DELETE %s: %d, still there", rel[i].set, rel[i].nav, tpath, st);
      cJSON_Delete(e);
    }
    cJSON_Delete(list);
  }

  /* trunks and inbound rules, both ways */
  {
    cJSON *trunks = get_json(c, "/Trunks", "Id,Number", "RoutingRules", NULL);
    cJSON *rules = get_json(c, "/InboundRules", "Id,RuleName", "TrunkDN", NULL);
    const cJSON *t, *r, *x;
    int bad = 0, rule_count = 0;
    const char *n1 = NULL, *n2 = NULL;
    double newid = -1;
    cJSON_ArrayForEach(r, get(rules, "value")) { /* each rule is listed by the trunk it names */
      const cJSON *found = NULL;
      ++rule_count;
      cJSON_ArrayForEach(t, get(trunks, "value")) if (gstr(get(r, "TrunkDN"), "Number") && gstr(t, "Number") &&
                                                     !strcmp(gstr(get(r, "TrunkDN"), "Number"), gstr(t, "Number")) &&
                                                     holds(get(t, "RoutingRules"), "Id", get(r, "Id"), &x)) found = t;
      if (!found) ++bad;
    }
    cJSON_ArrayForEach(t, get(trunks, "value")) cJSON_ArrayForEach(x, get(t, "RoutingRules")) { /* and no other */
      const cJSON *rr = NULL;
      if (!holds(get(rules, "value"), "Id", get(x, "Id"), &rr) || !gstr(get(rr, "TrunkDN"), "Number") ||
          strcmp(gstr(get(rr, "TrunkDN"), "Number"), gstr(t, "Number")))
        ++bad;
    }
    CHECK(rule_count > 0 && bad == 0, "trunks <-> inbound rules agree both ways (%d rules, %d bad)", rule_count, bad);
    n1 = gstr(cJSON_GetArrayItem(get(trunks, "value"), 0), "Number");
    n2 = gstr(cJSON_GetArrayItem(get(trunks, "value"), 1), "Number");
    CHECK(n1 && n2, "two trunks");
    if (n1 && n2) {
      char tp1[64], tp2[64];
      cJSON *j;
      snprintf(tp1, sizeof tp1, "/Trunks(%.0f)", get(cJSON_GetArrayItem(get(trunks, "value"), 0), "Id")->valuedouble);
      snprintf(tp2, sizeof tp2, "/Trunks(%.0f)", get(cJSON_GetArrayItem(get(trunks, "value"), 1), "Id")->valuedouble);
      snprintf(body, sizeof body, "{\"RuleName\":\"rel-new\",\"TrunkDN\":{\"Number\":\"%s\"}}", n2);
      st = raw(c, "POST", "/InboundRules", body, &b);
      j = cJSON_Parse(b ? b : "");
      newid = cJSON_IsNumber(get(j, "Id")) ? get(j, "Id")->valuedouble : -1;
      cJSON_Delete(j);
      threecx_free(b);
      j = get_json(c, tp2, NULL, "RoutingRules", NULL);
      {
        cJSON *idv = cJSON_CreateNumber(newid);
        CHECK(st == 201 && holds(get(j, "RoutingRules"), "Id", idv, &x), "a new rule naming %s is in its RoutingRules (%d)",
              tp2, st);
        cJSON_Delete(j);
        snprintf(path, sizeof path, "/InboundRules(%.0f)", newid);
        st = raw(c, "PATCH", path, "{\"RuleName\":\"rel-renamed\"}", NULL);
        j = get_json(c, tp2, NULL, "RoutingRules", NULL);
        CHECK(st == 204 && holds(get(j, "RoutingRules"), "Id", idv, &x) && gstr(x, "RuleName") &&
                  !strcmp(gstr(x, "RuleName"), "rel-renamed"),
              "a renamed rule is renamed in its trunk's RoutingRules");
        cJSON_Delete(j);
        snprintf(body, sizeof body, "{\"TrunkDN\":{\"Number\":\"%s\"}}", n1);
        st = raw(c, "PATCH", path, body, NULL);
        j = get_json(c, tp2, NULL, "RoutingRules", NULL);
        cJSON *j1 = get_json(c, tp1, NULL, "RoutingRules", NULL);
        CHECK(st == 204 && !holds(get(j, "RoutingRules"), "Id", idv, &x) && holds(get(j1, "RoutingRules"), "Id", idv, &x),
              "a rule moved to another trunk moves between their RoutingRules (%d)", st);
        cJSON_Delete(j);
        cJSON_Delete(j1);
        st = raw(c, "POST", "/InboundRules", "{\"RuleName\":\"x\",\"TrunkDN\":{\"Number\":\"no-such-trunk\"}}", &b);
        CHECK(st == 400 && b && strstr(b, "WARNINGS.XAPI.NOT_FOUND"), "a rule naming no trunk: %d %s", st, b ? b : "");
        threecx_free(b);
        {
          cJSON *dids = get_json(c, "/DidNumbers", "Number,TrunkId", NULL, NULL);
          const cJSON *trunk1 = get(cJSON_GetArrayItem(get(trunks, "value"), 0), "Id");
          int own = 0, known = 0;
          cJSON_ArrayForEach(x, get(dids, "value")) {
            const cJSON *tt;
            own += cJSON_Compare(get(x, "TrunkId"), trunk1, 1);
            cJSON_ArrayForEach(tt, get(trunks, "value")) known += cJSON_Compare(get(x, "TrunkId"), get(tt, "Id"), 1);
          }
          CHECK(own > 0 && known == cJSON_GetArraySize(get(dids, "value")), "every DID names an existing trunk (%d of %d)",
                known, cJSON_GetArraySize(get(dids, "value")));
          cJSON_Delete(dids);
          st = raw(c, "DELETE", tp1, NULL, NULL);
          CHECK(st == 204 && raw(c, "GET", path, NULL, NULL) == 404, "deleting a trunk deletes its inbound rules (%d)", st);
          dids = get_json(c, "/DidNumbers", "Number,TrunkId", NULL, NULL);
          own = 0;
          cJSON_ArrayForEach(x, get(dids, "value")) own += cJSON_Compare(get(x, "TrunkId"), trunk1, 1);
          CHECK(dids && own == 0, "and its DIDs");
          cJSON_Delete(dids);
        }
        j = get_json(c, "/DidNumbers", NULL, "RoutingRule", NULL);
        bad = 0;
        cJSON_ArrayForEach(x, get(j, "value")) if (cJSON_Compare(get(get(x, "RoutingRule"), "Id"), idv, 1))++ bad;
        CHECK(j && bad == 0, "no DID routes to the deleted rule");
        cJSON_Delete(j);
        cJSON_Delete(idv);
      }
    }
    cJSON_Delete(trunks);
    cJSON_Delete(rules);
  }

  /* queue agents and managers, ring group members: DNs by number */
  {
    static const char *const lists[][2] = {{"Queues", "Agents"}, {"Queues", "Managers"}, {"RingGroups", "Members"}};
    for (i = 0; i < 3; ++i) {
      cJSON *sets, *users, *j;
      const cJSON *e, *m, *u = NULL, *x;
      char upath[64], epath[64];
      snprintf(path, sizeof path, "/%s", lists[i][0]);
      sets = get_json(c, path, "Id", lists[i][1], NULL);
      e = cJSON_GetArrayItem(get(sets, "value"), 0);
      m = cJSON_GetArrayItem(get(e, lists[i][1]), 0);
      snprintf(body, sizeof body, "Number eq '%s'", gstr(m, "Number") ? gstr(m, "Number") : "");
      users = get_json(c, "/Users", "Id,FirstName,LastName,Number", NULL, body);
      u = cJSON_GetArrayItem(get(users, "value"), 0);
      CHECK(e && m && u, "%s.%s: a member who is a user", lists[i][0], lists[i][1]);
      if (e && m && u) {
        cJSON *num = cJSON_CreateString(gstr(u, "Number"));
        snprintf(upath, sizeof upath, "/Users(%.0f)", get(u, "Id")->valuedouble);
        snprintf(epath, sizeof epath, "/%s(%.0f)", lists[i][0], get(e, "Id")->valuedouble);
        CHECK(gstr(m, "Name") && gstr(u, "FirstName") && strstr(gstr(m, "Name"), gstr(u, "FirstName")),
              "%s.%s: the member's name is the user's", lists[i][0], lists[i][1]);
        snprintf(body, sizeof body, "{\"FirstName\":\"Renamed%zu\"}", i);
        st = raw(c, "PATCH", upath, body, NULL);
        j = get_json(c, epath, NULL, lists[i][1], NULL);
        CHECK(st == 204 && holds(get(j, lists[i][1]), "Number", num, &x) && strstr(gstr(x, "Name"), "Renamed"),
              "%s.%s follows a renamed user", lists[i][0], lists[i][1]);
        cJSON_Delete(j);
        st = raw(c, "DELETE", upath, NULL, NULL);
        j = get_json(c, epath, NULL, lists[i][1], NULL);
        CHECK(st == 204 && j && !holds(get(j, lists[i][1]), "Number", num, &x), "%s.%s loses a deleted user",
              lists[i][0], lists[i][1]);
        cJSON_Delete(j);
        cJSON_Delete(num);
      }
      cJSON_Delete(users);
      cJSON_Delete(sets);
    }
    {
      cJSON *u = get_json(c, "/Users", "Number", NULL, NULL), *j;
      const char *num = gstr(cJSON_GetArrayItem(get(u, "value"), 0), "Number");
      snprintf(body, sizeof body, "{\"Name\":\"rel queue\",\"Agents\":[{\"Number\":\"%s\"}]}", num ? num : "");
      st = raw(c, "POST", "/Queues", body, &b);
      j = cJSON_Parse(b ? b : "");
      CHECK(st == 201 && gstr(cJSON_GetArrayItem(get(j, "Agents"), 0), "Number"), "a queue created with an agent: %d", st);
      cJSON_Delete(j);
      threecx_free(b);
      j = get_json(c, "/Queues", "Id", "Agents", "Name eq 'rel queue'");
      CHECK(gstr(cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(j, "value"), 0), "Agents"), 0), "Name") &&
                *gstr(cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(j, "value"), 0), "Agents"), 0), "Name"),
            "the new queue's agent carries the user's name");
      cJSON_Delete(j);
      st = raw(c, "POST", "/Queues", "{\"Name\":\"bad\",\"Agents\":[{\"Number\":\"no-such-dn\"}]}", &b);
      CHECK(st == 400 && b && strstr(b, "WARNINGS.XAPI.NOT_FOUND"), "a queue with an agent no DN is: %d", st);
      threecx_free(b);
      st = raw(c, "POST", "/RingGroups", "{\"Name\":\"bad\",\"Members\":[{\"Number\":\"no-such-dn\"}]}", &b);
      CHECK(st == 400, "a ring group with a member no DN is: %d", st);
      threecx_free(b);
      cJSON_Delete(u);
    }
  }

  /* tokens and OAuth clients: a deleted client leaves its tokens' Client */
  {
    cJSON *tokens = get_json(c, "/SecurityTokens", "Id,ClientId", "Client", NULL), *j;
    const cJSON *t, *with = NULL;
    cJSON_ArrayForEach(t, get(tokens, "value")) if (!with && cJSON_IsObject(get(t, "Client"))) with = t;
    CHECK(with && gstr(with, "ClientId"), "a token with a client");
    if (with && gstr(with, "ClientId")) {
      snprintf(path, sizeof path, "/OAuthClients(%s)", gstr(with, "ClientId"));
      st = raw(c, "DELETE", path, NULL, NULL);
      j = get_json(c, "/SecurityTokens", "Id,ClientId", "Client", NULL);
      int bad = 0;
      cJSON_ArrayForEach(t, get(j, "value")) if (gstr(t, "ClientId") && !strcmp(gstr(t, "ClientId"), gstr(with, "ClientId")) &&
                                                 !cJSON_IsNull(get(t, "Client")))++ bad;
      CHECK(st == 204 && j && bad == 0, "tokens of a deleted client have no Client (%d, %d bad)", st, bad);
      cJSON_Delete(j);
    }
    cJSON_Delete(tokens);
  }
  threecx_client_free(c);
  sim_stop(&s);
}

/* --state survives a restart; --fault applies from the start. */
static void check_state_and_faults(const char *spec) {
  char dir[] = "/tmp/sim_spec_XXXXXX", state[64], *b = NULL;
  const char *args[7];
  sim s;
  threecx_client *c = NULL;
  int st, round;
  if (!mkdtemp(dir)) {
    CHECK(0, "mkdtemp");
    return;
  }
  snprintf(state, sizeof state, "%s/state.json", dir);
  args[0] = "--spec";
  args[1] = spec;
  args[2] = "--state";
  args[3] = state;
  args[4] = "--fault";
  args[5] = "{\"path\":\"^/Users$\",\"method\":\"GET\",\"status\":409,\"code\":\"Conflict\",\"times\":1}";
  args[6] = NULL;
  for (round = 0; round < 2; ++round) {
    if (sim_start(&s, 1, args) != 0 || sim_client(&s, &c) != THREECX_OK) {
      CHECK(0, "round %d: cannot start the simulator", round);
      sim_stop(&s);
      break;
    }
    st = raw(c, "GET", "/Users", NULL, NULL);
    CHECK(st == 409, "round %d: the --fault rule: %d", round, st);
    st = raw(c, "GET", "/Users", NULL, NULL);
    CHECK(st == 200, "round %d: after the fault: %d", round, st);
    if (round == 0) {
      st = raw(c, "PATCH", "/Users(1)", "{\"FirstName\":\"Persisted O'Brien\"}", NULL);
      CHECK(st == 204, "PATCH Users(1): %d", st);
      st = raw(c, "DELETE", "/Users(2)", NULL, NULL);
      CHECK(st == 204, "DELETE Users(2): %d", st);
    } else {
      st = raw_select(c, "GET", "/Users(1)", "FirstName", NULL, &b);
      CHECK(st == 200 && b && strstr(b, "Persisted O'Brien"), "after a restart: %d %s", st, b ? b : "");
      threecx_free(b);
      st = raw(c, "GET", "/Users(2)", NULL, NULL);
      CHECK(st == 404, "the deleted user after a restart: %d", st);
    }
    threecx_client_free(c);
    c = NULL;
    sim_stop(&s);
  }
  unlink(state);
  rmdir(dir);
}

/* THREECX_SIM_SPEC_DUMP=DIR: each schema-valid answer saved as DIR/<operationId>
 * ("<status>\n" then the body's bytes), for the C# typed-model decode test
 * (bindings/csharp/TestModels.cs) to decode every operation's answer. */
static void dump_answer(const char *id, int32_t status, const threecx_response *resp) {
  const char *dir = getenv("THREECX_SIM_SPEC_DUMP");
  char path[1024];
  unsigned char *bytes = NULL;
  size_t n = 0;
  FILE *f;
  if (!dir || !*dir) return;
  snprintf(path, sizeof path, "%s/%s", dir, id);
  if (threecx_response_body_bytes(resp, &bytes, &n) != THREECX_OK) return;
  f = fopen(path, "wb");
  if (f) {
    fprintf(f, "%d\n", (int)status);
    if (n) fwrite(bytes, 1, n, f);
    fclose(f);
  }
  threecx_free(bytes);
}

int main(int argc, char **argv) {
  sim s;
  threecx_client *client = NULL;
  size_t count = 0, k, answered = 0, valid = 0, files = 0, empties = 0, pages = 0;
  struct entry *order;
  char *text;
  const char *args[3];

  if (argc < 2) {
    fprintf(stderr, "usage: sim_spec_test SWAGGER_JSON\n");
    return 2;
  }
  text = read_file(argv[1]);
  g_spec = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!g_spec) {
    fprintf(stderr, "cannot read the spec %s\n", argv[1]);
    return 2;
  }
  g_schemas = get(get(g_spec, "components"), "schemas");
  { /* the checker itself: strict about undeclared properties, through allOf */
    cJSON *ok = cJSON_Parse("{\"Id\":1,\"FirstName\":\"A\",\"Number\":\"100\",\"@odata.etag\":\"W/1\"}");
    cJSON *extra = cJSON_Parse("{\"Id\":1,\"Bogus\":2}");
    cJSON *ref = cJSON_Parse("{\"$ref\":\"#/components/schemas/Pbx.User\"}");
    CHECK(validate(ref, ok, "$", 0), "a declared User validates: %s", g_why);
    CHECK(!validate(ref, extra, "$", 0) && strstr(g_why, "Bogus"), "an undeclared property is refused");
    cJSON_Delete(ok);
    cJSON_Delete(extra);
    cJSON_Delete(ref);
  }
  args[0] = "--spec";
  args[1] = argv[1];
  args[2] = NULL;
  if (sim_start(&s, 1, args) != 0) {
    fprintf(stderr, "cannot start threecx-sim\n");
    cJSON_Delete(g_spec);
    return 2;
  }
  if (sim_client(&s, &client) != THREECX_OK) {
    fprintf(stderr, "client: %s\n", threecx_last_error());
    sim_stop(&s);
    cJSON_Delete(g_spec);
    return 2;
  }
  pick_existing(client);
  check_missing(client);
  check_errors(client); /* before the loop changes the seed */
  check_relations(client);
  check_actions(client);
  pick_existing(client); /* check_actions deleted some */
  threecx_operation_count(&count);
  CHECK(count == 601, "catalog has %zu operations", count);
  order = (struct entry *)calloc(count, sizeof *order);
  for (k = 0; k < count; ++k) {
    const threecx_operation *op = NULL;
    const char *m = NULL;
    threecx_operation_at(k, &op);
    threecx_operation_method(op, &m);
    order[k].index = k;
    order[k].rank = method_rank(m);
  }
  qsort(order, count, sizeof *order, by_rank);

  for (k = 0; k < count; ++k) {
    const threecx_operation *op = NULL;
    const char *id = NULL, *method = NULL, *path = NULL;
    const cJSON *sop, *schema = NULL, *p;
    threecx_request *req = NULL;
    threecx_response *resp = NULL;
    cJSON *ent = NULL, *body = NULL;
    size_t np = 0, i;
    int32_t has_body = 0, kind = 0, status = 0, opts = 0;
    int want, rc, ok = 1, paged;
    char set[128] = "";

    threecx_operation_at(order[k].index, &op);
    threecx_operation_id(op, &id);
    threecx_operation_method(op, &method);
    threecx_operation_path(op, &path);
    threecx_operation_param_count(op, &np);
    threecx_operation_has_body(op, &has_body);
    threecx_operation_response_kind(op, &kind);
    sop = spec_op(path, method);
    CHECK(sop != NULL, "%s: %s %s is not in the spec", id, method, path);
    if (!sop) continue;
    want = declared(sop, &schema);

    /* an existing entity for keyed paths: /Set(...)... */
    {
      const char *paren = strchr(path + 1, '(');
      const char *slash = strchr(path + 1, '/');
      if (paren && (!slash || paren < slash) && strncmp(path + 1, "Pbx.", 4) != 0 &&
          (size_t)(paren - path - 1) < sizeof set) {
        memcpy(set, path + 1, (size_t)(paren - path - 1));
        set[paren - path - 1] = 0;
        ent = first_entity(client, set);
      } else if (slash && strncmp(slash, "/Pbx.", 5) == 0 && !strchr(slash + 1, '/') && strncmp(path + 1, "Pbx.", 4) &&
                 (size_t)(slash - path - 1) < sizeof set) {
        /* an action or function bound to a set: /Set/Pbx.Name */
        memcpy(set, path + 1, (size_t)(slash - path - 1));
        set[slash - path - 1] = 0;
        ent = first_entity(client, set);
      }
    }
    if (threecx_request_new_op(client, id, &req) != THREECX_OK) {
      CHECK(0, "%s: request_new_op: %s", id, threecx_last_error());
      cJSON_Delete(ent);
      continue;
    }
    for (i = 0; i < np; ++i) {
      const char *name = NULL, *lit = NULL;
      int32_t type = 0, nullable = 0;
      const cJSON *ps = NULL, *from = NULL;
      char b[64];
      threecx_operation_param_name(op, i, &name);
      threecx_operation_param_type(op, i, &type);
      threecx_operation_param_nullable(op, i, &nullable);
      cJSON_ArrayForEach(p, get(sop, "parameters")) {
        const char *pn = gstr(p, "name");
        if (pn && strcmp(pn, name) == 0) ps = deref(get(p, "schema"));
      }
      if (ps && cJSON_GetArraySize(get(ps, "allOf")) == 1) ps = deref(get(ps, "allOf")->child);
      from = get(ent, name);
      switch (type) {
        case THREECX_TYPE_INT32:
          rc = threecx_request_set_param_int(req, name, cJSON_IsNumber(from)                ? (int64_t)from->valuedouble
                                                         : !strcasecmp(name, "userId") ? g_user_id
                                                                                       : 1);
          break;
        case THREECX_TYPE_BOOL:
          rc = threecx_request_set_param_bool(req, name, 1);
          break;
        case THREECX_TYPE_GUID:
          rc = threecx_request_set_param_guid(req, name, cJSON_IsString(from) ? from->valuestring
                                                                               : "0f8fad5b-d9cb-469f-a165-70867728950e");
          break;
        case THREECX_TYPE_DATETIME:
          rc = threecx_request_set_param_datetime(req, name, (k % 2) ? "2026-01-02T03:04:05+02:00" : "2026-01-02T03:04:05Z");
          break;
        default:
          if (!from && ent && ends_with_ci(name, "Key")) from = get(ent, "Name"); /* a string-keyed set */
          if (!strcasecmp(name, "dnNumber")) lit = g_user_number;
          else if (!strcasecmp(name, "groupNumber")) lit = g_group_number;
          else if (cJSON_IsString(from)) lit = from->valuestring;
          else if (cJSON_IsNumber(from)) {
            snprintf(b, sizeof b, "%.0f", from->valuedouble);
            lit = b;
          } else if (cJSON_GetArraySize(get(ps, "enum")) > 0) {
            lit = cJSON_GetArrayItem(get(ps, "enum"), (int)(k % (size_t)cJSON_GetArraySize(get(ps, "enum"))))->valuestring;
          } else if (nullable && k % 3 == 0) {
            lit = NULL;
          } else {
            lit = (k % 2) ? "O'Brien" : "a/b c";
          }
          rc = lit ? threecx_request_set_param_string(req, name, lit) : threecx_request_set_param_null(req, name);
      }
      CHECK(rc == THREECX_OK, "%s: param %s: %s", id, name, threecx_last_error());
    }
    if (has_body) {
      const cJSON *bs = get(get(get(get(sop, "requestBody"), "content"), "application/json"), "schema");
      char *t;
      body = generate(bs, 0);
      if (!cJSON_IsObject(body) && !cJSON_IsArray(body)) {
        cJSON_Delete(body);
        body = cJSON_CreateObject();
      }
      /* set-bound actions address existing data: a body value named like a
       * property of the set's first entity (any case: "number", "id") takes
       * that entity's value, as a caller would pass it */
      if (ent && strstr(path, "/Pbx.") && cJSON_IsObject(body)) {
        cJSON *f, *next;
        for (f = body->child; f; f = next) {
          const cJSON *from = cJSON_GetObjectItem(ent, f->string); /* case-insensitive */
          next = f->next; /* f is freed when replaced */
          if (from && ((cJSON_IsString(from) && cJSON_IsString(f)) || (cJSON_IsNumber(from) && cJSON_IsNumber(f))))
            cJSON_ReplaceItemInObjectCaseSensitive(body, f->string, cJSON_Duplicate(from, 1)); /* keeps f's name */
        }
      }
      /* updates keep the key and a DN's number (fixed once created): drop
       * properties named like the path slots, and Number */
      if (strcmp(method, "PATCH") == 0) cJSON_DeleteItemFromObjectCaseSensitive(body, "Number");
      if (strcmp(method, "PATCH") == 0)
        for (i = 0; i < np; ++i) {
          const char *name = NULL;
          threecx_operation_param_name(op, i, &name);
          cJSON_DeleteItemFromObjectCaseSensitive(body, name);
        }
      t = cJSON_PrintUnformatted(body);
      rc = threecx_request_set_body(req, t);
      CHECK(rc == THREECX_OK, "%s: body: %s", id, threecx_last_error());
      cJSON_free(t);
    }
    /* collections page: $top=2 with $count=true */
    threecx_operation_options(op, &opts);
    paged = kind == THREECX_RESPONSE_COLLECTION && (opts & THREECX_OPT_TOP) && (opts & THREECX_OPT_COUNT);
    if (paged) {
      threecx_query *q = NULL;
      threecx_query_new(&q);
      threecx_query_set_top(q, 2);
      threecx_query_set_count(q, 1);
      CHECK(threecx_request_set_query(req, q) == THREECX_OK, "%s: query: %s", id, threecx_last_error());
      threecx_query_free(q);
    }
    rc = threecx_request_send(req, &resp);
    if (resp) threecx_response_status(resp, &status);
    if (rc != THREECX_OK && rc != THREECX_E_HTTP) {
      CHECK(0, "%s: send: rc %d (%s)", id, rc, threecx_last_error());
      ok = 0;
    } else {
      char *rbody = NULL;
      threecx_response_body(resp, &rbody);
      if (status == 404 || status == 405 || status >= 500) {
        CHECK(0, "%s %s %s (set %s): status %d: %.300s", id, method, path, set, status, rbody ? rbody : "");
        ok = 0;
      } else {
        ++answered;
        CHECK(status == want, "%s %s %s: status %d, the spec says %d: %.300s", id, method, path, status, want,
              rbody ? rbody : "");
        if (status != want) ok = 0;
      }
      if (ok && status == 204) {
        size_t n = 1;
        threecx_response_body_size(resp, &n);
        ++empties;
        CHECK(n == 0, "%s: 204 with %zu bytes", id, n);
        ok = n == 0;
      } else if (ok && kind == THREECX_RESPONSE_FILE) {
        char *cd = NULL;
        size_t n = 0;
        threecx_response_body_size(resp, &n);
        ++files;
        ok = threecx_response_header(resp, "Content-Disposition", &cd) == THREECX_OK && strstr(cd, "attachment") &&
             n > 0;
        CHECK(ok, "%s: a file without Content-Disposition or bytes", id);
        threecx_free(cd);
      } else if (ok) {
        cJSON *json = cJSON_Parse(rbody ? rbody : "");
        g_why[0] = 0;
        ok = json != NULL && validate(schema, json, "$", 0);
        CHECK(ok, "%s %s %s: body does not validate: %s: %.300s", id, method, path, json ? g_why : "not JSON",
              rbody ? rbody : "");
        if (ok && paged) {
          ++pages;
          CHECK(cJSON_GetArraySize(get(json, "value")) <= 2 && cJSON_IsNumber(get(json, "@odata.count")),
                "%s: $top=2&$count=true: %.300s", id, rbody);
        }
        cJSON_Delete(json);
      }
      threecx_free(rbody);
    }
    if (ok) ++valid;
    if (ok && resp) dump_answer(id, status, resp);
    cJSON_Delete(body);
    cJSON_Delete(ent);
    threecx_response_free(resp);
    threecx_request_free(req);
  }
  printf("%zu of %zu operations answered (no 404/405/5xx); %zu schema-valid (%zu empty 204, %zu files); "
         "%zu collections paged with $top/$count\n",
         answered, count, valid, empties, files, pages);
  free(order);
  threecx_client_free(client);
  sim_stop(&s);
  check_state_and_faults(argv[1]);
  check_relation_changes(argv[1]);
  cJSON_Delete(g_spec);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
