// Which thread ran a step, in the words every view uses: the narration ("thread 1
// (tid 1001) runs"), the code pane's marker, the figure's stack label and state().
//
//   pid 1000 ── main thread (index 0, tid 1000) ── [stack]
//            ├─ thread 1    (index 1, tid 1001) ── its own mmap'd stack (guard page below)
//            └─ thread 2    (index 2, tid 1002)
//
// Threads are numbered in the order pthread_create made them (the interpreter gives
// thread k the tid pid + k), so the index is what a student counts in the source.
#include "ui/ui.h"

namespace pp::ui {

ThreadShown thread_shown(const Trace* t, const Step& s) {
  ThreadShown r;
  r.tid = s.tid ? s.tid : s.pid;
  r.index = r.tid > s.pid ? r.tid - s.pid : 0;
  // A program with threads names the main thread too; one without says nothing. The
  // answer is kept per trace: a scan of the steps' records costs a few µs per 10,000.
  static thread_local const Trace* seen = nullptr;
  static thread_local std::size_t seen_steps = 0;
  static thread_local bool threaded = false;
  if (t && (t != seen || t->steps.size() != seen_steps)) {
    seen = t;
    seen_steps = t->steps.size();
    threaded = false;
    for (const Step& x : t->steps)
      if (x.tid && x.tid != x.pid) { threaded = true; break; }
  }
  r.threaded = (t && threaded) || r.index > 0;
  return r;
}

std::string thread_words(const ThreadShown& th) {
  if (!th.threaded) return "";
  if (th.index == 0) return "the main thread (tid " + std::to_string(th.tid) + ") runs";
  return "thread " + std::to_string(th.index) + " (tid " + std::to_string(th.tid) + ") runs";
}

}  // namespace pp::ui
