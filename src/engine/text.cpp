// Text forms of sizes, counts and steps.
#include "engine/text.h"


namespace pp {

std::string human_bytes(u64 b) {
  char buf[64];
  if (b < 1024) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  else if (b < (1ull << 20)) std::snprintf(buf, sizeof buf, "%.4g KiB", b / 1024.0);
  else if (b < (1ull << 30)) std::snprintf(buf, sizeof buf, "%.4g MiB", b / 1048576.0);
  else if (b < (1ull << 40)) std::snprintf(buf, sizeof buf, "%.4g GiB", b / 1073741824.0);
  else std::snprintf(buf, sizeof buf, "%.4g TiB", b / 1099511627776.0);
  return buf;
}

std::string human_kb(u64 kb) { return human_bytes(kb * 1024); }

std::string grouped(u64 n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

namespace {

u64 count_events(const Step& s, EventKind k) {
  u64 n = 0;
  for (const Event& e : s.events) if (e.kind == k) n += e.npages;
  return n;
}

}  // namespace

void print_step(std::FILE* out, const Step& s, OsKind os) {
  std::fprintf(out, "step %d  line %d  pid %d  ", s.index, s.line, s.pid);
  if (s.tid && s.tid != s.pid) std::fprintf(out, "thread %d  ", s.tid);
  std::fprintf(out, "%s\n", s.index == 0 ? "(process started)" : s.source.c_str());
  if (!s.call.empty()) {
    std::fprintf(out, "    %s -> %lld", s.call.c_str(), (long long)s.ret);
    if (s.err) std::fprintf(out, "  errno %s (%s)", errno_name(s.err) ? errno_name(s.err) : "?", errno_text(s.err));
    std::fprintf(out, "\n");
  }
  if (s.figure) std::fprintf(out, "    figure %c: %s\n", *s.figure, s.figure_caption.c_str());
  if (!s.say.empty()) std::fprintf(out, "    say: %s\n", s.say.c_str());
  if (s.quiz) {
    std::fprintf(out, "    quiz: %s\n", s.quiz->question.c_str());
    for (size_t i = 0; i < s.quiz->choices.size(); i++)
      std::fprintf(out, "      %c) %s%s\n", (char)('a' + i), s.quiz->choices[i].c_str(), (int)i == s.quiz->answer ? "  <- answer" : "");
    if (!s.quiz->explanation.empty()) std::fprintf(out, "      why: %s\n", s.quiz->explanation.c_str());
  }
  if (!s.output.empty()) {
    // Line by line as getline splits: a last line without '\n' still counts.
    for (size_t i = 0; i < s.output.size();) {
      size_t e = s.output.find('\n', i);
      if (e == std::string::npos) e = s.output.size();
      std::fprintf(out, "    | %.*s\n", static_cast<int>(e - i), s.output.c_str() + i);
      i = e + 1;
    }
  }
  u64 locked = count_events(s, EventKind::Lock), unlocked = count_events(s, EventKind::Unlock);
  std::fprintf(out, "    ");
  if (locked) std::fprintf(out, "+%llu pages locked, ", (unsigned long long)locked);
  if (unlocked) std::fprintf(out, "-%llu pages unlocked, ", (unsigned long long)unlocked);
  std::fprintf(out, "%llu faults", (unsigned long long)(s.minflt + s.majflt));
  if (s.majflt) std::fprintf(out, " (%llu major)", (unsigned long long)s.majflt);
  std::fprintf(out, ", %.0f us\n", s.cost_us);
  const QuantityLabels lb = quantity_labels(os);
  for (const ProcReport& p : s.procs) {
    std::fprintf(out, "    pid %d%s: %s %llu kB  %s %llu kB  %s %llu kB%s\n", p.status.pid, p.status.alive ? "" : " (exited)",
                lb.lck, (unsigned long long)p.status.vm_lck_kb, lb.rss, (unsigned long long)p.status.vm_rss_kb,
                lb.size, (unsigned long long)p.status.vm_size_kb,
                (p.status.mcl & mcl::FUTURE) ? "  MCL_FUTURE" : "");
    for (const ObjectReport& o : p.objects)
      std::fprintf(out, "      %-12s %llu pages: %llu resident, %llu locked, %llu swapped\n", o.name.c_str(),
                   (unsigned long long)o.pages, (unsigned long long)o.resident_pages,
                   (unsigned long long)o.locked_pages, (unsigned long long)o.swapped_pages);
  }
}

}  // namespace pp
