// pinpages real mode — comparing a model trace with a real one.
#include "runner/compare.h"

#include <algorithm>


namespace pp::real {

namespace {

const char* ret_kind(i64 r) { return r == 0 ? "0" : r == -1 ? "-1" : r < 0 ? "negative" : "a value"; }

std::string err_s(int e) {
  if (!e) return "0";
  const char* n = errno_name(e);
  return n ? n : "E" + std::to_string(e);
}

}  // namespace

CompareReport compare_traces(const Trace& model, const Trace& real, const CompareOptions& opt) {
  CompareReport rep;
  rep.steps_model = static_cast<int>(model.steps.size());
  rep.steps_real = static_cast<int>(real.steps.size());
  std::size_t n = std::min(model.steps.size(), real.steps.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Step& m = model.steps[i];
    const Step& r = real.steps[i];
    StepDiff d;
    d.step = m.index;
    d.line = m.line;
    d.source = m.source;
    if (m.line != r.line) {
      d.what.push_back("line: model " + std::to_string(m.line) + ", real " + std::to_string(r.line) +
                       " (the runs took different paths)");
    }
    if (lang::returns_address_or_pid(m.id)) {
      if (std::string(ret_kind(m.ret)) != ret_kind(r.ret))
        d.what.push_back(std::string("ret: model ") + ret_kind(m.ret) + ", real " + ret_kind(r.ret));
    } else if (m.ret != r.ret) {
      d.what.push_back("ret: model " + std::to_string(m.ret) + ", real " + std::to_string(r.ret));
    }
    if (m.err != r.err) d.what.push_back("errno: model " + err_s(m.err) + ", real " + err_s(r.err));
    {
      const u64 mf = m.minflt + m.majflt, rf = r.minflt + r.majflt, hi = std::max(mf, rf);
      const u64 diff = mf > rf ? mf - rf : rf - mf;
      if (hi >= opt.fault_floor && diff > hi * opt.fault_slack_pct / 100 + opt.fault_floor / 4)
        d.what.push_back("faults: model " + std::to_string(mf) + ", real " + std::to_string(rf));
    }
    std::size_t np = std::min(m.procs.size(), r.procs.size());
    if (m.procs.size() != r.procs.size())
      d.what.push_back("processes: model " + std::to_string(m.procs.size()) + ", real " +
                       std::to_string(r.procs.size()));
    for (std::size_t p = 0; p < np; ++p) {
      const ProcReport& mp = m.procs[p];
      const ProcReport& rp = r.procs[p];
      std::string who = np > 1 ? (p == 0 ? "parent " : "child " + std::to_string(p) + " ") : "";
      for (const ObjectReport& mo : mp.objects) {
        const ObjectReport* ro = nullptr;
        for (const ObjectReport& x : rp.objects)
          if (x.name == mo.name) { ro = &x; break; }
        if (!ro) { d.what.push_back(who + mo.name + ": missing in the real run"); continue; }
        auto cmp = [&](const char* what, u64 a, u64 b, u64 slack) {
          u64 diff = a > b ? a - b : b - a;
          if (diff > slack)
            d.what.push_back(who + mo.name + " " + what + " pages: model " + std::to_string(a) + ", real " +
                             std::to_string(b) + " (of " + std::to_string(mo.pages) + ")");
        };
        cmp("locked", mo.locked_pages, ro->locked_pages, 0);
        if (opt.compare_resident) cmp("resident", mo.resident_pages, ro->resident_pages, opt.resident_slack);
        cmp("swapped", mo.swapped_pages, ro->swapped_pages, 0);
      }
    }
    ++rep.compared;
    if (m.figure) rep.figures.push_back({*m.figure, d.what.empty()});
    if (d.what.empty()) ++rep.agreed;
    else rep.diffs.push_back(std::move(d));
  }
  if (model.steps.size() != real.steps.size())
    rep.notes.push_back("the model ran " + std::to_string(model.steps.size()) + " steps, the kernel " +
                        std::to_string(real.steps.size()));
  for (const auto& e : real.errors) rep.notes.push_back("real run stopped: " + e.message);
  for (const auto& e : model.errors) rep.notes.push_back("model run stopped: " + e.message);
  return rep;
}

std::string CompareReport::summary(const std::string& lesson) const {
  std::string o = lesson + ": " + std::to_string(agreed) + "/" + std::to_string(compared) + " steps agree";
  if (steps_model != steps_real)
    o += " (model " + std::to_string(steps_model) + " steps, real " + std::to_string(steps_real) + ")";
  for (const auto& [fig, ok] : figures) o += std::string("; figure ") + fig + (ok ? " agrees" : " DIFFERS");
  return o;
}

std::string CompareReport::format() const {
  std::string o;
  for (const StepDiff& d : diffs) {
    o += "  step " + std::to_string(d.step) + " (line " + std::to_string(d.line) + ": " + d.source + ")\n";
    for (const auto& w : d.what) o += "      " + w + "\n";
  }
  for (const auto& n : notes) o += "  note: " + n + "\n";
  return o;
}

}  // namespace pp::real
