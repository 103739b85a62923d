// threecx-sim: the fault rules' path patterns. A regular-expression subset
// run by a Pike VM: time linear in the path for any pattern (no
// backtracking), so no rule can freeze the server.
//   literals, '.', [...] and [^...] (ranges, escapes), \d \w \s and escaped
//   punctuation, (...) and (?:...), '|', '*' '+' '?' (lazy forms accepted),
//   '^' and '$'. Searches anywhere in the path unless anchored.
#pragma once

#include <bitset>
#include <string>
#include <vector>

namespace sim {

class PathPattern {
 public:
  static constexpr size_t kMaxLength = 512;  // pattern characters

  // False with *err set (unsupported syntax, unbalanced, too long).
  bool compile(const std::string &pattern, std::string *err);
  // Does the pattern match somewhere in s (regex_search semantics)?
  bool search(const std::string &s) const;

  struct Inst {
    enum Op { Char, Any, Class, Split, Jmp, Bol, Eol, Match } op = Match;
    std::bitset<256> cls;  // Char and Class
    int x = 0, y = 0;      // Split/Jmp targets
  };

 private:
  std::vector<Inst> prog_;
};

}  // namespace sim
