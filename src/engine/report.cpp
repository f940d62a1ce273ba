// pinpages engine — object reports and //@ expect evaluation.
#include "engine/report.h"

#include <algorithm>

namespace pp {

using lang::Proc;
using lang::Sym;
using lang::SymKind;
using lang::TK;

namespace {
constexpr std::size_t kMaxObjects = 24;  // per process: reports stay small at any scale

u64 var_addr(const lang::Vm& vm, const Proc& p, const Sym* s, const lang::Frame* fr) {
  if (s->kind == SymKind::Global) return (s->section == 0 ? p.layout.data : p.layout.bss) + (u64)s->off;
  (void)vm;
  return fr->fp - (u64)s->off;
}

u64 read_u64(const Proc& p, u64 addr) {
  u64 v = 0;
  p.mem.read(addr, &v, 8);
  return v;
}

// The block a pointer value points into: malloc/mmap blocks the interpreter knows.
bool block_of(const Proc& p, u64 v, u64& start, u64& bytes) {
  lang::BlockMap::Entry e;
  if (!p.blocks.floor(v, e)) return false;
  if (v >= e.first && v < e.first + std::max<u64>(e.second, 1)) {
    start = v;
    bytes = e.first + e.second - v;
    return true;
  }
  return false;
}

// A block the program freed (and malloc has not handed out again).
bool freed_of(const Proc& p, u64 v, u64& start, u64& bytes) {
  lang::BlockMap::Entry e;
  if (!p.freed.floor(v, e)) return false;
  if (v < e.first || v >= e.first + std::max<u64>(e.second, 1)) return false;
  start = v;
  bytes = e.first + e.second - v;
  return true;
}

struct Found { const Sym* sym = nullptr; const lang::Frame* frame = nullptr; };

// Innermost frame first, then globals.
Found find_var(const lang::Vm& vm, const Proc& p, const std::string& name) {
  const lang::Program& P = vm.program();
  for (auto fr = p.frames.rbegin(); fr != p.frames.rend(); ++fr) {
    for (const Sym* s : P.funcs[fr->func].locals)
      if (s->name == name) return {s, &*fr};
  }
  for (const Sym* s : P.globals) if (s->name == name) return {s, nullptr};
  return {};
}

ObjectRange pointee(const Proc& p, const std::string& name, u64 v, const lang::Type* base) {
  ObjectRange r;
  r.name = name;
  u64 st, n;
  if (v == 0) { r.why = name + " is NULL"; return r; }
  if (block_of(p, v, st, n)) { r.addr = st; r.bytes = n; r.ok = true; return r; }
  if (freed_of(p, v, st, n)) { r.addr = st; r.bytes = n; r.ok = true; r.freed = true; return r; }
  // Not a block we know: fall back to the size of what it points to.
  r.addr = v;
  r.bytes = base && base->k != TK::Void ? std::max<u64>(1, lang::size_of(base)) : 1;
  r.ok = true;
  return r;
}
}  // namespace

PageCounts object_pages(lang::Vm& vm, const Machine*, int pid, u64 addr, u64 len) {
  // The backend counts a page as locked the kernel's way (a present frame that some
  // locked mapping, in any process, maps): nothing to add here.
  return vm.os().count_pages(pid, addr, len);
}

namespace {
// "s.member" (a struct variable) or "p->member" (a pointer to a struct): the member.
ObjectRange member_of(const lang::Vm& vm, const Proc& p, const std::string& name, std::size_t cut, bool arrow) {
  ObjectRange r;
  r.name = name;
  const std::string base = name.substr(0, cut), member = name.substr(cut + (arrow ? 2 : 1));
  Found f = find_var(vm, p, base);
  if (!f.sym) { r.why = "no variable named '" + base + "' here"; return r; }
  const lang::Type* ty = f.sym->ty;
  u64 addr = var_addr(vm, p, f.sym, f.frame);
  if (arrow) {
    if (ty->k != TK::Ptr) { r.why = "'" + base + "' is not a pointer"; return r; }
    addr = read_u64(p, addr);
    ty = ty->base;
    if (!addr) { r.why = base + " is NULL"; return r; }
  }
  if (ty->k != TK::Struct || !ty->sd) { r.why = "'" + base + "' is not a struct"; return r; }
  const lang::Field* fld = ty->sd->find(member);
  if (!fld) { r.why = "no member '" + member + "' in '" + base + "'"; return r; }
  r.addr = addr + fld->off;
  r.bytes = std::max<u64>(1, lang::size_of(fld->ty));
  r.ok = true;
  return r;
}
}  // namespace

ObjectRange resolve_object(const lang::Vm& vm, const Proc& p, const std::string& name) {
  const std::size_t dot = name.find('.'), arrow = name.find("->");
  if (arrow != std::string::npos && (dot == std::string::npos || arrow < dot)) return member_of(vm, p, name, arrow, true);
  if (dot != std::string::npos) return member_of(vm, p, name, dot, false);
  ObjectRange r;
  r.name = name;
  std::string base = name;
  long idx = -1;
  size_t lb = name.find('[');
  if (lb != std::string::npos) {
    if (name.back() != ']') { r.why = "bad object name '" + name + "'"; return r; }
    base = name.substr(0, lb);
    std::string num = name.substr(lb + 1, name.size() - lb - 2);
    if (num.empty() || num.size() > 9 || num.find_first_not_of("0123456789") != std::string::npos) {
      r.why = "bad index in '" + name + "'";
      return r;
    }
    idx = std::stol(num);
  }
  Found f = find_var(vm, p, base);
  if (!f.sym) { r.why = "no variable named '" + base + "' here"; return r; }
  const lang::Type* ty = f.sym->ty;
  u64 addr = var_addr(vm, p, f.sym, f.frame);
  if (idx >= 0) {
    const lang::Type* el = nullptr;
    u64 a;
    if (ty->k == TK::Array) {
      if ((u64)idx >= ty->count) { r.why = name + ": index out of bounds"; return r; }
      el = ty->base;
      a = addr + (u64)idx * lang::size_of(el);
    } else if (ty->k == TK::Ptr) {
      el = ty->base;
      a = read_u64(p, addr) + (u64)idx * lang::size_of(el);
    } else {
      r.why = "'" + base + "' is not an array"; return r;
    }
    if (el->k == TK::Ptr) return pointee(p, name, read_u64(p, a), el->base);
    r.addr = a; r.bytes = lang::size_of(el); r.ok = true;
    return r;
  }
  if (ty->k == TK::Ptr) return pointee(p, name, read_u64(p, addr), ty->base);
  r.addr = addr;
  r.bytes = lang::size_of(ty);
  r.ok = true;
  return r;
}

std::vector<ObjectReport> object_reports(lang::Vm& vm, const Proc& p, const Machine* m) {
  std::vector<ObjectReport> out;
  auto add = [&](const std::string& name, u64 addr, u64 bytes, bool freed = false) {
    if (out.size() >= kMaxObjects || bytes == 0) return;
    for (auto& o : out) if (o.name == name) return;
    PageCounts c = object_pages(vm, m, p.pid, addr, bytes);
    out.push_back({name, addr, bytes, c.pages, c.resident, c.locked, c.swapped, freed});
  };
  auto add_range = [&](const ObjectRange& r) { if (r.ok) add(r.name, r.addr, r.bytes, r.freed); };
  const lang::Program& P = vm.program();
  std::vector<std::pair<const Sym*, const lang::Frame*>> vars;
  for (const Sym* s : P.globals) vars.push_back({s, nullptr});
  // Locals of the frames still alive (outermost first).
  for (const auto& fr : p.frames)
    for (const Sym* s : P.funcs[fr.func].locals) vars.push_back({s, &fr});
  for (auto& [s, fr] : vars) {
    const lang::Type* ty = s->ty;
    if (p.st == lang::PState::Exited) break;
    if (ty->k == TK::Ptr) {
      u64 v = read_u64(p, var_addr(vm, p, s, fr));
      u64 st, n;
      if (v && block_of(p, v, st, n)) add(s->name, st, n);
      else if (v && freed_of(p, v, st, n)) add(s->name, st, n, true);
      continue;
    }
    if (ty->k == TK::Array && ty->base->k == TK::Ptr) {
      // An array of pointers: its first and last allocated element, and all of them.
      u64 base = var_addr(vm, p, s, fr);
      std::vector<u64> counts;
      long first = -1, last = -1;
      u64 lo = ~0ull, hi = 0;
      for (u64 i = 0; i < ty->count && i < 100000; i++) {
        u64 v = read_u64(p, base + 8 * i), st, n;
        if (!v || !block_of(p, v, st, n)) continue;
        if (first < 0) first = (long)i;
        last = (long)i;
        lo = std::min(lo, st);
        hi = std::max(hi, st + n);
      }
      add(s->name, base, lang::size_of(ty));
      if (first >= 0) {
        add_range(resolve_object(vm, p, s->name + "[" + std::to_string(first) + "]"));
        if (last != first) add_range(resolve_object(vm, p, s->name + "[" + std::to_string(last) + "]"));
        // One range from the lowest to the highest block: one page count, any scale.
        if (last != first) add(s->name + "[*]", lo, hi - lo);
      }
      continue;
    }
    if (ty->k == TK::Array || ty->k == TK::Struct || s->kind == SymKind::Global)
      add(s->name, var_addr(vm, p, s, fr), lang::size_of(ty));
  }
  return out;
}

ProcReport proc_report(lang::Vm& vm, int pid, const Machine* m) {
  ProcReport r;
  Os& os = vm.os();
  r.status = os.status(pid);
  r.regions = os.smaps(pid);
  if (const Proc* p = vm.find(pid); p && r.status.alive && p->st != lang::PState::Exited) r.objects = object_reports(vm, *p, m);
  return r;
}

namespace {
bool compare(i64 a, const std::string& op, i64 b) {
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  return a >= b;
}
std::string kb(u64 k) { return std::to_string(k) + " kB"; }
}  // namespace

std::string check_fact(lang::Vm& vm, const ExpectFact& f, const Step& step, int pid, const Machine* m) {
  Os& os = vm.os();
  if (f.child) {
    pid = vm.last_child();
    if (!pid) return "no child process has been forked yet";
  }
  switch (f.kind) {
    case ExpectFact::Ret:
      return compare(step.ret, f.op, f.value) ? "" : "ret is " + std::to_string(step.ret);
    case ExpectFact::Errno:
      return compare(step.err, f.op, f.value) ? ""
             : "errno is " + std::string(step.err ? (errno_name(step.err) ? errno_name(step.err) : "?") : "0");
    case ExpectFact::Minflt:
      return compare((i64)step.minflt, f.op, f.value) ? "" : "minflt is " + std::to_string(step.minflt);
    case ExpectFact::Majflt:
      return compare((i64)step.majflt, f.op, f.value) ? "" : "majflt is " + std::to_string(step.majflt);
    case ExpectFact::Signal: {
      ProcStatus st = os.status(pid);
      i64 sig = !st.alive && st.exit_code > 128 ? st.exit_code - 128 : 0;
      return compare(sig, f.op, f.value) ? "" : "signal is " + std::to_string(sig);
    }
    case ExpectFact::Field: {
      ProcStatus st = os.status(pid);
      u64 v = f.field == "VmLck" ? st.vm_lck_kb : f.field == "VmRSS" ? st.vm_rss_kb
            : f.field == "VmSize" ? st.vm_size_kb : st.vm_swap_kb;
      return compare((i64)(v * 1024), f.op, f.value) ? "" : f.field + " is " + kb(v);
    }
    case ExpectFact::Object: {
      const Proc* p = vm.find(pid);
      if (!p) return "no process " + std::to_string(pid);
      ObjectRange r = resolve_object(vm, *p, f.object);
      if (!r.ok) return r.why;
      PageCounts c = object_pages(vm, m, pid, r.addr, r.bytes);
      std::string bad;
      for (const auto& cond : f.conds) {
        if (cond.what == "level") {
          for (const SmapsEntry& e : os.smaps(pid))
            if (e.start < r.addr + r.bytes && e.end > r.addr && cond.name != lock_level_name(e.level))
              bad += (bad.empty() ? "" : ", ") + std::string("level ") + lock_level_name(e.level);
          continue;
        }
        u64 have = cond.what == "locked" ? c.locked : cond.what == "resident" ? c.resident : c.swapped;
        bool ok = cond.mode == 0 ? have == c.pages : cond.mode == 1 ? have == 0 : have == cond.n;
        if (!ok) bad += (bad.empty() ? "" : ", ") + cond.what + " " + std::to_string(have) + " of " + std::to_string(c.pages) + " pages";
      }
      return bad;
    }
  }
  return "";
}

}  // namespace pp
