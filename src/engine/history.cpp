// pinpages engine — bounded history: checkpoints, thinning, recompute on demand.
#include "engine/history.h"

#include <algorithm>

namespace pp {

// History bytes are counted the same on every platform, as a 64-bit host lays the
// structures out (wasm32 has smaller pointers and keeps other strings inline), so a run
// stops at the same step in the browser as on the desktop.
namespace hb {
constexpr std::size_t step = 464, proc = 160, quiz = 96, event = 32, str = 32, region = 168, object = 88;
std::size_t text(const std::string& x) { return x.size() > 15 ? x.size() + 1 : 0; }  // beyond the inline bytes
}  // namespace hb

std::size_t step_record_bytes(const Step& s) {
  using hb::text;
  std::size_t b = hb::step + text(s.source) + text(s.call) + text(s.say) + text(s.output) + text(s.figure_caption);
  if (s.quiz) {
    b += hb::quiz + text(s.quiz->question) + text(s.quiz->explanation);
    for (const auto& c : s.quiz->choices) b += hb::str + text(c);
  }
  b += s.procs.size() * hb::proc;
  if (s.dropped) b += s.events.size() * hb::event;  // the few a dropped step keeps
  return b;
}

std::size_t step_full_bytes(const Step& s) {
  std::size_t b = s.events.size() * hb::event;
  for (const ProcReport& p : s.procs) {
    for (const SmapsEntry& r : p.regions) b += hb::region + r.perms.size() + r.name.size() + r.vmflags.size();
    for (const ObjectReport& o : p.objects) b += hb::object + o.name.size();
  }
  return b;
}

void drop_full(Step& s) {
  s.machine.reset();
  // A few events are kept: `pinpages run` prints a step from them without a replay.
  if (s.events.size() > 16) {
    std::vector<Event>().swap(s.events);
    s.events_dropped = true;
  } else {
    s.events.shrink_to_fit();
  }
  for (ProcReport& p : s.procs) {
    std::vector<SmapsEntry>().swap(p.regions);
    std::vector<ObjectReport>().swap(p.objects);
  }
  s.dropped = true;
}

History::History(std::shared_ptr<CompiledLesson> lesson, const RunOptions& opt) : L_(std::move(lesson)), opt_(opt) {}

void History::add_checkpoint(Checkpoint c) {
  ckpt_bytes_ += c.bytes;
  ckpts_.push_back(std::move(c));
  // Over budget: keep every other one (the first always), twice as far apart from now on.
  while (ckpt_bytes_ > budget() / 4 && ckpts_.size() > 2) {
    std::vector<Checkpoint> kept;
    ckpt_bytes_ = 0;
    for (std::size_t i = 0; i < ckpts_.size(); ++i)
      if (i % 2 == 0 || i + 1 == ckpts_.size()) {
        ckpt_bytes_ += ckpts_[i].bytes;
        kept.push_back(std::move(ckpts_[i]));
      }
    ckpts_ = std::move(kept);
    spacing_ *= 2;
  }
}

void History::evict_oldest(Trace& t) {
  Window& w = windows_.front();
  // A copy of the trace may share this history: only the trace that filled it drops.
  if (w.trace == &t)
    for (int i : w.filled) drop_full(t.steps[std::size_t(i)]);
  win_bytes_ -= w.bytes;
  windows_.pop_front();
}

void History::materialize(Trace& t, int i, bool machine) {
  auto wanted = [&](const Step& s) { return s.dropped || (machine && !s.machine); };
  if (i < 0 || i >= int(t.steps.size()) || !wanted(t.steps[std::size_t(i)]) || ckpts_.empty()) return;
  auto it = std::upper_bound(ckpts_.begin(), ckpts_.end(), i, [](int v, const Checkpoint& c) { return v < c.step; });
  if (it == ckpts_.begin()) return;  // cannot happen: the first checkpoint precedes every dropped step
  const Checkpoint& c = *(it - 1);
  // A window around i, leaning forward (play, the CLI) but with a few steps behind (step
  // back). A reader walking every step gets a window twice as long each time it asks
  // for the step after the last window (up to 56 snapshots or 4096 reports); one that
  // asks here and there (the CLI's text for its few big steps) gets short ones, since a
  // step's full reports cost what the process maps.
  const int max_span = machine ? 56 : 4096;
  span_ = (i >= last_hi_ - 8 && i <= last_hi_ + 8) ? std::min(max_span, span_ * 2) : 16;
  int lo = std::max(c.step, i - 8), hi = std::min<int>(int(t.steps.size()), i + std::min(span_, max_span));
  last_hi_ = hi;
  std::vector<Step> got = replay_steps(*L_, opt_, c, lo, hi, i, budget() / 16, stop_icount_, machine);
  ++replays_;
  Window w;
  w.trace = &t;
  for (Step& s : got) {
    if (s.index < 0 || s.index >= int(t.steps.size())) continue;
    Step& d = t.steps[std::size_t(s.index)];
    if (!wanted(d)) continue;
    w.bytes += step_full_bytes(s) + (s.machine && !w.filled.empty() && t.steps[std::size_t(w.filled.back())].machine
                                         ? s.machine->bytes_beyond(*t.steps[std::size_t(w.filled.back())].machine)
                                         : s.machine ? s.machine->deep_bytes() : 0);
    // The record part stays as the first run made it; the recomputed part comes back.
    if (s.machine) d.machine = std::move(s.machine);
    d.events = std::move(s.events);
    d.events_dropped = false;
    for (std::size_t k = 0; k < d.procs.size() && k < s.procs.size(); ++k) {
      d.procs[k].regions = std::move(s.procs[k].regions);
      d.procs[k].objects = std::move(s.procs[k].objects);
    }
    d.dropped = false;
    w.filled.push_back(s.index);
  }
  win_bytes_ += w.bytes;
  windows_.push_back(std::move(w));
  while (windows_.size() > 1 && win_bytes_ > budget() / 8) evict_oldest(t);
}

const Step& Trace::at(int i, bool machine) const {
  // Recomputing does not change what the step says, only what it holds: the trace stays
  // logically const (it is single-threaded, like the whole engine).
  if (history && i >= 0 && i < int(steps.size()))
    history->materialize(const_cast<Trace&>(*this), i, machine);
  return steps[std::size_t(std::clamp<int>(i, 0, int(steps.size()) - 1))];
}

}  // namespace pp
