// pinpages lang — getopt and getopt_long, as POSIX describes them. The position lives
// in Vm::lib and in the program's optind/optarg/optopt globals when it uses them.
// Unlike glibc's default, arguments are not permuted: the first non-option ends the
// options (what glibc does with a leading '+' or POSIXLY_CORRECT).
#include <cstring>

#include "lang/builtin_call.h"

namespace pp::lang {

namespace {
const Sym* global_named(const Program& P, const char* name) {
  for (const auto& s : P.sym_pool)
    if (s->kind == SymKind::Global && s->name == name) return s.get();
  return nullptr;
}
}  // namespace

bool BuiltinCall::getopt() {
  const Program& P = vm.P;
  auto gaddr = [&](const Sym* s) { return (s->section == 0 ? p.layout.data : p.layout.bss) + (u64)s->off; };
  const Sym* g_optind = global_named(P, "optind");
  const Sym* g_optarg = global_named(P, "optarg");
  const Sym* g_optopt = global_named(P, "optopt");
  const Sym* g_opterr = global_named(P, "opterr");
  LibState& L = vm.lib;
  std::int32_t opterr = 1;
  if (g_opterr && !vm.read_mem(p, gaddr(g_opterr), &opterr, 4)) return false;
  if (g_optind) {
    std::int32_t oi = 0;
    if (!vm.read_mem(p, gaddr(g_optind), &oi, 4)) return false;
    if (oi != L.optind) { L.optind = oi < 1 ? 1 : oi; L.nextchar = 0; }  // the program moved it
  }
  int argc = (int)arg(0);
  u64 argv = uarg(1);
  std::string opts;
  if (!vm.read_cstr(p, uarg(2), opts)) return false;
  std::size_t o0 = 0;
  while (o0 < opts.size() && (opts[o0] == '+' || opts[o0] == '-')) o0++;
  bool colon_mode = o0 < opts.size() && opts[o0] == ':';
  std::string prog;
  u64 a0 = 0;
  if (!vm.read_mem(p, argv, &a0, 8) || (a0 && !vm.read_cstr(p, a0, prog))) return false;

  u64 optarg = 0;
  std::int32_t optopt = 0;
  auto word = [&](int i, std::string& s, u64& at) { return vm.read_mem(p, argv + 8 * (u64)i, &at, 8) && vm.read_cstr(p, at, s); };
  auto done = [&](std::int64_t ret) {
    std::int32_t oi = L.optind;
    if (g_optind && !vm.write_mem(p, gaddr(g_optind), &oi, 4)) return false;
    if (g_optarg && !vm.write_mem(p, gaddr(g_optarg), &optarg, 8)) return false;
    if (g_optopt && ret == '?' && !vm.write_mem(p, gaddr(g_optopt), &optopt, 4)) return false;
    return finish(ret);
  };
  auto complain = [&](const std::string& what) {
    if (opterr && !colon_mode) vm.hooks_.on_output(p, prog + ": " + what + "\n");
  };
  if (L.nextchar == 0) {
    if (L.optind >= argc) return done(-1);
    std::string a;
    u64 at;
    if (!word(L.optind, a, at)) return false;
    if (a.size() < 2 || a[0] != '-') return done(-1);
    if (a == "--") { L.optind++; return done(-1); }
    if (in.a == BI_getopt_long && a[1] == '-') {
      // --name or --name=value
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) { value = name.substr(eq + 1); name = name.substr(0, eq); has_value = true; }
      L.optind++;
      for (int k = 0; k < 256; k++) {
        u64 rec = uarg(3) + 32 * (u64)k, np = 0, flag = 0;
        std::int32_t has_arg = 0, val = 0;
        if (!vm.read_mem(p, rec, &np, 8) || !vm.read_mem(p, rec + 8, &has_arg, 4) ||
            !vm.read_mem(p, rec + 16, &flag, 8) || !vm.read_mem(p, rec + 24, &val, 4)) return false;
        if (!np) break;
        std::string n;
        if (!vm.read_cstr(p, np, n)) return false;
        if (n != name) continue;
        if (has_value) {
          if (has_arg == 0) { complain("option '--" + name + "' doesn't allow an argument"); return done('?'); }
          optarg = at + 3 + name.size();
        } else if (has_arg == 1) {
          std::string next;
          u64 nat = 0;
          if (L.optind >= argc) { complain("option '--" + name + "' requires an argument"); return done(colon_mode ? ':' : '?'); }
          if (!word(L.optind, next, nat)) return false;
          optarg = nat;
          L.optind++;
        }
        std::int32_t idx = k;
        if (n.size() && uarg(4) && !vm.write_mem(p, uarg(4), &idx, 4)) return false;
        if (flag) { if (!vm.write_mem(p, flag, &val, 4)) return false; return done(0); }
        return done(val);
      }
      complain("unrecognized option '--" + name + "'");
      return done('?');
    }
    L.nextchar = 1;
  }
  std::string a;
  u64 at;
  if (!word(L.optind, a, at)) return false;
  char c = a[(std::size_t)L.nextchar++];
  bool last = (std::size_t)L.nextchar >= a.size();
  std::size_t pos = c == ':' ? std::string::npos : opts.find(c, o0);
  if (pos == std::string::npos) {
    optopt = c;
    if (last) { L.optind++; L.nextchar = 0; }
    complain(std::string("invalid option -- '") + c + "'");
    return done('?');
  }
  bool takes = pos + 1 < opts.size() && opts[pos + 1] == ':';
  bool optional = takes && pos + 2 < opts.size() && opts[pos + 2] == ':';
  if (!takes) {
    if (last) { L.optind++; L.nextchar = 0; }
    return done(c);
  }
  if (!last) {
    optarg = at + (u64)L.nextchar;  // -ovalue
  } else if (!optional) {
    if (L.optind + 1 >= argc) {
      optopt = c;
      L.optind++; L.nextchar = 0;
      complain(std::string("option requires an argument -- '") + c + "'");
      return done(colon_mode ? ':' : '?');
    }
    std::string next;
    if (!word(L.optind + 1, next, optarg)) return false;
    L.optind++;
  }
  L.optind++;
  L.nextchar = 0;
  return done(c);
}

}  // namespace pp::lang
