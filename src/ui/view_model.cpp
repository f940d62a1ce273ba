// Aggregation of pages into runs (see view_model.h).
#include "ui/view_model.h"

#include <algorithm>

namespace pp::ui {

const char* cell_kind_name(CellKind k) {
  switch (k) {
    case CellKind::NotBacked: return "not backed yet";
    case CellKind::Zero: return "zero page (no RAM)";
    case CellKind::Resident: return "resident in RAM";
    case CellKind::Swapped: return "swapped out";
    case CellKind::OnFile: return "file page dropped (on disk)";
    case CellKind::Cached: return "in page cache, not mapped";
    default: return "?";
  }
}

CellKind CellSummary::kind() const {
  int best = 0;
  for (int i = 1; i < static_cast<int>(CellKind::Count); ++i)
    if (by_kind[i] > by_kind[best]) best = i;
  return static_cast<CellKind>(best);
}

bool CellSummary::mixed() const {
  int n = 0;
  for (u64 c : by_kind) n += c > 0;
  return n > 1;
}

namespace {

bool file_backed(const Vma& v) {
  switch (v.kind) {
    case VmaKind::Text: case VmaKind::Rodata: case VmaKind::Data: case VmaKind::Lib:
    case VmaKind::File: return true;
    default: return v.file >= 0;
  }
}

std::string base_name(const std::string& path) {
  auto s = path.rfind('/');
  return s == std::string::npos ? path : path.substr(s + 1);
}

// The tutorial's vocabulary for each kind of region.
void label(SegmentView& s) {
  const Vma& v = s.vma;
  switch (v.kind) {
    case VmaKind::Text: s.role = "text (code)"; s.group = "text"; break;
    case VmaKind::Rodata: s.role = "rodata (constants)"; s.group = "text"; break;
    case VmaKind::Data: s.role = "data (initialised globals)"; s.group = "data"; break;
    case VmaKind::Bss: s.role = "bss (zeroed globals)"; s.group = "data"; break;
    case VmaKind::Heap: s.role = "heap \xE2\x86\x91 grows up"; s.group = "heap"; break;
    case VmaKind::Anon: s.role = v.name.empty() ? "mmap: anonymous" : "mmap: " + v.name; s.group = "mmap area"; break;
    case VmaKind::File: s.role = "mmap: " + base_name(v.name); s.group = "mmap area"; break;
    case VmaKind::Lib: s.role = "lib: " + base_name(v.name); s.group = "mmap area"; break;
    case VmaKind::Stack: s.role = "stack \xE2\x86\x93 grows down"; s.group = "stack"; break;
    case VmaKind::Vvar: s.role = "[vvar]"; s.group = ""; break;
    case VmaKind::Vdso: s.role = "[vdso]"; s.group = ""; break;
  }
  switch (v.kind) {
    case VmaKind::Text: s.short_role = "text"; break;
    case VmaKind::Rodata: s.short_role = "rodata"; break;
    case VmaKind::Data: s.short_role = "data"; break;
    case VmaKind::Bss: s.short_role = "bss"; break;
    case VmaKind::Heap: s.short_role = "heap \xE2\x86\x91"; break;
    case VmaKind::Anon: s.short_role = v.name.empty() ? "anon mmap" : v.name; break;
    case VmaKind::File: case VmaKind::Lib: s.short_role = base_name(v.name); break;
    case VmaKind::Stack: s.short_role = "stack \xE2\x86\x93"; break;
    default: s.short_role = s.role; break;
  }
}

}  // namespace

CellKind classify(const Vma& v, const PageInfo& p) {
  switch (p.state) {
    case PageState::Frame: return CellKind::Resident;
    case PageState::Zero: return CellKind::Zero;
    case PageState::Swap: return CellKind::Swapped;
    case PageState::None: break;
  }
  if (file_backed(v)) return p.in_cache ? CellKind::Cached : CellKind::OnFile;
  return CellKind::NotBacked;
}

CellSummary SegmentView::summarize(u64 first, u64 count) const {
  CellSummary out;
  u64 end = first + count;
  // First run that ends after `first` (runs are sorted and contiguous).
  auto it = std::upper_bound(runs.begin(), runs.end(), first,
                             [](u64 f, const Run& r) { return f < r.first + r.count; });
  for (; it != runs.end() && it->first < end; ++it) {
    u64 a = std::max(first, it->first), b = std::min(end, it->first + it->count);
    if (b <= a) continue;
    u64 n = b - a;
    out.pages += n;
    out.by_kind[static_cast<int>(it->kind)] += n;
    if (it->pinned) out.pinned += n;
    if (it->cow) out.cow += n;
  }
  return out;
}

int ProcessView::find(u64 addr) const {
  auto it = std::upper_bound(segs.begin(), segs.end(), addr,
                             [](u64 a, const SegmentView& s) { return a < s.vma.end; });
  if (it == segs.end() || addr < it->vma.start) return -1;
  return static_cast<int>(it - segs.begin());
}

CellSummary ProcessView::summarize_range(u64 addr, u64 bytes) const {
  CellSummary out;
  if (bytes == 0) bytes = 1;
  u64 lo = addr & ~(kPageSize - 1), hi = (addr + bytes + kPageSize - 1) & ~(kPageSize - 1);
  for (const SegmentView& s : segs) {
    if (s.vma.end <= lo || s.vma.start >= hi) continue;
    u64 a = std::max(lo, s.vma.start), b = std::min(hi, s.vma.end);
    CellSummary c = s.summarize((a - s.vma.start) >> kPageShift, (b - a) >> kPageShift);
    out.pages += c.pages;
    out.pinned += c.pinned;
    out.cow += c.cow;
    for (int i = 0; i < static_cast<int>(CellKind::Count); ++i) out.by_kind[i] += c.by_kind[i];
  }
  return out;
}

const ProcessView* StepView::proc(int pid) const {
  for (const auto& p : procs)
    if (p.pid == pid) return &p;
  return nullptr;
}

StepView build_step_view(const Machine& m, const Step* step) {
  StepView out;
  std::vector<PageInfo> buf;
  for (int pid : m.pids()) {
    ProcStatus st = m.status(pid);
    const auto& vmas = m.vmas(pid);
    if (vmas.empty()) continue;  // reaped or zombie: nothing mapped to draw
    ProcessView pv;
    pv.pid = pid;
    pv.status = st;
    for (const Vma& v : vmas) {
      SegmentView s;
      s.vma = v;
      label(s);
      // Page the VMA through a bounded buffer: a 500 MB VMA is 125,000 PageInfos.
      constexpr u64 kChunk = 8192;
      u64 n = v.pages();
      for (u64 off = 0; off < n; off += kChunk) {
        u64 k = std::min(kChunk, n - off);
        buf.resize(k);
        m.page_range(pid, v.start + (off << kPageShift), k, buf.data());
        for (u64 i = 0; i < k; ++i) {
          const PageInfo& p = buf[i];
          CellKind kind = classify(v, p);
          bool pinned = p.locked, cow = p.cow;
          if (!s.runs.empty()) {
            Run& r = s.runs.back();
            if (r.kind == kind && r.pinned == pinned && r.cow == cow) { ++r.count; continue; }
          }
          s.runs.push_back(Run{off + i, 1, kind, pinned, cow});
        }
      }
      s.total = s.summarize(0, n);
      pv.segs.push_back(std::move(s));
    }
    if (step) {
      for (const ProcReport& pr : step->procs)
        if (pr.status.pid == pid)
          for (const ObjectReport& o : pr.objects) pv.objects.push_back({o.name, o.addr, o.bytes});
    }
    out.procs.push_back(std::move(pv));
  }
  return out;
}

std::vector<ChangedRange> changed_ranges(const Step& s) {
  std::vector<ChangedRange> in;
  for (const Event& e : s.events) {
    if (e.pid <= 0 || e.npages == 0 || e.vaddr == 0) continue;
    const char* what = nullptr;
    switch (e.kind) {
      case EventKind::VmaCreate: what = "mapped"; break;
      case EventKind::VmaGrow: what = "grown"; break;
      case EventKind::Populate: case EventKind::FrameAlloc: case EventKind::ZeroMap:
      case EventKind::MinorFault: case EventKind::MajorFault: case EventKind::FileRead: what = "faulted in"; break;
      case EventKind::Lock: what = "locked"; break;
      case EventKind::Unlock: what = "unlocked"; break;
      case EventKind::CowCopy: what = "copied on write"; break;
      case EventKind::SwapOut: what = "swapped out"; break;
      case EventKind::SwapIn: what = "swapped in"; break;
      case EventKind::FileDrop: what = "dropped"; break;
      default: break;
    }
    if (what) in.push_back(ChangedRange{e.pid, e.vaddr, e.npages, {what}});
  }
  std::sort(in.begin(), in.end(), [](const ChangedRange& a, const ChangedRange& b) {
    return a.pid != b.pid ? a.pid < b.pid : a.addr < b.addr;
  });
  std::vector<ChangedRange> out;
  for (ChangedRange& r : in) {
    if (!out.empty() && out.back().pid == r.pid && r.addr <= out.back().addr + (out.back().pages << kPageShift)) {
      ChangedRange& o = out.back();
      u64 end = std::max(o.addr + (o.pages << kPageShift), r.addr + (r.pages << kPageShift));
      o.pages = (end - o.addr) >> kPageShift;
      for (auto& w : r.what)
        if (std::find(o.what.begin(), o.what.end(), w) == o.what.end()) o.what.push_back(w);
      continue;
    }
    out.push_back(std::move(r));
  }
  // A range the step also unmapped (a freed block) is no longer on the figure.
  if (s.machine)
    out.erase(std::remove_if(out.begin(), out.end(), [&](const ChangedRange& r) {
      for (const Vma& v : s.machine->vmas(r.pid))
        if (v.start < r.addr + (r.pages << kPageShift) && v.end > r.addr) return false;
      return true;
    }), out.end());
  return out;
}

}  // namespace pp::ui
