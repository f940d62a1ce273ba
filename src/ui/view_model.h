// pinpages UI — the address-space view model: pages aggregated into runs, separated
// from drawing so tests can check what the figure claims against the Machine.
//
//   Machine snapshot ──build_step_view──► StepView
//                                          └─ ProcessView (pid)      one column
//                                              └─ SegmentView (VMA)  one labelled block
//                                                  └─ Run [first,count) kind pinned
//
// 125,000 pages of the tutorial's records become one run of "resident, pinned"; the
// drawing asks `summarize()` for the cells it shows, so frame cost follows the screen.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/machine.h"
#include "engine/trace.h"

namespace pp::ui {

// What a page looks like in the figure.
enum class CellKind : std::uint8_t {
  NotBacked,  // anonymous, never touched: no memory behind it yet
  Zero,       // mapped to the shared zero page (reads as zeros, costs no RAM)
  Resident,   // in a physical frame
  Swapped,    // anonymous page written out to swap
  OnFile,     // file page not in RAM: dropped, the file can restore it
  Cached,     // file page in the page cache but not mapped here yet
  Count
};
const char* cell_kind_name(CellKind k);

struct Run {
  u64 first = 0, count = 0;  // page indices inside the segment
  CellKind kind = CellKind::NotBacked;
  bool pinned = false;
  bool cow = false;
};

// Aggregate of a page range.
struct CellSummary {
  u64 pages = 0;
  u64 by_kind[static_cast<int>(CellKind::Count)] = {};
  u64 pinned = 0, cow = 0;
  CellKind kind() const;                      // the most common kind
  bool all_pinned() const { return pages > 0 && pinned == pages; }
  bool mostly_pinned() const { return pinned * 2 >= pages && pinned > 0; }
  bool mixed() const;                         // more than one kind present
};

struct SegmentView {
  Vma vma;
  std::string role;   // "text (code)", "heap ↑", "mmap: libc.so.6", "stack ↓"
  std::string short_role;  // for narrow columns: "text", "heap ↑", "libc.so.6", "stack ↓"
  std::string group;  // region bracket: "text", "data", "heap", "mmap area", "stack", ""
  std::vector<Run> runs;
  CellSummary total;
  u64 pages() const { return vma.pages(); }
  CellSummary summarize(u64 first, u64 count) const;  // pages [first, first+count)
};

struct ObjectView {
  std::string name;
  u64 addr = 0, bytes = 0;
};

struct ProcessView {
  int pid = 0;
  ProcStatus status;
  std::vector<SegmentView> segs;  // sorted by address (low first)
  std::vector<ObjectView> objects;
  // Index of the segment holding `addr`, or -1.
  int find(u64 addr) const;
  // Aggregate over a byte range (every page touching it), across segments.
  CellSummary summarize_range(u64 addr, u64 bytes) const;
};

struct StepView {
  std::vector<ProcessView> procs;
  const ProcessView* proc(int pid) const;
};

// A range of pages whose state this step changed (mapped, faulted in, locked, unlocked,
// copied on write, swapped): what the figures outline as "changed this step".
struct ChangedRange {
  int pid = 0;
  u64 addr = 0, pages = 0;
  std::vector<std::string> what;  // event names, e.g. {"lock", "populate"}
};
// Merged, sorted by (pid, addr); only ranges that still exist after the step.
std::vector<ChangedRange> changed_ranges(const Step& s);

CellKind classify(const Vma& v, const PageInfo& p);
// Builds the view of every live process in `m`; objects come from the step's reports.
StepView build_step_view(const Machine& m, const Step* step);

}  // namespace pp::ui
