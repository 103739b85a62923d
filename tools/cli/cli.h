/* threecx command-line tool: shared declarations (internal). */
#ifndef THREECX_CLI_H
#define THREECX_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

/* Exit status. */
#define EXIT_HTTP 1  /* the XAPI answered an error status */
#define EXIT_USAGE 2 /* any argument, parameter or configuration mistake */
#define EXIT_FAIL 3  /* network, TLS, authentication, anything else */

extern const char *g_prog;
void schema_list_names(void);

/* "threecx: MESSAGE" on stderr; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- JSON output (cli_json.c) ------------------------------------------ */
/* Writes the JSON text s[0..n) to f: pretty (2-space indent, starting at
 * `indent` levels) or compact, coloured (ANSI) or not. Text that is not
 * JSON comes out as it is, re-spaced. */
void json_write(FILE *f, const char *s, size_t n, int pretty, int color, int indent);
/* s as a JSON string literal ("..." with escapes). */
void json_write_string(FILE *f, const char *s);
/* 1 if s[0..n) starts like a JSON value (after blanks). */
int json_looks_like(const char *s, size_t n);

/* ---- Suggestions (threecx.c) ------------------------------------------- */
/* Case-insensitive edit distance. */
size_t edit_distance(const char *a, const char *b);

/* ---- Profiles (cli_config.c) ------------------------------------------- */
typedef struct profile {
  char *name;
  char *domain, *client_id, *ca_file;
  char *api_key_file, *api_key_command, *api_key_env;
  int allow_http;      /* -1 unset */
  int64_t timeout_ms;  /* -1 unset */
  int retry;           /* -1 unset */
  struct profile *next;
} profile;

typedef struct config {
  char *path;          /* the file read (or that would be read) */
  profile *profiles;   /* in file order */
} config;

/* Reads the config file ($THREECX_CONFIG, else $XDG_CONFIG_HOME/threecx/config,
 * else ~/.config/threecx/config). A missing file is an empty config. 0 or
 * EXIT_USAGE (message printed). */
int config_load(config *cfg);
void config_free(config *cfg);
profile *config_find(const config *cfg, const char *name);
/* The API key of profile p (NULL p: the environment only), malloc'ed;
 * NULL with a message in err (never containing the key) on failure. */
char *profile_api_key(const profile *p, char *err, size_t errlen);
/* Wipes and frees a key. */
void key_free(char *key);

/* ---- Schemas (cli_schema.c) -------------------------------------------- */
/* Prints the body and response schemas of operation `id` to `depth`. */
void schema_describe_op(const char *id, int depth);
/* threecx schema [TYPE]: 0, or EXIT_USAGE for an unknown type. */
int schema_command(const char *type, int depth);

#endif
