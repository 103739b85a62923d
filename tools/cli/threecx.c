/* threecx: the command-line tool. Every XAPI operation of the catalog from a
 * shell, through the public C API only. `threecx help` is the reference; the
 * man page threecx(1) is generated from it at build time. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *g_prog = "threecx";

/* ======================================================================== */
/* Help. The text is the single source of --help, `threecx help` and the man
 * page (tools/cli/help2man.sh turns it into roff). */

static const char HELP_MAIN[] =
    "threecx - the 3CX V20 Configuration API (XAPI) from a shell\n"
    "\n"
    "Usage:\n"
    "  threecx ops [WORD]\n"
    "  threecx describe OPERATION [--depth N]\n"
    "  threecx schema [TYPE] [--depth N]\n"
    "  threecx call OPERATION [Name=value ...] [options]\n"
    "  threecx get PATH [options]\n"
    "  threecx profiles\n"
    "  threecx completion bash|zsh|fish\n"
    "  threecx help [COMMAND|OPERATION]\n"
    "\n"
    "Commands:\n"
    "  ops [WORD]            list operations whose id, tag or path contains WORD (any case)\n"
    "  describe OPERATION    method, path, parameters, options, body and response fields\n"
    "  schema [TYPE]         the fields of a schema (e.g. Pbx.User); without TYPE, all schemas\n"
    "  call OPERATION        send an operation; path parameters as Name=value\n"
    "  get PATH              GET any path under /xapi/v1, e.g. /Users\n"
    "  profiles              list the profiles of the config file\n"
    "  completion SHELL      print the completion script for bash, zsh or fish\n"
    "  help [TOPIC]          this text, a command's help or an operation's help\n"
    "\n"
    "Query options (call, get):\n"
    "  --filter EXPR         $filter, e.g. \"Number eq '100'\"\n"
    "  --search TEXT         $search\n"
    "  --orderby LIST        $orderby, e.g. \"Number desc\"\n"
    "  --select LIST         $select, e.g. Id,Number\n"
    "  --fields LIST         the same as --select\n"
    "  --expand LIST         $expand\n"
    "  --top N               $top (N >= 0); with --paginate, the most items to fetch\n"
    "  --skip N              $skip (N >= 0)\n"
    "  --count               $count=true\n"
    "\n"
    "Request options (call):\n"
    "  --null NAME           send the nullable parameter NAME as null\n"
    "  --body JSON           the request body; @FILE reads a file, @- standard input\n"
    "  --if-match ETAG       If-Match header (optimistic concurrency)\n"
    "\n"
    "Output options:\n"
    "  --pretty              indent JSON (the default when standard output is a terminal)\n"
    "  --compact             JSON on one line (the default when piped)\n"
    "  -i, --include         print the status line and response headers first (with\n"
    "                        --out, on standard error after the transfer)\n"
    "  --paginate            fetch every page of a collection; prints one JSON array\n"
    "  --jsonl               with --paginate, one item per line as it arrives\n"
    "  --page-size N         items per request with --paginate (default 100)\n"
    "  --out FILE            write the body to FILE (- for standard output), streamed;\n"
    "                        a progress bar shows on standard error when it is a terminal\n"
    "\n"
    "Connection options:\n"
    "  --profile NAME        use profile NAME of the config file\n"
    "  --profiles LIST       run the call against each profile of LIST (a,b,c or all)\n"
    "                        concurrently; one JSON line per profile\n"
    "  --allow-http          permit an http:// domain (the key then travels in clear)\n"
    "  --ca-file FILE        CA bundle (PEM) to verify the PBX's certificate\n"
    "  --timeout SECONDS     total time for one HTTP exchange (default 60, 0 = none)\n"
    "  --retry N             retry transient failures up to N times (default 0)\n"
    "\n"
    "Environment:\n"
    "  THREECX_DOMAIN        the PBX, e.g. pbx.example.com:5001 (when no profile is chosen)\n"
    "  THREECX_CLIENT_ID     the API integration's Client ID\n"
    "  THREECX_API_KEY       the API key (never taken from the command line)\n"
    "  THREECX_CA_FILE       as --ca-file\n"
    "  THREECX_ALLOW_HTTP    1: as --allow-http\n"
    "  THREECX_PROFILE       the profile to use when --profile is not given\n"
    "  THREECX_CONFIG        the config file to read instead of the default\n"
    "  NO_COLOR              set: no colours\n"
    "\n"
    "Files:\n"
    "  ~/.config/threecx/config\n"
    "                        profiles ($XDG_CONFIG_HOME/threecx/config); see threecx help profiles.\n"
    "                        Without --profile, THREECX_PROFILE or THREECX_DOMAIN, profile\n"
    "                        [default] is used if present\n"
    "\n"
    "Exit status:\n"
    "  0                     success\n"
    "  1                     the PBX answered an HTTP error (its body is still printed)\n"
    "  2                     a usage error: command, option, parameter, body or config file\n"
    "  3                     network, TLS, authentication or any other failure\n"
    "\n"
    "Examples:\n"
    "  threecx ops user\n"
    "  threecx describe CreateWeblink\n"
    "  threecx call ListUser --fields Id,Number,FirstName --top 5\n"
    "  threecx call ListUser --paginate --jsonl --fields Number\n"
    "  threecx call GetUser Id=42 -i\n"
    "  threecx call CreateWeblink --body @weblink.json\n"
    "  threecx call DownloadRecording recId=7 --out rec.wav\n"
    "  threecx --profiles all call GetSystemStatus\n";

static const char HELP_OPS[] =
    "Usage: threecx ops [WORD]\n"
    "\n"
    "Lists operations (id, method, path). WORD filters by operation id, tag or\n"
    "path, in any case; with no match, the closest operation ids are suggested.\n";
static const char HELP_DESCRIBE[] =
    "Usage: threecx describe OPERATION [--depth N]\n"
    "\n"
    "Shows an operation: method, path, parameters with their types, the query\n"
    "options it accepts, and the fields of its request body and response\n"
    "(name, type, nullability, enum values), nested objects expanded to depth N\n"
    "(default 1). Same as threecx call OPERATION --help.\n";
static const char HELP_SCHEMA[] =
    "Usage: threecx schema [TYPE] [--depth N]\n"
    "\n"
    "Shows the fields of schema TYPE (e.g. Pbx.User, or just User, any case),\n"
    "nested objects expanded to depth N (default 1). Without TYPE, lists every\n"
    "schema.\n";
static const char HELP_CALL[] =
    "Usage: threecx call OPERATION [Name=value ...] [options]\n"
    "\n"
    "Sends operation OPERATION (see threecx ops). Path parameters are given as\n"
    "Name=value and checked against their type (int32, bool, guid, date-time\n"
    "such as 2026-01-01T00:00:00Z); --null NAME sends a nullable one as null.\n"
    "threecx call OPERATION --help shows the operation's own help.\n"
    "Options: see threecx help (query, request, output and connection options).\n";
static const char HELP_GET[] =
    "Usage: threecx get PATH [options]\n"
    "\n"
    "GET of any PATH under /xapi/v1 (e.g. /Users or /Defs), with the query,\n"
    "output and connection options of threecx help.\n";
static const char HELP_PROFILES[] =
    "Usage: threecx profiles\n"
    "\n"
    "Lists the profiles of the config file ($THREECX_CONFIG, else\n"
    "$XDG_CONFIG_HOME/threecx/config, else ~/.config/threecx/config). Format:\n"
    "\n"
    "  # comment\n"
    "  [NAME]\n"
    "  domain = pbx.example.com:5001\n"
    "  client_id = myapi\n"
    "  api_key_file = ~/.config/threecx/NAME.key   (refused unless mode 0600 or stricter)\n"
    "  api_key_command = pass show 3cx/NAME         (its standard output is the key)\n"
    "  api_key_env = NAME_API_KEY                   (a variable holding the key)\n"
    "  ca_file = /etc/ssl/private-ca.pem\n"
    "  timeout = 60                                 (seconds, 0 = none)\n"
    "  retry = 2\n"
    "  allow_http = false\n"
    "\n"
    "At most one api_key_* per profile; with none, THREECX_API_KEY is used.\n"
    "The key itself is never written in the config file.\n";
static const char HELP_COMPLETION[] =
    "Usage: threecx completion bash|zsh|fish\n"
    "\n"
    "Prints a completion script (commands, options, operation ids, parameter\n"
    "names of the chosen operation, profile names). The installed scripts\n"
    "load automatically; by hand: source <(threecx completion bash).\n";

/* ======================================================================== */
/* Messages. */

int usage_error(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s: ", g_prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return EXIT_USAGE;
}

static int lower(int c) { return tolower((unsigned char)c); }

size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t row[256];
  if (lb >= 255) lb = 255;
  for (j = 0; j <= lb; ++j) row[j] = j;
  for (i = 1; i <= la; ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (j = 1; j <= lb; ++j) {
      size_t cur = row[j];
      size_t best = prev + (lower(a[i - 1]) != lower(b[j - 1]));
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

static int icontains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; ++hay)
    if (strncasecmp(hay, needle, n) == 0) return 1;
  return n == 0;
}

/* Appends to `out` (", "-separated) up to 3 of the names closest to `word`. */
typedef struct {
  const char *name[3];
  size_t dist[3];
} suggest;

/* `cmp` is what is compared (cand itself, or a part of it). */
static void suggest_add2(suggest *s, const char *word, const char *cand, const char *cmp) {
  size_t d = edit_distance(word, cmp), lw = strlen(word), limit = lw < 6 ? 2 : lw / 3;
  int i, k;
  if (strcasecmp(word, cmp) == 0) d = 0;
  else if (d > limit && !(lw >= 4 && icontains(cmp, word))) return;
  if (d > limit) d = limit + 1; /* substring matches rank after close ones */
  for (i = 0; i < 3; ++i) {
    if (s->name[i] && strcmp(s->name[i], cand) == 0) return;
    if (!s->name[i] || d < s->dist[i]) {
      for (k = 2; k > i; --k) {
        s->name[k] = s->name[k - 1];
        s->dist[k] = s->dist[k - 1];
      }
      s->name[i] = cand;
      s->dist[i] = d;
      return;
    }
  }
}

static void suggest_add(suggest *s, const char *word, const char *cand) { suggest_add2(s, word, cand, cand); }

static void suggest_print(const suggest *s) {
  int i;
  if (!s->name[0]) return;
  fprintf(stderr, "%s: did you mean ", g_prog);
  for (i = 0; i < 3 && s->name[i]; ++i) fprintf(stderr, "%s%s", i ? (i + 1 < 3 && s->name[i + 1] ? ", " : " or ") : "", s->name[i]);
  fputs("?\n", stderr);
}

/* The advice for a library failure, in the CLI's terms. */
static void advise(int rc, const char *profile_name) {
  char where[160] = "";
  if (profile_name) snprintf(where, sizeof where, ", or set it in profile [%s]", profile_name);
  switch (rc) {
    case THREECX_E_INSECURE:
      fprintf(stderr, "%s: hint: the domain is http://; to send the key in clear anyway, set THREECX_ALLOW_HTTP=1 or pass --allow-http%s (allow_http = true)\n",
              g_prog, where);
      break;
    case THREECX_E_TLS:
      fprintf(stderr, "%s: hint: if the PBX uses a private CA, pass --ca-file FILE or set THREECX_CA_FILE%s (ca_file = FILE)\n",
              g_prog, where);
      break;
    case THREECX_E_AUTH:
      fprintf(stderr, "%s: hint: check the Client ID and API key (THREECX_CLIENT_ID, THREECX_API_KEY%s: client_id, api_key_file)\n",
              g_prog, profile_name ? "; profile" : "");
      break;
    case THREECX_E_TIMEOUT:
      fprintf(stderr, "%s: hint: --timeout SECONDS (0 = none) and --retry N%s (timeout, retry)\n", g_prog, where);
      break;
    case THREECX_E_INVALID_DOMAIN:
      fprintf(stderr, "%s: hint: the domain is host, host:port or https://host[:port] (THREECX_DOMAIN%s: domain)\n",
              g_prog, profile_name ? " or the profile's" : "");
      break;
    default: break;
  }
}

/* This thread's last library failure message, without the C-level advice. */
static const char *lib_message(void) {
  static __thread char buf[1024];
  const char *m = threecx_last_error();
  char *cut;
  snprintf(buf, sizeof buf, "%s", m ? m : "");
  if ((cut = strstr(buf, "; call threecx_client_allow_http"))) *cut = '\0';
  if ((cut = strstr(buf, " (call threecx_"))) *cut = '\0';
  return buf;
}

/* Exit status for a library error code. */
static int exit_for(int rc) {
  switch (rc) {
    case THREECX_OK: return 0;
    case THREECX_E_HTTP: return EXIT_HTTP;
    case THREECX_E_INVALID_ARGUMENT:
    case THREECX_E_INVALID_JSON:
    case THREECX_E_OPTION_REPEATED:
    case THREECX_E_UNKNOWN_PARAMETER:
    case THREECX_E_MISSING_PARAMETER:
    case THREECX_E_UNSUPPORTED:
    case THREECX_E_INVALID_DOMAIN: return EXIT_USAGE;
    default: return EXIT_FAIL;
  }
}

static int failed(const char *what, int rc, const char *profile_name) {
  fprintf(stderr, "%s: %s: %s (%s)\n", g_prog, what, lib_message(), threecx_error_name(rc));
  advise(rc, profile_name);
  return exit_for(rc);
}

/* ======================================================================== */
/* Arguments. */

enum { CMD_NONE, CMD_OPS, CMD_DESCRIBE, CMD_SCHEMA, CMD_CALL, CMD_GET, CMD_PROFILES, CMD_COMPLETION, CMD_HELP, CMD_COMPLETE };

typedef struct {
  const char *name;
  const char *value; /* NULL with is_null */
  int is_null;
} param_arg;

typedef struct {
  int cmd;
  const char *pos[64];
  int npos;
  int help;
  /* query */
  const char *filter, *search, *orderby, *select, *expand;
  int count, has_top, has_skip;
  int64_t top, skip;
  /* request */
  param_arg params[64];
  int nparams;
  const char *body_arg;
  char *body;
  const char *if_match;
  /* output */
  int pretty, compact, include, paginate, jsonl;
  int64_t page_size;
  const char *out;
  int64_t depth;
  /* connection */
  const char *profile, *profiles, *ca_file;
  int allow_http;
  int64_t timeout_ms;
  int64_t retry;
  const char *flag_used[40]; /* options given, for "does not apply" checks */
  int nflags;
} args;

enum { V_NONE, V_STR, V_UINT };

typedef struct {
  const char *name;
  int kind;
  int64_t max; /* V_UINT */
  const char *what; /* V_UINT: what N is */
} opt_def;

static const opt_def OPTS[] = {
    {"--filter", V_STR, 0, NULL},       {"--search", V_STR, 0, NULL},
    {"--orderby", V_STR, 0, NULL},      {"--select", V_STR, 0, NULL},
    {"--fields", V_STR, 0, NULL},       {"--expand", V_STR, 0, NULL},
    {"--top", V_UINT, 2147483647, "a whole number >= 0"},
    {"--skip", V_UINT, 2147483647, "a whole number >= 0"},
    {"--count", V_NONE, 0, NULL},       {"--null", V_STR, 0, NULL},
    {"--body", V_STR, 0, NULL},         {"--if-match", V_STR, 0, NULL},
    {"--pretty", V_NONE, 0, NULL},      {"--compact", V_NONE, 0, NULL},
    {"--include", V_NONE, 0, NULL},     {"--paginate", V_NONE, 0, NULL},
    {"--jsonl", V_NONE, 0, NULL},
    {"--page-size", V_UINT, 100000, "a whole number of items, 1..100000"},
    {"--out", V_STR, 0, NULL},
    {"--depth", V_UINT, 10, "a depth, 0..10"},
    {"--profile", V_STR, 0, NULL},      {"--profiles", V_STR, 0, NULL},
    {"--allow-http", V_NONE, 0, NULL},  {"--ca-file", V_STR, 0, NULL},
    {"--timeout", V_UINT, 2147483, "a whole number of seconds >= 0"},
    {"--retry", V_UINT, 100, "a number of retries, 0..100"},
    {"--help", V_NONE, 0, NULL},        {"--version", V_NONE, 0, NULL},
    {"--api-key", V_STR, 0, NULL},
};
#define NOPTS (sizeof OPTS / sizeof OPTS[0])

/* Strict non-negative integer: digits only, at most max. */
static int parse_uint(const char *s, int64_t max, int64_t *out) {
  int64_t v = 0;
  if (!*s) return -1;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return -1;
    if (v > (max - (*s - '0')) / 10) return -1;
    v = v * 10 + (*s - '0');
  }
  *out = v;
  return 0;
}

static int flag_given(const args *a, const char *name) {
  int i;
  for (i = 0; i < a->nflags; ++i)
    if (strcmp(a->flag_used[i], name) == 0) return 1;
  return 0;
}

static int set_option(args *a, const opt_def *o, const char *v) {
  const char *n = o->name;
  int64_t x = 0;
  if (strcmp(n, "--api-key") == 0)
    return usage_error("--api-key: the API key is read from THREECX_API_KEY, a key file or a command, never from the "
                       "command line (where ps shows it); see threecx help profiles");
  if (o->kind == V_UINT && parse_uint(v, o->max, &x))
    return usage_error("%s: '%s' is not %s", n, v, o->what);
  if (flag_given(a, n) && strcmp(n, "--null") != 0)
    return usage_error("%s given twice", n);
  if (a->nflags < (int)(sizeof a->flag_used / sizeof a->flag_used[0])) a->flag_used[a->nflags++] = n;
#define IS(s) (strcmp(n, s) == 0)
  if (IS("--filter")) a->filter = v;
  else if (IS("--search")) a->search = v;
  else if (IS("--orderby")) a->orderby = v;
  else if (IS("--select") || IS("--fields")) {
    if (a->select) return usage_error("--fields is the same as --select: give one of them");
    a->select = v;
  } else if (IS("--expand")) a->expand = v;
  else if (IS("--top")) a->has_top = 1, a->top = x;
  else if (IS("--skip")) a->has_skip = 1, a->skip = x;
  else if (IS("--count")) a->count = 1;
  else if (IS("--null")) {
    if (a->nparams >= 64) return usage_error("too many parameters");
    a->params[a->nparams].name = v;
    a->params[a->nparams].value = NULL;
    a->params[a->nparams++].is_null = 1;
  } else if (IS("--body")) a->body_arg = v;
  else if (IS("--if-match")) a->if_match = v;
  else if (IS("--pretty")) a->pretty = 1;
  else if (IS("--compact")) a->compact = 1;
  else if (IS("--include")) a->include = 1;
  else if (IS("--paginate")) a->paginate = 1;
  else if (IS("--jsonl")) a->jsonl = 1;
  else if (IS("--page-size")) {
    if (x < 1) return usage_error("--page-size: '%s' is not %s", v, o->what);
    a->page_size = x;
  } else if (IS("--out")) a->out = v;
  else if (IS("--depth")) a->depth = x;
  else if (IS("--profile")) a->profile = v;
  else if (IS("--profiles")) a->profiles = v;
  else if (IS("--allow-http")) a->allow_http = 1;
  else if (IS("--ca-file")) a->ca_file = v;
  else if (IS("--timeout")) a->timeout_ms = x * 1000;
  else if (IS("--retry")) a->retry = x;
  else if (IS("--help")) a->help = 1;
#undef IS
  if (o->kind == V_STR && !*v && strcmp(n, "--body") != 0) return usage_error("%s: the value is empty", n);
  return 0;
}

static int parse_args(int argc, char **argv, args *a) {
  int i, dashdash = 0;
  for (i = 1; i < argc; ++i) {
    const char *s = argv[i];
    if (!dashdash && strcmp(s, "--") == 0) {
      dashdash = 1;
      continue;
    }
    if (!dashdash && s[0] == '-' && s[1] != '\0') {
      char name[64];
      const char *eq = strchr(s, '=');
      const char *val = NULL;
      size_t n = eq ? (size_t)(eq - s) : strlen(s), k;
      const opt_def *o = NULL;
      int rc;
      if (strcmp(s, "-i") == 0) s = "--include", n = strlen(s);
      else if (strcmp(s, "-h") == 0) s = "--help", n = strlen(s);
      if (n >= sizeof name) n = sizeof name - 1;
      memcpy(name, s, n);
      name[n] = '\0';
      for (k = 0; k < NOPTS; ++k)
        if (strcmp(OPTS[k].name, name) == 0) o = &OPTS[k];
      if (!o) {
        suggest sg = {{0}, {0}};
        int r = usage_error("unknown option '%s'", name);
        for (k = 0; k < NOPTS; ++k) suggest_add(&sg, name, OPTS[k].name);
        suggest_print(&sg);
        fprintf(stderr, "%s: see threecx help\n", g_prog);
        return r;
      }
      if (strcmp(o->name, "--version") == 0) {
        printf("threecx %s (XAPI %s)\n", threecx_version(), threecx_xapi_version());
        exit(0);
      }
      if (o->kind == V_NONE) {
        if (eq) return usage_error("%s takes no value", o->name);
      } else if (eq) {
        val = eq + 1;
      } else if (i + 1 < argc) {
        val = argv[++i];
      } else {
        return usage_error("%s needs a value", o->name);
      }
      if ((rc = set_option(a, o, val ? val : "")) != 0) return rc;
      continue;
    }
    if (a->npos >= 64) return usage_error("too many arguments");
    a->pos[a->npos++] = s;
  }
  return 0;
}

/* Options that make no sense for a command. */
static int check_applicable(const args *a, const char *cmd, const char *const *allowed) {
  int i;
  for (i = 0; i < a->nflags; ++i) {
    const char *const *p;
    int ok = strcmp(a->flag_used[i], "--help") == 0;
    for (p = allowed; *p && !ok; ++p) ok = strcmp(*p, a->flag_used[i]) == 0;
    if (!ok) return usage_error("%s does not apply to threecx %s", a->flag_used[i], cmd);
  }
  return 0;
}

/* ======================================================================== */
/* ops, describe. */

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
    case THREECX_RESPONSE_COLLECTION: return "collection (--paginate walks every page)";
    case THREECX_RESPONSE_ENTITY: return "entity";
    case THREECX_RESPONSE_VALUE: return "value";
    case THREECX_RESPONSE_FILE: return "file (use --out FILE)";
  }
  return "?";
}

/* The closest operation ids to `word`, printed as a suggestion. */
static void suggest_ops(const char *word) {
  size_t n = 0, i;
  suggest sg = {{0}, {0}};
  threecx_operation_count(&n);
  for (i = 0; i < n; ++i) {
    const threecx_operation *op = NULL;
    const char *id = "";
    threecx_operation_at(i, &op);
    threecx_operation_id(op, &id);
    suggest_add(&sg, word, id);
    /* and without the verb: Wbelink -> GetWeblink */
    {
      const char *rest = id + 1;
      while (*rest && !isupper((unsigned char)*rest)) ++rest;
      if (*rest) suggest_add2(&sg, word, id, rest);
    }
  }
  suggest_print(&sg);
}

static int find_op(const char *id, const threecx_operation **op) {
  if (threecx_operation_find(id, op) == THREECX_OK) return 0;
  usage_error("no XAPI operation '%s'", id);
  suggest_ops(id);
  fprintf(stderr, "%s: list them with: threecx ops [WORD]\n", g_prog);
  return EXIT_USAGE;
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
    if (word && !icontains(id, word) && !icontains(tag, word) && !icontains(path, word)) continue;
    printf("%-48s %-6s %s\n", id, m, path);
    ++shown;
  }
  if (!shown) {
    fprintf(stderr, "%s: no operation matches '%s'\n", g_prog, word);
    suggest_ops(word);
  }
  return 0;
}

static void print_options(int32_t opts) {
  printf("%s%s%s%s%s%s%s%s%s", opts & THREECX_OPT_FILTER ? " --filter" : "", opts & THREECX_OPT_SEARCH ? " --search" : "",
         opts & THREECX_OPT_ORDERBY ? " --orderby" : "", opts & THREECX_OPT_SELECT ? " --select/--fields" : "",
         opts & THREECX_OPT_EXPAND ? " --expand" : "", opts & THREECX_OPT_COUNT ? " --count" : "",
         opts & THREECX_OPT_TOP ? " --top" : "", opts & THREECX_OPT_SKIP ? " --skip" : "", opts ? "" : " none");
}

static int cmd_describe(const char *id, int depth) {
  const threecx_operation *op = NULL;
  const char *m = "", *path = "", *tag = "", *summary = "", *fn = "";
  int32_t opts = 0, body = 0, im = 0, kind = 0;
  size_t np = 0, i;
  int rc = find_op(id, &op);
  if (rc) return rc;
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
  printf("%s: %s %s\n  %s\n  tag: %s\n\nUsage: threecx call %s", id, m, path, summary, tag, id);
  for (i = 0; i < np; ++i) {
    const char *name = "";
    threecx_operation_param_name(op, i, &name);
    printf(" %s=VALUE", name);
  }
  if (body) printf(" --body JSON|@FILE|@-");
  printf(" [options]\n\nParameters:%s\n", np ? "" : " none");
  for (i = 0; i < np; ++i) {
    const char *name = "";
    int32_t t = 0, nullable = 0;
    threecx_operation_param_name(op, i, &name);
    threecx_operation_param_type(op, i, &t);
    threecx_operation_param_nullable(op, i, &nullable);
    printf("  %-24s %s%s\n", name, type_name(t), nullable ? ", nullable (--null NAME)" : ", required");
  }
  printf("Options:");
  print_options(opts);
  printf("\n");
  if (im) printf("If-Match: --if-match ETAG\n");
  printf("Response: %s\n", kind_name(kind));
  printf("C function: %s\n", fn);
  schema_describe_op(id, depth);
  return 0;
}

/* ======================================================================== */
/* Requests. */

static char *slurp_stream(FILE *f) {
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    size_t n;
    if (len + 4096 + 1 > cap) {
      char *nb = realloc(buf, cap = (cap ? cap * 2 : 8192) + 4096);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
    }
    n = fread(buf + len, 1, 4096, f);
    len += n;
    if (n < 4096) break;
  }
  if (ferror(f)) {
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

static int load_body(args *a) {
  const char *v = a->body_arg;
  if (!v) return 0;
  if (v[0] == '@') {
    FILE *f = strcmp(v + 1, "-") == 0 ? stdin : fopen(v + 1, "rb");
    if (!f) return usage_error("--body: cannot read %s: %s", v + 1, strerror(errno));
    a->body = slurp_stream(f);
    if (f != stdin) fclose(f);
    if (!a->body) return usage_error("--body: cannot read %s", strcmp(v + 1, "-") ? v + 1 : "standard input");
  } else {
    size_t n = strlen(v) + 1;
    a->body = malloc(n);
    if (!a->body) return EXIT_FAIL;
    memcpy(a->body, v, n);
  }
  return 0;
}

static int opt_bit_check(const args *a, const char *id, int32_t opts) {
  static const struct {
    const char *flag;
    int32_t bit;
  } map[] = {{"--filter", THREECX_OPT_FILTER}, {"--search", THREECX_OPT_SEARCH}, {"--orderby", THREECX_OPT_ORDERBY},
             {"--select", THREECX_OPT_SELECT}, {"--fields", THREECX_OPT_SELECT}, {"--expand", THREECX_OPT_EXPAND},
             {"--count", THREECX_OPT_COUNT},   {"--top", THREECX_OPT_TOP},       {"--skip", THREECX_OPT_SKIP}};
  size_t k;
  for (k = 0; k < sizeof map / sizeof map[0]; ++k)
    if (flag_given(a, map[k].flag) && !(opts & map[k].bit)) {
      usage_error("%s does not take %s", id, map[k].flag);
      fprintf(stderr, "%s: %s takes:%s%s%s%s%s%s%s%s%s\n", g_prog, id, opts & THREECX_OPT_FILTER ? " --filter" : "",
              opts & THREECX_OPT_SEARCH ? " --search" : "", opts & THREECX_OPT_ORDERBY ? " --orderby" : "",
              opts & THREECX_OPT_SELECT ? " --select" : "", opts & THREECX_OPT_EXPAND ? " --expand" : "",
              opts & THREECX_OPT_COUNT ? " --count" : "", opts & THREECX_OPT_TOP ? " --top" : "",
              opts & THREECX_OPT_SKIP ? " --skip" : "", opts ? "" : " no query options");
      return EXIT_USAGE;
    }
  return 0;
}

/* Checks one Name=value against the operation and sets it. */
static int set_param(threecx_request *r, const threecx_operation *op, const char *id, const param_arg *p) {
  size_t np = 0, i;
  int32_t t = THREECX_TYPE_STRING, nullable = 0;
  const char *canon = NULL;
  int rc;
  threecx_operation_param_count(op, &np);
  for (i = 0; i < np; ++i) {
    const char *pn = "";
    threecx_operation_param_name(op, i, &pn);
    if (strcmp(pn, p->name) == 0) {
      canon = pn;
      threecx_operation_param_type(op, i, &t);
      threecx_operation_param_nullable(op, i, &nullable);
    }
  }
  if (!canon) {
    suggest sg = {{0}, {0}};
    usage_error("%s has no parameter '%s'%s", id, p->name, np ? "" : " (it takes none)");
    for (i = 0; i < np; ++i) {
      const char *pn = "";
      threecx_operation_param_name(op, i, &pn);
      suggest_add(&sg, p->name, pn);
    }
    suggest_print(&sg);
    return EXIT_USAGE;
  }
  if (p->is_null) {
    if (!nullable) return usage_error("--null %s: parameter %s of %s is not nullable", p->name, p->name, id);
    rc = threecx_request_set_param_null(r, p->name);
  } else {
    const char *v = p->value;
    switch (t) {
      case THREECX_TYPE_INT32: {
        const char *s = v;
        int64_t x;
        int neg = *s == '-';
        if (neg) ++s;
        if (parse_uint(s, neg ? 2147483648LL : 2147483647LL, &x))
          return usage_error("parameter %s: '%s' is not an int32 (a whole number)", p->name, v);
        rc = threecx_request_set_param_int(r, p->name, neg ? -x : x);
        break;
      }
      case THREECX_TYPE_BOOL:
        if (strcmp(v, "true") && strcmp(v, "false"))
          return usage_error("parameter %s: '%s' is not a bool (true or false)", p->name, v);
        rc = threecx_request_set_param_bool(r, p->name, strcmp(v, "true") == 0);
        break;
      case THREECX_TYPE_GUID:
        rc = threecx_request_set_param_guid(r, p->name, v);
        if (rc == THREECX_E_INVALID_ARGUMENT)
          return usage_error("parameter %s: '%s' is not a GUID (8-4-4-4-12 hex digits)", p->name, v);
        break;
      case THREECX_TYPE_DATETIME:
        rc = threecx_request_set_param_datetime(r, p->name, v);
        if (rc == THREECX_E_INVALID_ARGUMENT)
          return usage_error("parameter %s: '%s' is not a date-time (ISO 8601 with seconds and an offset, e.g. "
                             "2026-01-01T00:00:00Z)",
                             p->name, v);
        break;
      default: rc = threecx_request_set_param_string(r, p->name, v); break;
    }
  }
  if (rc != THREECX_OK) {
    usage_error("parameter %s: %s", p->name, lib_message());
    return exit_for(rc) == EXIT_USAGE ? EXIT_USAGE : EXIT_FAIL;
  }
  return 0;
}

/* Builds the request of `a` on client c: every argument is checked here,
 * before anything is sent. 0 or an exit status (message printed). */
static int build_request(threecx_client *c, const args *a, threecx_request **out) {
  const threecx_operation *op = NULL;
  threecx_request *r = NULL;
  threecx_query *q = NULL;
  const char *target = a->pos[1];
  int rc, e = 0, i;
  int32_t opts = 0xff, has_body = 1, im = 1;
  *out = NULL;
  if (a->cmd == CMD_CALL) {
    if ((e = find_op(target, &op))) return e;
    threecx_operation_options(op, &opts);
    threecx_operation_has_body(op, &has_body);
    threecx_operation_has_if_match(op, &im);
    if ((e = opt_bit_check(a, target, opts))) return e;
    if (a->body && !has_body) return usage_error("%s takes no body (--body)", target);
    if (a->if_match && !im) return usage_error("%s does not take --if-match", target);
    rc = threecx_request_new_op(c, target, &r);
  } else {
    if (target[0] != '/') return usage_error("get: PATH must start with '/', e.g. /Users");
    if (a->body) return usage_error("get takes no body (--body)");
    for (i = 0; i < a->nparams; ++i)
      if (a->params[i].is_null) return usage_error("get: --null applies to call");
    rc = threecx_request_new(c, "GET", target, &r);
  }
  if (rc != THREECX_OK) return failed(a->cmd == CMD_CALL ? "call" : "get", rc, NULL);
  for (i = 0; i < a->nparams; ++i) {
    int j;
    for (j = 0; j < i; ++j)
      if (strcmp(a->params[j].name, a->params[i].name) == 0) {
        threecx_request_free(r);
        return usage_error("parameter %s given twice", a->params[i].name);
      }
    if ((e = set_param(r, op, target, &a->params[i]))) {
      threecx_request_free(r);
      return e;
    }
  }
  if (op) {
    size_t np = 0, k;
    threecx_operation_param_count(op, &np);
    for (k = 0; k < np; ++k) {
      const char *pn = "";
      int32_t t = 0, nullable = 0, given = 0;
      threecx_operation_param_name(op, k, &pn);
      threecx_operation_param_type(op, k, &t);
      threecx_operation_param_nullable(op, k, &nullable);
      for (i = 0; i < a->nparams; ++i) given |= strcmp(a->params[i].name, pn) == 0;
      if (!given) {
        threecx_request_free(r);
        usage_error("%s needs parameter %s (%s): %s=VALUE%s", target, pn, type_name(t), pn,
                    nullable ? " or --null NAME" : "");
        fprintf(stderr, "%s: see threecx call %s --help\n", g_prog, target);
        return EXIT_USAGE;
      }
    }
  }
  threecx_query_new(&q);
  rc = THREECX_OK;
  if (a->filter) rc = threecx_query_set_filter(q, a->filter);
  if (rc == THREECX_OK && a->search) rc = threecx_query_set_search(q, a->search);
  if (rc == THREECX_OK && a->orderby) rc = threecx_query_set_orderby(q, a->orderby);
  if (rc == THREECX_OK && a->select) rc = threecx_query_set_select(q, a->select);
  if (rc == THREECX_OK && a->expand) rc = threecx_query_set_expand(q, a->expand);
  if (rc == THREECX_OK && a->count && !a->paginate) rc = threecx_query_set_count(q, 1);
  if (rc == THREECX_OK && a->has_top) rc = threecx_query_set_top(q, a->top);
  if (rc == THREECX_OK && a->has_skip) rc = threecx_query_set_skip(q, a->skip);
  if (rc == THREECX_OK) {
    char *qs = NULL;
    if (threecx_query_to_string(q, &qs) == THREECX_OK && qs && *qs) rc = threecx_request_set_query(r, q);
    threecx_free(qs);
  }
  threecx_query_free(q);
  if (rc == THREECX_OK && a->if_match) rc = threecx_request_add_header(r, "If-Match", a->if_match);
  if (rc != THREECX_OK) {
    threecx_request_free(r);
    return failed("query", rc, NULL);
  }
  if (a->body) {
    rc = threecx_request_set_body(r, a->body);
    if (rc != THREECX_OK) {
      threecx_request_free(r);
      return usage_error("--body: %s", lib_message());
    }
  }
  *out = r;
  return 0;
}

/* ======================================================================== */
/* Clients. */

typedef struct {
  const profile *prof;    /* NULL: the environment */
  const char *name;       /* profile name or NULL */
} target;

/* A client for a profile (or the environment); errors go to err. */
static int make_client(const args *a, const profile *p, threecx_client **out, char *err, size_t errlen, int *erc) {
  const char *domain, *client_id, *ca;
  char *key;
  int allow_http;
  int64_t timeout_ms, retry;
  threecx_client *c = NULL;
  int rc;
  *out = NULL;
  *erc = EXIT_USAGE;
  if (p) {
    domain = p->domain;
    client_id = p->client_id;
    if (!domain || !client_id) {
      snprintf(err, errlen, "profile %s: needs domain and client_id", p->name);
      return -1;
    }
  } else {
    domain = getenv("THREECX_DOMAIN");
    client_id = getenv("THREECX_CLIENT_ID");
    if (!domain || !*domain) {
      snprintf(err, errlen,
               "no PBX: set THREECX_DOMAIN, THREECX_CLIENT_ID and THREECX_API_KEY, or choose a profile "
               "(--profile NAME; threecx help profiles)");
      return -1;
    }
    if (!client_id || !*client_id) {
      snprintf(err, errlen, "no Client ID: set THREECX_CLIENT_ID");
      return -1;
    }
  }
  key = profile_api_key(p, err, errlen);
  if (!key) return -1;
  rc = threecx_client_new(domain, client_id, key, &c);
  key_free(key);
  if (rc != THREECX_OK) {
    snprintf(err, errlen, "%s%s%s (%s)", p ? "profile " : "", p ? p->name : "", p ? ": " : "", lib_message());
    *erc = exit_for(rc);
    return -1;
  }
  ca = a->ca_file ? a->ca_file : p && p->ca_file ? p->ca_file : getenv("THREECX_CA_FILE");
  allow_http = a->allow_http || (p && p->allow_http == 1) ||
               (!p && getenv("THREECX_ALLOW_HTTP") && strcmp(getenv("THREECX_ALLOW_HTTP"), "1") == 0);
  if (p && p->allow_http == -1 && getenv("THREECX_ALLOW_HTTP") && strcmp(getenv("THREECX_ALLOW_HTTP"), "1") == 0)
    allow_http = 1;
  timeout_ms = a->timeout_ms >= 0 ? a->timeout_ms : p && p->timeout_ms >= 0 ? p->timeout_ms : 60000;
  retry = a->retry >= 0 ? a->retry : p && p->retry >= 0 ? p->retry : 0;
  if (ca && *ca && (rc = threecx_client_set_ca_file(c, ca)) != THREECX_OK) {
    snprintf(err, errlen, "CA file %s: %s", ca, lib_message());
    threecx_client_free(c);
    return -1;
  }
  threecx_client_allow_http(c, allow_http);
  threecx_client_set_timeout_ms(c, timeout_ms);
  threecx_client_set_retry(c, (int32_t)retry, 250, 30000, 120000); /* 0: none (the CLI retries only on --retry) */
  {
    char ua[64];
    snprintf(ua, sizeof ua, "threecx-cli/%s", threecx_version());
    threecx_client_set_user_agent(c, ua);
  }
  *out = c;
  return 0;
}

/* ======================================================================== */
/* Output. */

static int g_pretty, g_color;

static int is_json_response(const threecx_response *resp) {
  char *ct = NULL;
  int json = 1;
  if (threecx_response_header(resp, "Content-Type", &ct) == THREECX_OK && ct) json = strstr(ct, "json") != NULL;
  threecx_free(ct);
  return json;
}

/* The status and every header field, as received (-i). */
static void print_headers(FILE *f, const threecx_response *resp) {
  int32_t status = 0;
  size_t i, n = 0;
  threecx_response_status(resp, &status);
  fprintf(f, "HTTP %d\n", (int)status);
  threecx_response_header_count(resp, &n);
  for (i = 0; i < n; ++i) {
    const char *name = NULL, *value = NULL;
    if (threecx_response_header_at(resp, i, &name, &value) == THREECX_OK) fprintf(f, "%s: %s\n", name, value);
  }
  fputc('\n', f);
}

static void print_body(FILE *f, const threecx_response *resp) {
  unsigned char *bytes = NULL;
  size_t size = 0;
  threecx_response_body_bytes(resp, &bytes, &size);
  if (size) {
    if (is_json_response(resp) && json_looks_like((const char *)bytes, size)) {
      json_write(f, (const char *)bytes, size, g_pretty, g_color, 0);
      fputc('\n', f);
    } else {
      fwrite(bytes, 1, size, f);
      if (bytes[size - 1] != '\n' && isatty(fileno(f))) fputc('\n', f);
    }
  }
  threecx_free(bytes);
}

static void print_http_error(const threecx_response *resp, const char *profile_name) {
  char *code = NULL, *msg = NULL;
  int32_t status = 0;
  threecx_response_status(resp, &status);
  threecx_response_error_code(resp, &code);
  threecx_response_error_message(resp, &msg);
  fprintf(stderr, "%s: %s%s%sHTTP %d%s%s%s%s\n", g_prog, profile_name ? "profile " : "", profile_name ? profile_name : "",
          profile_name ? ": " : "", (int)status, code ? " " : "", code ? code : "", msg ? ": " : "", msg ? msg : "");
  threecx_free(code);
  threecx_free(msg);
}

/* Downloads: body to a file (via a temporary next to it, renamed at the end)
 * or stdout, with a progress bar on a terminal. */
typedef struct {
  FILE *f;
  int progress;
  uint64_t bytes;
  int64_t total; /* Content-Length, -1 unknown */
  struct timespec start, last;
  int failed;
} sink;

/* The temporary file of a download in progress, removed on SIGINT/SIGTERM. */
static char g_part[4096];
static volatile sig_atomic_t g_part_set;

static void on_signal(int sig) {
  if (g_part_set) unlink(g_part);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void watch_part(int on) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on ? on_signal : SIG_DFL;
  sigemptyset(&sa.sa_mask);
  g_part_set = on;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

static double secs(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void human(char *buf, size_t n, double v) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (v >= 1024 && i < 4) v /= 1024, ++i;
  snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void progress_draw(sink *s, int final) {
  struct timespec now;
  char b[32], r[32];
  double t;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!final && secs(&s->last, &now) < 0.1) return;
  s->last = now;
  t = secs(&s->start, &now);
  human(b, sizeof b, (double)s->bytes);
  human(r, sizeof r, t > 0 ? (double)s->bytes / t : 0);
  if (s->total > 0) {
    /* the length is known: share done and time left at the rate so far */
    char tot[32], eta[32];
    double rate = t > 0 ? (double)s->bytes / t : 0, left = (double)s->total - (double)s->bytes;
    human(tot, sizeof tot, (double)s->total);
    if (final || left <= 0)
      snprintf(eta, sizeof eta, "done");
    else if (rate > 0)
      snprintf(eta, sizeof eta, "ETA %.0fs", left / rate + 0.5);
    else
      snprintf(eta, sizeof eta, "ETA --");
    fprintf(stderr, "\r%s: %12s / %-12s %3d%%  %12s/s  %5.1fs  %-10s%s", g_prog, b, tot,
            (int)((double)s->bytes * 100.0 / (double)s->total), r, t, eta, final ? "\n" : "");
  } else {
    fprintf(stderr, "\r%s: %12s  %12s/s  %5.1fs%s", g_prog, b, r, t, final ? "\n" : "");
  }
  fflush(stderr);
}

/* The library's progress report: the announced length, for the bar's ETA. */
static void sink_progress(void *ud, int64_t received, int64_t total) {
  sink *s = ud;
  (void)received;
  s->total = total;
}

static int32_t sink_write(void *ud, const unsigned char *data, size_t size) {
  sink *s = ud;
  if (fwrite(data, 1, size, s->f) != size) {
    s->failed = errno ? errno : EIO;
    return 1;
  }
  s->bytes += size;
  if (s->progress) progress_draw(s, 0);
  return 0;
}

/* ======================================================================== */
/* call / get, one PBX. */

static int send_one(const args *a, threecx_client *c, const char *profile_name) {
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  int rc, e;
  if ((e = build_request(c, a, &r))) return e;

  if (a->paginate) {
    threecx_pager *pg = NULL;
    const char *item = NULL; /* lent by the pager until its next call */
    size_t item_size = 0;
    int n = 0;
    rc = threecx_pager_new(r, a->page_size ? a->page_size : 100, &pg);
    threecx_request_free(r);
    if (rc != THREECX_OK) return failed("paginate", rc, profile_name);
    while ((rc = threecx_pager_next_item_view(pg, &item, &item_size)) == THREECX_OK) {
      if (a->jsonl) {
        json_write(stdout, item, item_size, 0, g_color, 0);
        fputc('\n', stdout);
        fflush(stdout);
      } else {
        fputc(n ? ',' : '[', stdout);
        if (g_pretty) fputs("\n  ", stdout);
        json_write(stdout, item, item_size, g_pretty, g_color, 1);
      }
      ++n;
    }
    /* The array is closed whatever happened, so that what was printed
     * stays valid JSON; an error then goes to stderr only. */
    if (!a->jsonl && (n || rc == THREECX_DONE)) fputs(!n ? "[]\n" : g_pretty ? "\n]\n" : "]\n", stdout);
    fflush(stdout);
    if (rc == THREECX_DONE) {
      threecx_pager_free(pg);
      return 0;
    }
    if (rc == THREECX_E_HTTP && threecx_pager_last_response(pg, &resp) == THREECX_OK) {
      print_http_error(resp, profile_name);
      print_body(n ? stderr : stdout, resp);
      threecx_response_free(resp);
      threecx_pager_free(pg);
      return EXIT_HTTP;
    }
    e = failed("paginate", rc, profile_name);
    threecx_pager_free(pg);
    return e;
  }

  if (a->out) {
    sink s;
    char *tmp = g_part;
    int to_stdout = strcmp(a->out, "-") == 0;
    memset(&s, 0, sizeof s);
    if (to_stdout) {
      s.f = stdout;
    } else {
      snprintf(tmp, sizeof g_part, "%s.part-%ld", a->out, (long)getpid());
      s.f = fopen(tmp, "wb");
      if (!s.f) {
        threecx_request_free(r);
        return usage_error("--out: cannot write %s: %s", a->out, strerror(errno));
      }
      watch_part(1);
    }
    s.progress = isatty(2) && !to_stdout;
    s.total = -1;
    if (s.progress) threecx_request_set_progress(r, sink_progress, &s);
    clock_gettime(CLOCK_MONOTONIC, &s.start);
    s.last = s.start;
    rc = threecx_request_send_to_callback(r, sink_write, &s, &resp);
    threecx_request_free(r);
    if (s.progress && s.bytes) progress_draw(&s, 1);
    if (!to_stdout) {
      int ok = rc == THREECX_OK && !s.failed;
      if (fclose(s.f) != 0) ok = 0;
      if (ok && rename(tmp, a->out) != 0) {
        s.failed = errno;
        ok = 0;
      }
      if (!ok) unlink(tmp);
      watch_part(0);
    } else {
      fflush(stdout);
    }
    if (s.failed) {
      threecx_response_free(resp);
      fprintf(stderr, "%s: --out %s: %s\n", g_prog, a->out, strerror(s.failed));
      return EXIT_FAIL;
    }
    if (rc != THREECX_OK && rc != THREECX_E_HTTP) return failed("send", rc, profile_name);
    if (a->include) print_headers(stderr, resp);
    if (rc == THREECX_E_HTTP) {
      print_http_error(resp, profile_name);
      print_body(to_stdout ? stdout : stderr, resp);
      threecx_response_free(resp);
      return EXIT_HTTP;
    }
    threecx_response_free(resp);
    return 0;
  }

  rc = threecx_request_send(r, &resp);
  threecx_request_free(r);
  if (rc != THREECX_OK && rc != THREECX_E_HTTP) return failed("send", rc, profile_name);
  if (a->include) print_headers(stdout, resp);
  if (rc == THREECX_E_HTTP) print_http_error(resp, profile_name);
  print_body(stdout, resp);
  fflush(stdout);
  threecx_response_free(resp);
  return rc == THREECX_E_HTTP ? EXIT_HTTP : 0;
}

/* ======================================================================== */
/* Fleets: the same call against several profiles, concurrently. */

typedef struct {
  const args *a;
  const profile *p;
  int rc;
  pthread_t th;
} fleet_job;

static pthread_mutex_t g_out_lock = PTHREAD_MUTEX_INITIALIZER;

static void fleet_line_error(const char *name, const char *err, const char *msg) {
  pthread_mutex_lock(&g_out_lock);
  fputs("{\"profile\":", stdout);
  json_write_string(stdout, name);
  fputs(",\"error\":", stdout);
  json_write_string(stdout, err);
  fputs(",\"message\":", stdout);
  json_write_string(stdout, msg);
  fputs("}\n", stdout);
  fflush(stdout);
  pthread_mutex_unlock(&g_out_lock);
}

static void *fleet_run(void *arg) {
  fleet_job *j = arg;
  threecx_client *c = NULL;
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  char err[1024];
  int erc = EXIT_USAGE, rc;
  if (make_client(j->a, j->p, &c, err, sizeof err, &erc)) {
    fleet_line_error(j->p->name, "config", err);
    j->rc = erc;
    return NULL;
  }
  /* Arguments were checked once before the threads started: quiet here. */
  rc = build_request(c, j->a, &r);
  if (rc) {
    fleet_line_error(j->p->name, "request", "the request could not be built");
    threecx_client_free(c);
    j->rc = rc;
    return NULL;
  }
  rc = threecx_request_send(r, &resp);
  threecx_request_free(r);
  if (rc != THREECX_OK && rc != THREECX_E_HTTP) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", lib_message());
    fleet_line_error(j->p->name, threecx_error_name(rc), msg);
    j->rc = exit_for(rc) == EXIT_USAGE ? EXIT_FAIL : exit_for(rc);
  } else {
    int32_t status = 0;
    unsigned char *bytes = NULL;
    size_t size = 0;
    threecx_response_status(resp, &status);
    threecx_response_body_bytes(resp, &bytes, &size);
    pthread_mutex_lock(&g_out_lock);
    fputs("{\"profile\":", stdout);
    json_write_string(stdout, j->p->name);
    fprintf(stdout, ",\"status\":%d,\"body\":", (int)status);
    if (!size) {
      fputs("null", stdout);
    } else if (json_looks_like((const char *)bytes, size)) {
      json_write(stdout, (const char *)bytes, size, 0, 0, 0);
    } else {
      char *s = malloc(size + 1);
      if (s) {
        memcpy(s, bytes, size);
        s[size] = '\0';
        json_write_string(stdout, s);
        free(s);
      }
    }
    fputs("}\n", stdout);
    fflush(stdout);
    pthread_mutex_unlock(&g_out_lock);
    threecx_free(bytes);
    j->rc = rc == THREECX_E_HTTP ? EXIT_HTTP : 0;
  }
  threecx_response_free(resp);
  threecx_client_free(c);
  return NULL;
}

static int run_fleet(const args *a, const config *cfg) {
  fleet_job jobs[256];
  int n = 0, i, worst = 0;
  if (a->paginate || a->out || a->include)
    return usage_error("--profiles prints one JSON line per PBX: --paginate, --out and --include do not apply");
  if (a->profile) return usage_error("give --profile or --profiles, not both");
  if (strcmp(a->profiles, "all") == 0) {
    const profile *p;
    for (p = cfg->profiles; p && n < 256; p = p->next) jobs[n++].p = p;
    if (!n) return usage_error("--profiles all: no profiles in %s", cfg->path ? cfg->path : "(no config file)");
  } else {
    const char *s = a->profiles;
    while (*s) {
      char name[256];
      size_t len = strcspn(s, ",");
      const profile *p;
      if (len == 0 || len >= sizeof name) return usage_error("--profiles: bad list '%s' (a,b,c or all)", a->profiles);
      memcpy(name, s, len);
      name[len] = '\0';
      p = config_find(cfg, name);
      if (!p) {
        suggest sg = {{0}, {0}};
        const profile *q;
        usage_error("--profiles: no profile '%s' in %s", name, cfg->path ? cfg->path : "(no config file)");
        for (q = cfg->profiles; q; q = q->next) suggest_add(&sg, name, q->name);
        suggest_print(&sg);
        return EXIT_USAGE;
      }
      if (n >= 256) return usage_error("--profiles: at most 256 profiles");
      jobs[n++].p = p;
      s += len;
      if (*s == ',') ++s;
    }
  }
  for (i = 0; i < n; ++i) {
    jobs[i].a = a;
    jobs[i].rc = EXIT_FAIL;
    if (pthread_create(&jobs[i].th, NULL, fleet_run, &jobs[i]) != 0) {
      fleet_run(&jobs[i]);
      jobs[i].th = pthread_self();
    }
  }
  for (i = 0; i < n; ++i) {
    if (!pthread_equal(jobs[i].th, pthread_self())) pthread_join(jobs[i].th, NULL);
    /* worst: 3 > 2 > 1 > 0 */
    if (jobs[i].rc > worst) worst = jobs[i].rc;
  }
  return worst;
}

/* ======================================================================== */
/* Completion. */

static void complete_ops(void) {
  size_t n = 0, i;
  threecx_operation_count(&n);
  for (i = 0; i < n; ++i) {
    const threecx_operation *op = NULL;
    const char *id = "";
    threecx_operation_at(i, &op);
    threecx_operation_id(op, &id);
    puts(id);
  }
}

static int cmd_complete(const args *a) {
  const char *what = a->npos > 1 ? a->pos[1] : "";
  if (strcmp(what, "ops") == 0) complete_ops();
  else if (strcmp(what, "params") == 0 && a->npos > 2) {
    const threecx_operation *op = NULL;
    size_t np = 0, i;
    if (threecx_operation_find(a->pos[2], &op) != THREECX_OK) return 0;
    threecx_operation_param_count(op, &np);
    for (i = 0; i < np; ++i) {
      const char *pn = "";
      threecx_operation_param_name(op, i, &pn);
      printf("%s=\n", pn);
    }
  } else if (strcmp(what, "profiles") == 0) {
    config cfg;
    const profile *p;
    if (config_load(&cfg) == 0)
      for (p = cfg.profiles; p; p = p->next) puts(p->name);
    config_free(&cfg);
  } else if (strcmp(what, "schemas") == 0) {
    schema_list_names();
  } else if (strcmp(what, "options") == 0) {
    size_t k;
    for (k = 0; k < NOPTS; ++k)
      if (strcmp(OPTS[k].name, "--api-key")) puts(OPTS[k].name);
  }
  return 0;
}

static const char COMMANDS[] = "ops describe schema call get profiles completion help";

static int cmd_completion(const char *shell) {
  if (strcmp(shell, "bash") == 0) {
    printf("# bash completion for threecx (generated by: threecx completion bash)\n"
           "_threecx() {\n"
           "  local cur prev cmd op i\n"
           "  cur=${COMP_WORDS[COMP_CWORD]}\n"
           "  prev=${COMP_WORDS[COMP_CWORD-1]}\n"
           "  cmd= op=\n"
           "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "    case ${COMP_WORDS[i]} in\n"
           "      --profile|--profiles|--filter|--search|--orderby|--select|--fields|--expand|--top|--skip|--null|--body|--if-match|--page-size|--out|--depth|--ca-file|--timeout|--retry) ((i++)) ;;\n"
           "      -*) ;;\n"
           "      *) if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}; elif [[ -z $op ]]; then op=${COMP_WORDS[i]}; fi ;;\n"
           "    esac\n"
           "  done\n"
           "  case $prev in\n"
           "    --profile) COMPREPLY=($(compgen -W \"$(threecx __complete profiles 2>/dev/null)\" -- \"$cur\")); return ;;\n"
           "    --profiles) COMPREPLY=($(compgen -W \"all $(threecx __complete profiles 2>/dev/null)\" -- \"$cur\")); return ;;\n"
           "    --out|--ca-file|--body) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
           "    --null) [[ -n $op ]] && COMPREPLY=($(compgen -W \"$(threecx __complete params \"$op\" 2>/dev/null | tr -d =)\" -- \"$cur\")); return ;;\n"
           "  esac\n"
           "  if [[ $cur == -* ]]; then\n"
           "    COMPREPLY=($(compgen -W \"$(threecx __complete options 2>/dev/null)\" -- \"$cur\")); return\n"
           "  fi\n"
           "  if [[ -z $cmd ]]; then\n"
           "    COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return\n"
           "  fi\n"
           "  case $cmd in\n"
           "    call|describe|help)\n"
           "      if [[ -z $op ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$(threecx __complete ops 2>/dev/null)\" -- \"$cur\"))\n"
           "      elif [[ $cmd == call ]]; then\n"
           "        compopt -o nospace 2>/dev/null\n"
           "        COMPREPLY=($(compgen -W \"$(threecx __complete params \"$op\" 2>/dev/null)\" -- \"$cur\"))\n"
           "      fi ;;\n"
           "    completion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")) ;;\n"
           "    schema) COMPREPLY=($(compgen -W \"$(threecx __complete schemas 2>/dev/null)\" -- \"$cur\")) ;;\n"
           "  esac\n"
           "}\n"
           "complete -F _threecx threecx\n",
           COMMANDS);
  } else if (strcmp(shell, "zsh") == 0) {
    printf("#compdef threecx\n"
           "# zsh completion for threecx (generated by: threecx completion zsh)\n"
           "_threecx() {\n"
           "  local -a words2 cmds\n"
           "  local cmd op i w\n"
           "  cmds=(%s)\n"
           "  for ((i = 2; i < CURRENT; i++)); do\n"
           "    w=${words[i]}\n"
           "    case $w in\n"
           "      --profile|--profiles|--filter|--search|--orderby|--select|--fields|--expand|--top|--skip|--null|--body|--if-match|--page-size|--out|--depth|--ca-file|--timeout|--retry) ((i++)) ;;\n"
           "      -*) ;;\n"
           "      *) if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $op ]]; then op=$w; fi ;;\n"
           "    esac\n"
           "  done\n"
           "  case ${words[CURRENT-1]} in\n"
           "    --profile|--profiles) compadd -- ${(f)\"$(threecx __complete profiles 2>/dev/null)\"}; return ;;\n"
           "    --out|--ca-file|--body) _files; return ;;\n"
           "    --null) [[ -n $op ]] && compadd -- ${${(f)\"$(threecx __complete params $op 2>/dev/null)\"}%%=}; return ;;\n"
           "  esac\n"
           "  if [[ ${words[CURRENT]} == -* ]]; then compadd -- ${(f)\"$(threecx __complete options 2>/dev/null)\"}; return; fi\n"
           "  if [[ -z $cmd ]]; then compadd -- $cmds; return; fi\n"
           "  case $cmd in\n"
           "    call|describe|help)\n"
           "      if [[ -z $op ]]; then compadd -- ${(f)\"$(threecx __complete ops 2>/dev/null)\"}\n"
           "      elif [[ $cmd == call ]]; then compadd -S '' -- ${(f)\"$(threecx __complete params $op 2>/dev/null)\"}; fi ;;\n"
           "    completion) compadd bash zsh fish ;;\n"
           "    schema) compadd -- ${(f)\"$(threecx __complete schemas 2>/dev/null)\"} ;;\n"
           "  esac\n"
           "}\n"
           "if [[ $funcstack[1] == _threecx ]]; then _threecx \"$@\"; else compdef _threecx threecx; fi\n",
           COMMANDS);
  } else if (strcmp(shell, "fish") == 0) {
    printf("# fish completion for threecx (generated by: threecx completion fish)\n"
           "function __threecx_cmd\n"
           "  set -l t (commandline -opc)\n"
           "  set -l skip 0\n"
           "  set -l found\n"
           "  for w in $t[2..-1]\n"
           "    if test $skip = 1; set skip 0; continue; end\n"
           "    switch $w\n"
           "      case --profile --profiles --filter --search --orderby --select --fields --expand --top --skip --null --body --if-match --page-size --out --depth --ca-file --timeout --retry\n"
           "        set skip 1\n"
           "      case '-*'\n"
           "      case '*'\n"
           "        set found $found $w\n"
           "    end\n"
           "  end\n"
           "  echo $found\n"
           "end\n"
           "function __threecx_nth\n"
           "  set -l f (string split ' ' -- (__threecx_cmd))\n"
           "  if test (count $f) -ge $argv[1]; echo $f[$argv[1]]; end\n"
           "end\n"
           "complete -c threecx -f\n"
           "complete -c threecx -n 'test -z (__threecx_nth 1)' -a '%s'\n"
           "complete -c threecx -n 'contains -- (__threecx_nth 1) call describe help; and test -z (__threecx_nth 2)' -a '(threecx __complete ops 2>/dev/null)'\n"
           "complete -c threecx -n 'test (__threecx_nth 1) = call; and test -n (__threecx_nth 2)' -a '(threecx __complete params (__threecx_nth 2) 2>/dev/null)'\n"
           "complete -c threecx -n 'test (__threecx_nth 1) = completion' -a 'bash zsh fish'\n"
           "complete -c threecx -n 'test (__threecx_nth 1) = schema' -a '(threecx __complete schemas 2>/dev/null)'\n"
           "complete -c threecx -l profile -x -a '(threecx __complete profiles 2>/dev/null)'\n"
           "complete -c threecx -l profiles -x -a 'all (threecx __complete profiles 2>/dev/null)'\n",
           COMMANDS);
    {
      size_t k;
      for (k = 0; k < NOPTS; ++k) {
        if (!strcmp(OPTS[k].name, "--api-key") || !strcmp(OPTS[k].name, "--profile") || !strcmp(OPTS[k].name, "--profiles"))
          continue;
        printf("complete -c threecx -l %s%s\n", OPTS[k].name + 2,
               OPTS[k].kind == V_NONE ? "" : (!strcmp(OPTS[k].name, "--out") || !strcmp(OPTS[k].name, "--ca-file") || !strcmp(OPTS[k].name, "--body")) ? " -r -F" : " -x");
      }
    }
  } else {
    return usage_error("completion: '%s' is not bash, zsh or fish", shell);
  }
  return 0;
}

/* ======================================================================== */

static int help_topic(const char *t) {
  const threecx_operation *op = NULL;
  if (!t) fputs(HELP_MAIN, stdout);
  else if (!strcmp(t, "ops")) fputs(HELP_OPS, stdout);
  else if (!strcmp(t, "describe")) fputs(HELP_DESCRIBE, stdout);
  else if (!strcmp(t, "schema")) fputs(HELP_SCHEMA, stdout);
  else if (!strcmp(t, "call")) fputs(HELP_CALL, stdout);
  else if (!strcmp(t, "get")) fputs(HELP_GET, stdout);
  else if (!strcmp(t, "profiles")) fputs(HELP_PROFILES, stdout);
  else if (!strcmp(t, "completion")) fputs(HELP_COMPLETION, stdout);
  else if (!strcmp(t, "help")) fputs(HELP_MAIN, stdout);
  else if (threecx_operation_find(t, &op) == THREECX_OK) return cmd_describe(t, 1);
  else {
    usage_error("no help topic '%s': a command (%s) or an operation id", t, COMMANDS);
    suggest_ops(t);
    return EXIT_USAGE;
  }
  return 0;
}

static int cmd_profiles(void) {
  config cfg;
  const profile *p;
  int rc = config_load(&cfg);
  if (rc) return rc;
  if (!cfg.profiles) fprintf(stderr, "%s: no profiles in %s\n", g_prog, cfg.path ? cfg.path : "(no config file)");
  for (p = cfg.profiles; p; p = p->next)
    printf("%-20s %-32s %s\n", p->name, p->domain ? p->domain : "(no domain)", p->client_id ? p->client_id : "(no client_id)");
  config_free(&cfg);
  return 0;
}

static const struct {
  const char *name;
  int cmd;
} CMDS[] = {{"ops", CMD_OPS},           {"describe", CMD_DESCRIBE},     {"schema", CMD_SCHEMA},
            {"call", CMD_CALL},         {"get", CMD_GET},               {"profiles", CMD_PROFILES},
            {"completion", CMD_COMPLETION}, {"help", CMD_HELP},         {"__complete", CMD_COMPLETE}};

int main(int argc, char **argv) {
  static args a;
  static const char *const Q_OPTS[] = {"--filter", "--search", "--orderby", "--select", "--fields", "--expand", "--top",
                                       "--skip", "--count", "--pretty", "--compact", "--include", "--paginate", "--jsonl",
                                       "--page-size", "--out", "--profile", "--profiles", "--allow-http", "--ca-file",
                                       "--timeout", "--retry", "--null", "--body", "--if-match", NULL};
  static const char *const NO_OPTS[] = {NULL};
  static const char *const DEPTH_OPTS[] = {"--depth", NULL};
  const char *cmdname;
  size_t k;
  int rc, i;
  config cfg;
  const profile *prof = NULL;
  threecx_client *c = NULL;
  char err[1024];

  memset(&a, 0, sizeof a);
  a.timeout_ms = -1;
  a.retry = -1;
  a.depth = 1;
  if ((rc = parse_args(argc, argv, &a))) return rc;
  if (a.npos == 0) {
    if (a.help) {
      fputs(HELP_MAIN, stdout);
      return 0;
    }
    fputs(HELP_MAIN, stderr);
    return EXIT_USAGE;
  }
  cmdname = a.pos[0];
  for (k = 0; k < sizeof CMDS / sizeof CMDS[0]; ++k)
    if (strcmp(CMDS[k].name, cmdname) == 0) a.cmd = CMDS[k].cmd;
  if (!a.cmd) {
    suggest sg = {{0}, {0}};
    usage_error("unknown command '%s' (commands: %s)", cmdname, COMMANDS);
    for (k = 0; k < sizeof CMDS / sizeof CMDS[0] - 1; ++k) suggest_add(&sg, cmdname, CMDS[k].name);
    suggest_print(&sg);
    if (threecx_operation_find(cmdname, &(const threecx_operation *){NULL}) == THREECX_OK)
      fprintf(stderr, "%s: to send operation %s: threecx call %s\n", g_prog, cmdname, cmdname);
    return EXIT_USAGE;
  }
  if (a.help) {
    if (a.cmd == CMD_CALL && a.npos > 1) {
      const threecx_operation *op = NULL;
      if ((rc = find_op(a.pos[1], &op))) return rc;
      return cmd_describe(a.pos[1], (int)a.depth);
    }
    return help_topic(a.cmd == CMD_HELP ? (a.npos > 1 ? a.pos[1] : NULL) : cmdname);
  }

  switch (a.cmd) {
    case CMD_HELP:
      if (a.npos > 2) return usage_error("help takes one topic");
      if ((rc = check_applicable(&a, "help", NO_OPTS))) return rc;
      return help_topic(a.npos > 1 ? a.pos[1] : NULL);
    case CMD_COMPLETE: return cmd_complete(&a);
    case CMD_OPS:
      if ((rc = check_applicable(&a, "ops", NO_OPTS))) return rc;
      if (a.npos > 2) return usage_error("ops takes one WORD (got %d)", a.npos - 1);
      return cmd_ops(a.npos > 1 ? a.pos[1] : NULL);
    case CMD_DESCRIBE:
      if ((rc = check_applicable(&a, "describe", DEPTH_OPTS))) return rc;
      if (a.npos != 2) return usage_error("describe takes one OPERATION (see threecx ops)");
      return cmd_describe(a.pos[1], (int)a.depth);
    case CMD_SCHEMA:
      if ((rc = check_applicable(&a, "schema", DEPTH_OPTS))) return rc;
      if (a.npos > 2) return usage_error("schema takes one TYPE");
      return schema_command(a.npos > 1 ? a.pos[1] : NULL, (int)a.depth);
    case CMD_PROFILES:
      if ((rc = check_applicable(&a, "profiles", NO_OPTS))) return rc;
      if (a.npos > 1) return usage_error("profiles takes no argument");
      return cmd_profiles();
    case CMD_COMPLETION:
      if ((rc = check_applicable(&a, "completion", NO_OPTS))) return rc;
      if (a.npos != 2) return usage_error("completion takes one of bash, zsh, fish");
      return cmd_completion(a.pos[1]);
    default: break;
  }

  /* call / get */
  if ((rc = check_applicable(&a, cmdname, Q_OPTS))) return rc;
  if (a.npos < 2) return usage_error("%s needs %s", cmdname, a.cmd == CMD_CALL ? "an OPERATION (see threecx ops)" : "a PATH, e.g. /Users");
  for (i = 2; i < a.npos; ++i) {
    const char *s = a.pos[i], *eq = strchr(s, '=');
    if (a.cmd == CMD_GET) return usage_error("unexpected argument '%s' (get takes one PATH)", s);
    if (!eq || eq == s) return usage_error("unexpected argument '%s' (parameters are Name=value)", s);
    if (a.nparams >= 64) return usage_error("too many parameters");
    {
      size_t n = (size_t)(eq - s);
      char *name = malloc(n + 1);
      if (!name) return EXIT_FAIL;
      memcpy(name, s, n);
      name[n] = '\0';
      a.params[a.nparams].name = name; /* lives until exit */
      a.params[a.nparams].value = eq + 1;
      a.params[a.nparams++].is_null = 0;
    }
  }
  if (a.jsonl && !a.paginate) return usage_error("--jsonl goes with --paginate");
  if (flag_given(&a, "--page-size") && !a.paginate) return usage_error("--page-size goes with --paginate");
  if (a.pretty && a.compact) return usage_error("give --pretty or --compact, not both");
  if (a.paginate && (a.out || a.include)) return usage_error("--paginate does not go with %s", a.out ? "--out" : "--include");
  if (a.paginate && a.cmd == CMD_CALL) {
    const threecx_operation *op = NULL;
    int32_t kind = 0;
    if ((rc = find_op(a.pos[1], &op))) return rc;
    threecx_operation_response_kind(op, &kind);
    if (kind != THREECX_RESPONSE_COLLECTION) return usage_error("--paginate: %s does not return a collection", a.pos[1]);
  }
  if ((rc = load_body(&a))) return rc;

  /* Check every argument before any configuration or network: a dummy
   * client (no traffic happens until a send). */
  {
    threecx_client *dummy = NULL;
    threecx_request *r = NULL;
    if (threecx_client_new("localhost", "check", "check", &dummy) != THREECX_OK) return failed("client", threecx_last_error_code(), NULL);
    rc = build_request(dummy, &a, &r);
    threecx_request_free(r);
    threecx_client_free(dummy);
    if (rc) return rc;
  }

  g_pretty = a.pretty || (!a.compact && isatty(1));
  g_color = g_pretty && isatty(1) && !getenv("NO_COLOR");

  if ((rc = config_load(&cfg))) return rc;
  if (a.profiles) {
    rc = run_fleet(&a, &cfg);
    config_free(&cfg);
    free(a.body);
    return rc;
  }
  {
    const char *pname = a.profile ? a.profile : getenv("THREECX_PROFILE");
    if (pname && *pname) {
      prof = config_find(&cfg, pname);
      if (!prof) {
        suggest sg = {{0}, {0}};
        const profile *q;
        usage_error("no profile '%s' in %s", pname, cfg.path ? cfg.path : "(no config file)");
        for (q = cfg.profiles; q; q = q->next) suggest_add(&sg, pname, q->name);
        suggest_print(&sg);
        config_free(&cfg);
        return EXIT_USAGE;
      }
    } else if (!getenv("THREECX_DOMAIN") || !*getenv("THREECX_DOMAIN")) {
      prof = config_find(&cfg, "default");
    }
  }
  if (make_client(&a, prof, &c, err, sizeof err, &rc)) {
    fprintf(stderr, "%s: %s\n", g_prog, err);
    config_free(&cfg);
    return rc;
  }
  rc = send_one(&a, c, prof ? prof->name : NULL);
  threecx_client_free(c);
  config_free(&cfg);
  free(a.body);
  return rc;
}
