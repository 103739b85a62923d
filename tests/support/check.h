/* A counting check for table-driven tests that report every failure and a
 * total at the end (rather than stopping at the first one). */
#ifndef THREECX_TEST_CHECK_H
#define THREECX_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) {                                            \
      ++passed;                                            \
    } else {                                               \
      ++failed;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fputc('\n', stderr);                                \
    }                                                      \
  } while (0)

#endif
