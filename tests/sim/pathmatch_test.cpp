// The fault rules' path patterns (tools/sim/pathmatch.cpp) against
// std::regex_search (ECMAScript) over a table of patterns and paths: the
// same yes/no answer for every pair; unsupported syntax refused; the
// catastrophic-backtracking pattern answered (the Pike VM is linear).
#include <cstdio>
#include <regex>
#include <string>

#include "pathmatch.hpp"

int main() {
  int pass = 0, fail = 0;
  const char *patterns[] = {"^/SecurityTokens",      "^/SecurityTokens$",   "^/connect/token$",  "^/Defs",
                            "^/WebsiteLinks[(]'slow'[)]", "Users",          "^/Users\\(\\d+\\)$", "^/(Users|Groups)\\(",
                            "s$",                    "^/[A-Z][a-z]+$",      "^/[^/]+/Pbx\\.",     "a+b?c*",
                            "^/(a|b)*c$",            "(?:Pbx\\.)+Get",      "^$",                 "",
                            ".*",                    "^/x.y$",              "[-a]",               "\\w+\\s?\\w*",
                            "^/Users(\\(1\\))?$",    "^/(a*)*b$",           "Groups|Queues",      "[a-c0-2_]+$",
                            "^/Recordings/Pbx\\.DownloadRecording\\(recId=\\d+\\)$"};
  const char *paths[] = {"/SecurityTokens",        "/SecurityTokens(1)",    "/connect/token",   "/connect/tokens",
                         "/Defs",                  "/WebsiteLinks('slow')", "/WebsiteLinks('fast')", "/Users",
                         "/Users(12)",             "/Users(x)",             "/Groups(3)/Members", "/Queues",
                         "/Users/Pbx.GetFirstAvailableExtensionNumber()", "",  "/abbbc",          "/x.y",
                         "/xzy",                   "/Users(1)",             "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
                         "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",      "/a-b c",          "/abc012",
                         "/Recordings/Pbx.DownloadRecording(recId=999)", "/ababc"};
  for (const char *p : patterns) {
    sim::PathPattern pp;
    std::string err;
    if (!pp.compile(p, &err)) {
      ++fail;
      std::printf("FAIL: '%s' not compiled: %s\n", p, err.c_str());
      continue;
    }
    std::regex re(p, std::regex::ECMAScript);
    for (const char *s : paths) {
      std::string subject = s;
      // std::regex itself backtracks exponentially on this pair: known answer
      bool want = std::string(p) == "^/(a*)*b$" ? subject.size() > 1 && subject.back() == 'b' &&
                                                      subject.find_first_not_of('a', 1) == subject.size() - 1
                                                : std::regex_search(subject, re);
      if (pp.search(subject) == want) {
        ++pass;
      } else {
        ++fail;
        std::printf("FAIL: '%s' on '%s': got %d, std::regex says %d\n", p, s, !want, want);
      }
    }
  }
  const char *refused[] = {"(", ")", "a{2}", "(a)\\1", "[a", "*a", "a\\b", "(?=x)"};
  for (const char *p : refused) {
    sim::PathPattern pp;
    std::string err;
    if (!pp.compile(p, &err) && !err.empty()) ++pass;
    else ++fail, std::printf("FAIL: '%s' accepted\n", p);
  }
  sim::PathPattern big;
  std::string err;
  if (!big.compile(std::string(sim::PathPattern::kMaxLength + 1, 'a'), &err)) ++pass;
  else ++fail, std::printf("FAIL: an over-long pattern accepted\n");
  // a long path against the catastrophic pattern: answered, no match
  sim::PathPattern cat;
  cat.compile("^/(a*)*b$", &err);
  if (!cat.search("/" + std::string(20000, 'a'))) ++pass;
  else ++fail, std::printf("FAIL: ^/(a*)*b$ matched a path of a's\n");
  std::printf("%d passed, %d failed\n", pass, fail);
  return fail ? 1 : 0;
}
