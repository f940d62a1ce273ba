// pinpages core — the latency model: every time constant the model charges, in one place.
//
//   an operation's OpResult.cost_us =  Σ  (count of each kind of work) × (constant below)
//
//   touch ─┬─ resident page ........... kTouchResidentUs (+ kTouchPerByteUs per byte)
//          ├─ minor fault ............. kMinorFaultUs  (+ kCowCopyUs if a frame is copied)
//          ├─ major fault (swap) ...... kMajorFaultSwapUs
//          └─ major fault (file) ...... kMajorFaultFileUs
//   mlock/mlockall/MAP_POPULATE ─ kPopulatePerPageUs per page given a frame
//   fork ─ kForkBaseUs + kForkPerPteUs per copied PTE
//
// Sources: "measured here" = the tutorial's program run on this class of machine
// (Linux 6.x x86-64, glibc 2.36); "cited" = typical published figures.
#pragma once

namespace pp::costs {

// First touch of 500 × 1,024,144 bytes ≈ 125,000 faults took 180–400 ms here
// → 1.4–3.2 µs per anonymous minor fault (zeroing the page included). Middle value.
constexpr double kMinorFaultUs = 2.0;
// A read fault that maps the shared zero page: no allocation, no zeroing.
constexpr double kZeroMapFaultUs = 0.5;
// mlockall(MCL_CURRENT) populating the same 125,000 pages took ≈ 100 ms here
// → 0.8 µs per page (get_user_pages batches the work; no exception entry/exit).
constexpr double kPopulatePerPageUs = 0.8;
// One access to a page already mapped, as a program makes it: a load or store that
// hits the caches, or at worst misses the TLB. Measured here (Firecracker VM, load
// 9 on 2 cores): reading one byte of each page of a resident 64 MiB buffer, 12-22 ns
// per page (TLB miss included); lesson 07's loop compiled with gcc -O0, 130 µs for
// 4096 iterations of about 8 accesses each (≈ 4 ns per access). The model charges
// every access of the interpreted program, stack variables included: 5 ns.
constexpr double kTouchResidentUs = 0.005;
// Bytes moved by one access (memset, memcpy, a struct copy): memset of a resident
// 64 MiB buffer ran at 6-25 GB/s here → 10 GB/s, 0.4 µs per 4 KiB page.
constexpr double kTouchPerByteUs = 0.0001;
// Copy-on-write: allocation and 4 KiB copy on top of the fault (≈ 1 µs, cited: a 4 KiB
// memcpy runs at ~10 GB/s, plus the allocation).
constexpr double kCowCopyUs = 1.0;
// Major fault served from swap on a typical NVMe/SATA SSD: ~100 µs (cited: SSD 4 KiB
// random read latency 80–120 µs).
constexpr double kMajorFaultSwapUs = 100.0;
// Major fault served from a file on the same SSD (readahead makes it one I/O per window).
constexpr double kMajorFaultFileUs = 120.0;
// Writing one page out (swap-out or dirty writeback) during reclaim (cited: SSD
// sequential write ~500 MB/s → 8 µs per 4 KiB, plus bookkeeping).
constexpr double kWritePageUs = 10.0;
// Dropping a clean page or scanning one PTE in reclaim.
constexpr double kReclaimScanUs = 0.05;
// fork(): fixed cost (task struct, mm, VMAs) and per copied PTE (cited: fork of a
// 1 GiB process copies 262,144 PTEs in ~10 ms → ~0.04 µs per PTE).
constexpr double kForkBaseUs = 50.0;
constexpr double kForkPerPteUs = 0.04;
// execve: new image, ld.so startup (measured here: a tiny exec ≈ 300 µs).
constexpr double kExecUs = 300.0;
// One system call with no page work (entry, exit, VMA bookkeeping).
constexpr double kSyscallUs = 0.2;
// Unmapping/freeing one resident page (munmap, exit, MADV_DONTNEED).
constexpr double kFreePageUs = 0.05;
// malloc/free bookkeeping inside glibc (no system call).
constexpr double kMallocUs = 0.05;

}  // namespace pp::costs
