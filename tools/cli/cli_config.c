/* threecx: profiles. The config file is INI-like:
 *
 *   # comment
 *   [NAME]
 *   domain = pbx.example.com:5001
 *   client_id = myapi
 *   api_key_file = ~/.config/threecx/NAME.key      (mode 0600 or stricter)
 *   api_key_command = pass show 3cx/NAME            (its stdout is the key)
 *   api_key_env = MY_PBX_KEY                        (a variable holding it)
 *   ca_file = /etc/ssl/private-ca.pem
 *   timeout = 60                                    (seconds, 0 = none)
 *   retry = 2                                       (retries of transient failures)
 *   allow_http = false
 *
 * At most one api_key_* per profile; with none, THREECX_API_KEY is used. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* ~/x expanded; malloc'ed. */
static char *expand_home(const char *v) {
  const char *home = getenv("HOME");
  if (v[0] == '~' && v[1] == '/' && home) {
    size_t n = strlen(home) + strlen(v);
    char *d = malloc(n);
    if (d) snprintf(d, n, "%s%s", home, v + 1);
    return d;
  }
  return dup_str(v);
}

static char *config_path(void) {
  const char *p = getenv("THREECX_CONFIG"), *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
  char buf[4096];
  if (p && *p) return dup_str(p);
  if (x && *x) snprintf(buf, sizeof buf, "%s/threecx/config", x);
  else if (h && *h) snprintf(buf, sizeof buf, "%s/.config/threecx/config", h);
  else return NULL;
  return dup_str(buf);
}

static char *trim(char *s) {
  char *e;
  while (isspace((unsigned char)*s)) ++s;
  e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

static void profile_free(profile *p) {
  free(p->name);
  free(p->domain);
  free(p->client_id);
  free(p->ca_file);
  free(p->api_key_file);
  free(p->api_key_command);
  free(p->api_key_env);
  free(p);
}

void config_free(config *cfg) {
  profile *p = cfg->profiles;
  while (p) {
    profile *n = p->next;
    profile_free(p);
    p = n;
  }
  free(cfg->path);
  cfg->path = NULL;
  cfg->profiles = NULL;
}

profile *config_find(const config *cfg, const char *name) {
  profile *p;
  for (p = cfg->profiles; p; p = p->next)
    if (strcmp(p->name, name) == 0) return p;
  return NULL;
}

static int bad_line(const config *cfg, int line, const char *fmt, const char *arg) {
  char msg[512];
  snprintf(msg, sizeof msg, fmt, arg);
  return usage_error("%s:%d: %s", cfg->path, line, msg);
}

static int parse_int(const char *v, int64_t max, int64_t *out) {
  char *end = NULL;
  long long x;
  if (!*v || !isdigit((unsigned char)*v)) return -1;
  errno = 0;
  x = strtoll(v, &end, 10);
  if (errno || *end || x < 0 || x > max) return -1;
  *out = x;
  return 0;
}

static int config_load_inner(config *cfg) {
  FILE *f;
  char line[4096];
  int lineno = 0;
  profile *cur = NULL, **tail = &cfg->profiles;
  cfg->profiles = NULL;
  cfg->path = config_path();
  if (!cfg->path) return 0;
  f = fopen(cfg->path, "r");
  if (!f) {
    if (errno == ENOENT) return 0;
    return usage_error("cannot read the config file %s: %s", cfg->path, strerror(errno));
  }
  while (fgets(line, sizeof line, f)) {
    char *s = trim(line), *eq, *k, *v;
    int64_t n;
    ++lineno;
    if (!*s || *s == '#' || *s == ';') continue;
    if (*s == '[') {
      char *e = strchr(s, ']');
      profile *p;
      if (!e || e[1]) goto bad_section;
      *e = '\0';
      s = trim(s + 1);
      if (!strncmp(s, "profile ", 8)) s = trim(s + 8);
      if (!*s || strchr(s, ',') || strcmp(s, "all") == 0) goto bad_section;
      if (config_find(cfg, s)) {
        fclose(f);
        return bad_line(cfg, lineno, "profile [%s] defined twice", s);
      }
      p = calloc(1, sizeof *p);
      if (!p || !(p->name = dup_str(s))) abort();
      p->allow_http = -1;
      p->timeout_ms = -1;
      p->retry = -1;
      *tail = cur = p;
      tail = &p->next;
      continue;
    bad_section:
      fclose(f);
      return bad_line(cfg, lineno, "%s", "expected [NAME] (a profile name: not empty, no ',', not 'all')");
    }
    eq = strchr(s, '=');
    if (!eq) {
      fclose(f);
      return bad_line(cfg, lineno, "expected key = value, got '%s'", s);
    }
    *eq = '\0';
    k = trim(s);
    v = trim(eq + 1);
    if (!cur) {
      fclose(f);
      return bad_line(cfg, lineno, "'%s' before any [profile] line", k);
    }
#define STR_KEY(key)                                         \
  if (strcmp(k, #key) == 0) {                                \
    free(cur->key);                                          \
    if (!(cur->key = expand_home(v))) abort();               \
    continue;                                                \
  }
    STR_KEY(domain)
    STR_KEY(client_id)
    STR_KEY(ca_file)
    STR_KEY(api_key_file)
    STR_KEY(api_key_env)
#undef STR_KEY
    if (strcmp(k, "api_key_command") == 0) {
      free(cur->api_key_command);
      if (!(cur->api_key_command = dup_str(v))) abort();
      continue;
    }
    if (strcmp(k, "allow_http") == 0) {
      if (strcmp(v, "true") && strcmp(v, "false")) {
        fclose(f);
        return bad_line(cfg, lineno, "allow_http: '%s' is not true or false", v);
      }
      cur->allow_http = strcmp(v, "true") == 0;
      continue;
    }
    if (strcmp(k, "timeout") == 0) {
      if (parse_int(v, 2147483, &n)) {
        fclose(f);
        return bad_line(cfg, lineno, "timeout: '%s' is not a number of seconds (0 = none)", v);
      }
      cur->timeout_ms = n * 1000;
      continue;
    }
    if (strcmp(k, "retry") == 0) {
      if (parse_int(v, 100, &n)) {
        fclose(f);
        return bad_line(cfg, lineno, "retry: '%s' is not a number of retries (0..100)", v);
      }
      cur->retry = (int)n;
      continue;
    }
    if (strcmp(k, "api_key") == 0) {
      fclose(f);
      return bad_line(cfg, lineno, "%s",
                      "the API key is not kept in the config file: use api_key_file, api_key_command or api_key_env");
    }
    fclose(f);
    return bad_line(cfg, lineno,
                    "unknown key '%s' (known: domain client_id api_key_file api_key_command api_key_env ca_file "
                    "timeout retry allow_http)",
                    k);
  }
  fclose(f);
  return 0;
}

int config_load(config *cfg) {
  int rc = config_load_inner(cfg);
  if (rc) config_free(cfg);
  return rc;
}

void key_free(char *key) {
  if (!key) return;
  {
    volatile char *p = key;
    while (*p) *p++ = '\0';
  }
  free(key);
}

static void strip_newline(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

static char *read_all(FILE *f) {
  size_t len = 0, cap = 256;
  char *buf = malloc(cap);
  int c;
  if (!buf) return NULL;
  while ((c = fgetc(f)) != EOF) {
    if (len + 1 >= cap) {
      char *nb;
      if (cap > (1u << 20)) break; /* a key is not a megabyte */
      nb = malloc(cap * 2);
      if (!nb) break;
      memcpy(nb, buf, len);
      memset(buf, 0, cap);
      free(buf);
      buf = nb;
      cap *= 2;
    }
    buf[len++] = (char)c;
  }
  buf[len] = '\0';
  return buf;
}

char *profile_api_key(const profile *p, char *err, size_t errlen) {
  const char *pname = p ? p->name : NULL;
  int sources = 0;
  char *key = NULL;
  if (p) sources = !!p->api_key_file + !!p->api_key_command + !!p->api_key_env;
  if (sources > 1) {
    snprintf(err, errlen, "profile %s: give only one of api_key_file, api_key_command, api_key_env", pname);
    return NULL;
  }
  if (p && p->api_key_file) {
    struct stat st;
    FILE *f;
    if (stat(p->api_key_file, &st) != 0) {
      snprintf(err, errlen, "profile %s: api_key_file %s: %s", pname, p->api_key_file, strerror(errno));
      return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
      snprintf(err, errlen, "profile %s: api_key_file %s is not a regular file", pname, p->api_key_file);
      return NULL;
    }
    if (st.st_mode & 077) {
      snprintf(err, errlen,
               "profile %s: api_key_file %s is readable by group or others (mode %04o); refused: chmod 600 %s",
               pname, p->api_key_file, (unsigned)(st.st_mode & 07777), p->api_key_file);
      return NULL;
    }
    f = fopen(p->api_key_file, "r");
    if (!f) {
      snprintf(err, errlen, "profile %s: api_key_file %s: %s", pname, p->api_key_file, strerror(errno));
      return NULL;
    }
    key = read_all(f);
    fclose(f);
  } else if (p && p->api_key_command) {
    FILE *f = popen(p->api_key_command, "r");
    int st;
    if (!f) {
      snprintf(err, errlen, "profile %s: api_key_command could not be started: %s", pname, strerror(errno));
      return NULL;
    }
    key = read_all(f);
    st = pclose(f);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      key_free(key);
      snprintf(err, errlen, "profile %s: api_key_command failed (exit status %d)", pname,
               st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
      return NULL;
    }
  } else {
    const char *var = p && p->api_key_env ? p->api_key_env : "THREECX_API_KEY";
    const char *v = getenv(var);
    if (!v || !*v) {
      if (p)
        snprintf(err, errlen,
                 "profile %s: no API key: set %s, or api_key_file / api_key_command / api_key_env in the profile",
                 pname, var);
      else
        snprintf(err, errlen, "no API key: set THREECX_API_KEY (or use a profile: threecx help profiles)");
      return NULL;
    }
    key = dup_str(v);
  }
  if (!key) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  strip_newline(key);
  if (!*key) {
    key_free(key);
    snprintf(err, errlen, "profile %s: the API key is empty", pname ? pname : "(environment)");
    return NULL;
  }
  return key;
}
