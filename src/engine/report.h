// pinpages engine — per-step reports: named lesson objects and //@ expect checks.
#pragma once

#include <string>
#include <vector>

#include "engine/annotations.h"
#include "engine/trace.h"
#include "lang/vm.h"

namespace pp {

// A named object of an interpreted process resolved to a byte range.
struct ObjectRange {
  std::string name;
  u64 addr = 0, bytes = 0;
  bool ok = false;
  bool freed = false;  // the block was given back with free()
  std::string why;  // when !ok
};

// Page counts of an object. On the model (`m` set) a page also counts as locked when
// another process's locked mapping holds the same frame (lessons/README.md: "locked"
// means it may not be paged out), which Os::count_pages alone does not say.
PageCounts object_pages(lang::Vm& vm, const Machine* m, int pid, u64 addr, u64 len);

// Resolves "buffer", "a[3]", "p" (the block p points to, from where p points, freed
// or not), "s.member" and "p->member" in process `p`.
ObjectRange resolve_object(const lang::Vm& vm, const lang::Proc& p, const std::string& name);

// The objects reported for a process at this point (bounded list).
std::vector<ObjectReport> object_reports(lang::Vm& vm, const lang::Proc& p, const Machine* m);

ProcReport proc_report(lang::Vm& vm, int pid, const Machine* m);

// Evaluates a fact; returns "" when it holds, else a description of the actual value.
std::string check_fact(lang::Vm& vm, const ExpectFact& f, const Step& step, int pid, const Machine* m);

}  // namespace pp
