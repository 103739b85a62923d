#include "pathmatch.hpp"

#include <cctype>
#include <memory>
#include <stdexcept>

namespace sim {
namespace {

struct Node {
  enum Kind { Empty, Atom, Bol, Eol, Cat, Alt, Star, Plus, Quest } kind = Empty;
  std::bitset<256> cls;
  bool any = false;
  std::vector<std::unique_ptr<Node>> kids;
};
using NodeP = std::unique_ptr<Node>;

struct Parser {
  const std::string &p;
  size_t i = 0;
  int depth = 0;

  [[noreturn]] void fail(const std::string &why) {
    throw std::runtime_error(why + " at offset " + std::to_string(i));
  }
  bool more() const { return i < p.size(); }

  static std::bitset<256> class_escape(char c, bool *ok) {
    std::bitset<256> b;
    *ok = true;
    switch (c) {
      case 'd':
        for (int x = '0'; x <= '9'; ++x) b.set(x);
        return b;
      case 'w':
        for (int x = 0; x < 256; ++x)
          if (std::isalnum(x) || x == '_') b.set(x);
        return b;
      case 's':
        for (int x : {' ', '\t', '\n', '\r', '\f', '\v'}) b.set(x);
        return b;
      default:
        if (std::isalnum(static_cast<unsigned char>(c))) {
          *ok = false;  // \b, \1, \n ...: not supported
          return b;
        }
        b.set(static_cast<unsigned char>(c));
        return b;
    }
  }

  NodeP atom_of(std::bitset<256> b, bool any = false) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Atom;
    n->cls = b;
    n->any = any;
    return n;
  }

  NodeP parse_class() {  // after '['
    std::bitset<256> b;
    bool neg = false;
    if (more() && p[i] == '^') neg = true, ++i;
    bool first = true;
    while (more() && (p[i] != ']' || first)) {
      first = false;
      unsigned char lo;
      if (p[i] == '\\') {
        if (++i >= p.size()) fail("dangling backslash");
        bool ok;
        std::bitset<256> e = class_escape(p[i++], &ok);
        if (!ok) fail("unsupported escape in a class");
        if (e.count() != 1) {
          b |= e;
          continue;
        }
        lo = static_cast<unsigned char>(p[i - 1]);
      } else {
        lo = static_cast<unsigned char>(p[i++]);
      }
      if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
        unsigned char hi = static_cast<unsigned char>(p[i + 1]);
        if (hi == '\\') fail("escaped range end not supported");
        if (hi < lo) fail("bad range");
        for (int x = lo; x <= hi; ++x) b.set(x);
        i += 2;
      } else {
        b.set(lo);
      }
    }
    if (!more()) fail("missing ]");
    ++i;
    if (neg) b.flip();
    return atom_of(b);
  }

  NodeP parse_atom() {
    char c = p[i++];
    switch (c) {
      case '.': {
        std::bitset<256> b;
        b.set();
        b.reset('\n');
        return atom_of(b, true);
      }
      case '[':
        return parse_class();
      case '^': {
        auto n = std::make_unique<Node>();
        n->kind = Node::Bol;
        return n;
      }
      case '$': {
        auto n = std::make_unique<Node>();
        n->kind = Node::Eol;
        return n;
      }
      case '(': {
        if (++depth > 64) fail("groups nested too deeply");
        if (i + 1 < p.size() && p[i] == '?') {
          if (p[i + 1] != ':') fail("unsupported group");
          i += 2;
        }
        NodeP n = parse_alt();
        if (!more() || p[i] != ')') fail("missing )");
        ++i;
        --depth;
        return n;
      }
      case '\\': {
        if (!more()) fail("dangling backslash");
        bool ok;
        std::bitset<256> b = class_escape(p[i++], &ok);
        if (!ok) fail("unsupported escape");
        return atom_of(b);
      }
      case ')':
        fail("unbalanced )");
      case '*':
      case '+':
      case '?':
        fail("nothing to repeat");
      case '{':
        fail("{n,m} is not supported");
      default: {
        std::bitset<256> b;
        b.set(static_cast<unsigned char>(c));
        return atom_of(b);
      }
    }
  }

  NodeP parse_repeat() {
    NodeP n = parse_atom();
    while (more() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
      auto r = std::make_unique<Node>();
      r->kind = p[i] == '*' ? Node::Star : p[i] == '+' ? Node::Plus : Node::Quest;
      ++i;
      if (more() && p[i] == '?') ++i;  // lazy: the same language for a yes/no match
      r->kids.push_back(std::move(n));
      n = std::move(r);
    }
    return n;
  }

  NodeP parse_cat() {
    auto n = std::make_unique<Node>();
    n->kind = Node::Cat;
    while (more() && p[i] != '|' && p[i] != ')') n->kids.push_back(parse_repeat());
    return n;
  }

  NodeP parse_alt() {
    NodeP left = parse_cat();
    while (more() && p[i] == '|') {
      ++i;
      auto a = std::make_unique<Node>();
      a->kind = Node::Alt;
      a->kids.push_back(std::move(left));
      a->kids.push_back(parse_cat());
      left = std::move(a);
    }
    return left;
  }
};

using Inst = PathPattern::Inst;

void emit(const Node &n, std::vector<Inst> &prog) {
  if (prog.size() > 8192) throw std::runtime_error("pattern too large");
  auto at = [&prog]() { return static_cast<int>(prog.size()); };
  auto push = [&prog](Inst::Op op) {
    Inst x;
    x.op = op;
    prog.push_back(x);
    return static_cast<int>(prog.size()) - 1;
  };
  switch (n.kind) {
    case Node::Empty:
      return;
    case Node::Atom: {
      int k = push(n.any ? Inst::Any : Inst::Class);
      prog[k].cls = n.cls;
      return;
    }
    case Node::Bol:
      push(Inst::Bol);
      return;
    case Node::Eol:
      push(Inst::Eol);
      return;
    case Node::Cat:
      for (const auto &k : n.kids) emit(*k, prog);
      return;
    case Node::Alt: {
      int split = push(Inst::Split);
      prog[split].x = at();
      emit(*n.kids[0], prog);
      int jmp = push(Inst::Jmp);
      prog[split].y = at();
      emit(*n.kids[1], prog);
      prog[jmp].x = at();
      return;
    }
    case Node::Star: {
      int split = push(Inst::Split);
      prog[split].x = at();
      emit(*n.kids[0], prog);
      int jmp = push(Inst::Jmp);
      prog[jmp].x = split;
      prog[split].y = at();
      return;
    }
    case Node::Plus: {
      int start = at();
      emit(*n.kids[0], prog);
      int split = push(Inst::Split);
      prog[split].x = start;
      prog[split].y = at();
      return;
    }
    case Node::Quest: {
      int split = push(Inst::Split);
      prog[split].x = at();
      emit(*n.kids[0], prog);
      prog[split].y = at();
      return;
    }
  }
}

}  // namespace

bool PathPattern::compile(const std::string &pattern, std::string *err) {
  prog_.clear();
  if (pattern.size() > kMaxLength) {
    *err = "longer than " + std::to_string(kMaxLength) + " characters";
    return false;
  }
  try {
    Parser ps{pattern};
    NodeP root = ps.parse_alt();
    if (ps.more()) ps.fail("unbalanced )");
    emit(*root, prog_);
    Inst m;
    m.op = Inst::Match;
    prog_.push_back(m);
  } catch (const std::exception &e) {
    prog_.clear();
    *err = e.what();
    return false;
  }
  return true;
}

// The Pike VM: every thread advances one character at a time; a thread
// reaching an instruction already reached at this position is dropped.
bool PathPattern::search(const std::string &s) const {
  if (prog_.empty()) return false;
  const size_t n = prog_.size();
  std::vector<int> cur, next, stack;
  std::vector<size_t> mark(n, static_cast<size_t>(-1));
  cur.reserve(n);
  next.reserve(n);
  bool matched = false;
  // adds pc and everything reachable from it without consuming a character
  auto add = [&](std::vector<int> &list, int pc, size_t pos) {
    stack.push_back(pc);
    while (!stack.empty()) {
      int k = stack.back();
      stack.pop_back();
      if (mark[k] == pos) continue;
      mark[k] = pos;
      const Inst &in = prog_[k];
      switch (in.op) {
        case Inst::Jmp:
          stack.push_back(in.x);
          break;
        case Inst::Split:
          stack.push_back(in.y);
          stack.push_back(in.x);
          break;
        case Inst::Bol:
          if (pos == 0) stack.push_back(k + 1);
          break;
        case Inst::Eol:
          if (pos == s.size()) stack.push_back(k + 1);
          break;
        case Inst::Match:
          matched = true;
          break;
        default:
          list.push_back(k);
      }
    }
  };
  for (size_t pos = 0; pos <= s.size(); ++pos) {
    add(cur, 0, pos);  // a match may start anywhere
    if (matched) return true;
    if (pos == s.size()) break;
    next.clear();
    unsigned char c = static_cast<unsigned char>(s[pos]);
    for (int k : cur)
      if (prog_[k].cls.test(c)) add(next, k + 1, pos + 1);
    if (matched) return true;
    std::swap(cur, next);
  }
  return matched;
}

}  // namespace sim
