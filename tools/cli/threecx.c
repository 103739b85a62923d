/* threecx: the command-line tool. Every XAPI operation of the catalog from a
 * shell, through the public C API only (a worked example of it).
 *
 *   threecx ops [WORD]              list operations (id, method, path);
 *                                   WORD filters by id, tag or path
 *   threecx describe OPERATION      method, path, parameters and types,
 *                                   options, body, response kind
 *   threecx call OPERATION [Name=value ...] [options]
 *   threecx get PATH [options]      GET of a path under /xapi/v1
 *
 * options: --top N --skip N --filter F --search S --orderby O --select S
 *          --expand E --count  --null NAME (a nullable parameter sent as
 *          null)  --body JSON | --body @FILE  --if-match ETAG
 *          --out FILE (write the body there; files are streamed)
 *
 * The PBX comes from the environment, as for the library:
 * THREECX_DOMAIN, THREECX_CLIENT_ID, THREECX_API_KEY (the key is never taken
 * from the command line, where `ps` would show it), THREECX_CA_FILE,
 * THREECX_ALLOW_HTTP=1 for http:// domains.
 *
 * Exit status: 0 success, 1 an HTTP error (the OData code and message on
 * stderr, the body on stdout), 2 a usage error, 3 any other failure. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

static const char *g_prog = "threecx";

static int usage(const char *why) {
  if (why) fprintf(stderr, "%s: %s\n", g_prog, why);
  fprintf(stderr,
          "usage: %s ops [WORD]\n"
          "       %s describe OPERATION\n"
          "       %s call OPERATION [Name=value ...] [options]\n"
          "       %s get PATH [options]\n"
          "options: --top N --skip N --filter F --search S --orderby O --select S --expand E\n"
          "         --count --null NAME --body JSON|@FILE --if-match ETAG --out FILE\n"
          "environment: THREECX_DOMAIN THREECX_CLIENT_ID THREECX_API_KEY [THREECX_CA_FILE]\n"
          "             [THREECX_ALLOW_HTTP=1]\n",
          g_prog, g_prog, g_prog, g_prog);
  return 2;
}

/* A library failure: its name and message on stderr; 3. */
static int failed(const char *what, int rc) {
  fprintf(stderr, "%s: %s: %s (%s)\n", g_prog, what, threecx_last_error(), threecx_error_name(rc));
  return 3;
}

static const char *type_name(int32_t t) {
  switch (t) {
    case THREECX_TYPE_STRING: return "string";
    case THREECX_TYPE_INT32: return "int32";
    case THREECX_TYPE_BOOL: return "bool";
    case THREECX_TYPE_GUID: return "guid";
    case THREECX_TYPE_DATETIME: return "date-time";
  }
  return "?";
}

static const char *kind_name(int32_t k) {
  switch (k) {
    case THREECX_RESPONSE_NONE: return "none (204)";
    case THREECX_RESPONSE_COLLECTION: return "collection";
    case THREECX_RESPONSE_ENTITY: return "entity";
    case THREECX_RESPONSE_VALUE: return "value";
    case THREECX_RESPONSE_FILE: return "file";
  }
  return "?";
}

static int cmd_ops(const char *word) {
  size_t n = 0, i, shown = 0;
  threecx_operation_count(&n);
  for (i = 0; i < n; ++i) {
    const threecx_operation *op = NULL;
    const char *id = "", *m = "", *path = "", *tag = "";
    threecx_operation_at(i, &op);
    threecx_operation_id(op, &id);
    threecx_operation_method(op, &m);
    threecx_operation_path(op, &path);
    threecx_operation_tag(op, &tag);
    if (word && !strstr(id, word) && !strstr(tag, word) && !strstr(path, word)) continue;
    printf("%-48s %-6s %s\n", id, m, path);
    ++shown;
  }
  return shown || !word ? 0 : 1;
}

static int cmd_describe(const char *id) {
  const threecx_operation *op = NULL;
  const char *m = "", *path = "", *tag = "", *summary = "", *fn = "";
  int32_t opts = 0, body = 0, im = 0, kind = 0;
  size_t np = 0, i;
  int rc = threecx_operation_find(id, &op);
  if (rc != THREECX_OK) return failed("describe", rc);
  threecx_operation_method(op, &m);
  threecx_operation_path(op, &path);
  threecx_operation_tag(op, &tag);
  threecx_operation_summary(op, &summary);
  threecx_operation_function(op, &fn);
  threecx_operation_options(op, &opts);
  threecx_operation_has_body(op, &body);
  threecx_operation_has_if_match(op, &im);
  threecx_operation_response_kind(op, &kind);
  threecx_operation_param_count(op, &np);
  printf("%s %s\n  tag: %s\n  summary: %s\n  C function: %s\n", m, path, tag, summary, fn);
  for (i = 0; i < np; ++i) {
    const char *name = "";
    int32_t t = 0, nullable = 0;
    threecx_operation_param_name(op, i, &name);
    threecx_operation_param_type(op, i, &t);
    threecx_operation_param_nullable(op, i, &nullable);
    printf("  parameter %s: %s%s\n", name, type_name(t), nullable ? " (nullable)" : "");
  }
  printf("  options:%s%s%s%s%s%s%s%s%s\n", opts & THREECX_OPT_FILTER ? " $filter" : "",
         opts & THREECX_OPT_SEARCH ? " $search" : "", opts & THREECX_OPT_ORDERBY ? " $orderby" : "",
         opts & THREECX_OPT_SELECT ? " $select" : "", opts & THREECX_OPT_EXPAND ? " $expand" : "",
         opts & THREECX_OPT_COUNT ? " $count" : "", opts & THREECX_OPT_TOP ? " $top" : "",
         opts & THREECX_OPT_SKIP ? " $skip" : "", opts ? "" : " none");
  printf("  body: %s\n  If-Match: %s\n  response: %s\n", body ? "JSON" : "none", im ? "yes" : "no",
         kind_name(kind));
  return 0;
}

/* The whole file as a NUL-terminated string (malloc'ed), or NULL. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  if (!f) return NULL;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      char *nb = realloc(buf, cap = (cap ? cap * 2 : 8192) + 4096);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t n = fread(buf + len, 1, 4096, f);
    len += n;
    if (n < 4096) break;
  }
  fclose(f);
  buf[len] = '\0';
  return buf;
}

/* Sets a path parameter by the catalog's type (typed setters check it);
 * -1 for a value this tool refuses itself (message printed). */
static int set_param(threecx_request *r, const threecx_operation *op, const char *name, const char *value) {
  size_t np = 0, i;
  int32_t t = THREECX_TYPE_STRING;
  if (op) {
    threecx_operation_param_count(op, &np);
    for (i = 0; i < np; ++i) {
      const char *pn = "";
      threecx_operation_param_name(op, i, &pn);
      if (strcmp(pn, name) == 0) threecx_operation_param_type(op, i, &t);
    }
  }
  switch (t) {
    case THREECX_TYPE_INT32: {
      char *end = NULL;
      long long v;
      errno = 0;
      v = strtoll(value, &end, 10);
      if (!*value || *end || errno) {
        fprintf(stderr, "%s: parameter %s: '%s' is not an integer\n", g_prog, name, value);
        return -1;
      }
      return threecx_request_set_param_int(r, name, (int64_t)v);
    }
    case THREECX_TYPE_BOOL:
      if (strcmp(value, "true") && strcmp(value, "false")) {
        fprintf(stderr, "%s: parameter %s: '%s' is not true or false\n", g_prog, name, value);
        return -1;
      }
      return threecx_request_set_param_bool(r, name, strcmp(value, "true") == 0);
    case THREECX_TYPE_GUID: return threecx_request_set_param_guid(r, name, value);
    case THREECX_TYPE_DATETIME: return threecx_request_set_param_datetime(r, name, value);
    default: return threecx_request_set_param_string(r, name, value);
  }
}

/* call/get: builds, sends, prints. */
static int cmd_send(threecx_client *c, int is_call, const char *target, int argc, char **argv) {
  const threecx_operation *op = NULL;
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  threecx_query *q = NULL;
  const char *out_path = NULL;
  char *body = NULL;
  int rc, i, status_rc = 0;
  int32_t status = 0;

  if (is_call) {
    rc = threecx_operation_find(target, &op);
    if (rc == THREECX_OK) rc = threecx_request_new_op(c, target, &r);
  } else {
    rc = threecx_request_new(c, "GET", target, &r);
  }
  if (rc != THREECX_OK) return failed(is_call ? "call" : "get", rc);
  threecx_query_new(&q);
  for (i = 0; i < argc && rc == THREECX_OK; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    const char *eq = strchr(a, '=');
    if (strncmp(a, "--", 2) != 0 && eq && is_call) {
      char name[128];
      size_t n = (size_t)(eq - a);
      if (n == 0 || n >= sizeof name) {
        rc = -1;
        fprintf(stderr, "%s: bad parameter '%s'\n", g_prog, a);
        break;
      }
      memcpy(name, a, n);
      name[n] = '\0';
      rc = set_param(r, op, name, eq + 1);
      continue;
    }
    if (strcmp(a, "--count") == 0) {
      rc = threecx_query_set_count(q, 1);
      continue;
    }
    if (!v) {
      threecx_query_free(q);
      threecx_request_free(r);
      return usage(strncmp(a, "--", 2) == 0 ? "an option needs a value" : "unexpected argument");
    }
    ++i;
    if (strcmp(a, "--top") == 0) rc = threecx_query_set_top(q, strtoll(v, NULL, 10));
    else if (strcmp(a, "--skip") == 0) rc = threecx_query_set_skip(q, strtoll(v, NULL, 10));
    else if (strcmp(a, "--filter") == 0) rc = threecx_query_set_filter(q, v);
    else if (strcmp(a, "--search") == 0) rc = threecx_query_set_search(q, v);
    else if (strcmp(a, "--orderby") == 0) rc = threecx_query_set_orderby(q, v);
    else if (strcmp(a, "--select") == 0) rc = threecx_query_set_select(q, v);
    else if (strcmp(a, "--expand") == 0) rc = threecx_query_set_expand(q, v);
    else if (strcmp(a, "--null") == 0) rc = threecx_request_set_param_null(r, v);
    else if (strcmp(a, "--if-match") == 0) rc = threecx_request_add_header(r, "If-Match", v);
    else if (strcmp(a, "--out") == 0) out_path = v;
    else if (strcmp(a, "--body") == 0) {
      if (v[0] == '@') {
        body = slurp(v + 1);
        if (!body) {
          fprintf(stderr, "%s: cannot read %s: %s\n", g_prog, v + 1, strerror(errno));
          threecx_query_free(q);
          threecx_request_free(r);
          return 3;
        }
        rc = threecx_request_set_body(r, body);
      } else {
        rc = threecx_request_set_body(r, v);
      }
    } else {
      threecx_query_free(q);
      threecx_request_free(r);
      return usage("unknown option");
    }
  }
  if (rc == THREECX_OK) {
    char *qs = NULL;
    if (threecx_query_to_string(q, &qs) == THREECX_OK && qs && *qs) rc = threecx_request_set_query(r, q);
    threecx_free(qs);
  }
  free(body);
  threecx_query_free(q);
  if (rc == -1) {  /* refused here, message printed */
    threecx_request_free(r);
    return 2;
  }
  if (rc != THREECX_OK) {
    int e = failed("request", rc);
    threecx_request_free(r);
    return e;
  }
  rc = out_path ? threecx_request_send_to_file(r, out_path, &resp) : threecx_request_send(r, &resp);
  threecx_request_free(r);
  if (rc != THREECX_OK && rc != THREECX_E_HTTP) return failed("send", rc);
  threecx_response_status(resp, &status);
  if (rc == THREECX_E_HTTP) {
    char *code = NULL, *msg = NULL;
    threecx_response_error_code(resp, &code);
    threecx_response_error_message(resp, &msg);
    fprintf(stderr, "%s: HTTP %d %s: %s\n", g_prog, (int)status, code ? code : "", msg ? msg : "");
    threecx_free(code);
    threecx_free(msg);
    status_rc = 1;
  }
  if (!out_path || rc == THREECX_E_HTTP) {
    unsigned char *bytes = NULL;
    size_t size = 0;
    threecx_response_body_bytes(resp, &bytes, &size);
    if (size) {
      fwrite(bytes, 1, size, stdout);
      if (bytes[size - 1] != '\n') fputc('\n', stdout);
    }
    threecx_free(bytes);
  } else {
    fprintf(stderr, "%s: HTTP %d, body written to %s\n", g_prog, (int)status, out_path);
  }
  threecx_response_free(resp);
  return status_rc;
}

int main(int argc, char **argv) {
  threecx_client *c = NULL;
  int rc;
  if (argc < 2) return usage(NULL);
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    usage(NULL);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("threecx %s (XAPI %s)\n", threecx_version(), threecx_xapi_version());
    return 0;
  }
  if (strcmp(argv[1], "ops") == 0) return argc > 3 ? usage("ops takes one WORD") : cmd_ops(argc > 2 ? argv[2] : NULL);
  if (strcmp(argv[1], "describe") == 0) return argc != 3 ? usage("describe takes an OPERATION") : cmd_describe(argv[2]);
  if (strcmp(argv[1], "call") != 0 && strcmp(argv[1], "get") != 0) return usage("unknown command");
  if (argc < 3) return usage("call and get need a target");
  for (rc = 1; rc < argc; ++rc)
    if (strcmp(argv[rc], "--api-key") == 0)
      return usage("the API key is read from THREECX_API_KEY only (the command line shows in `ps`)");

  rc = threecx_client_new_from_env(&c);
  if (rc != THREECX_OK) return failed("client", rc);
  if (getenv("THREECX_CA_FILE") && (rc = threecx_client_set_ca_file(c, getenv("THREECX_CA_FILE"))) != THREECX_OK) {
    threecx_client_free(c);
    return failed("THREECX_CA_FILE", rc);
  }
  if (getenv("THREECX_ALLOW_HTTP") && strcmp(getenv("THREECX_ALLOW_HTTP"), "1") == 0) threecx_client_allow_http(c, 1);
  threecx_client_set_timeout_ms(c, 60000);
  rc = cmd_send(c, strcmp(argv[1], "call") == 0, argv[2], argc - 3, argv + 3);
  threecx_client_free(c);
  return rc;
}
