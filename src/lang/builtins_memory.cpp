// pinpages lang — malloc, mappings, files, locking, limits and QNX's privileges: the
// library functions that call the Os and keep the program's view in step (its blocks,
// for the lesson's object reports; its bytes, which move with mremap and vanish with
// munmap). The calls that only forward (mlock, madvise, ...) are generated from
// core/calls.def (builtins.cpp).
//
// Files: open() only records the path; the file reaches the Os when its size is known
// (ftruncate, or mmap of a file opened without O_CREAT), because Os::open takes the
// size of a newly created file.
#include <algorithm>

#include "lang/builtin_call.h"

namespace pp::lang {

namespace {

using C = BuiltinCall;
constexpr u64 kPage = 4096;

bool malloc_(C& c) {  // malloc, calloc
  const bool zeroed = c.id() == BI_calloc;
  u64 bytes = zeroed ? c.uarg(0) * c.uarg(1) : c.uarg(0);
  if (zeroed && c.uarg(1) && bytes / c.uarg(1) != c.uarg(0)) { c.p.err = err::NOMEM; return c.finish(0); }
  OpResult r = zeroed ? c.os().calloc(c.p.pid, c.uarg(0), c.uarg(1)) : c.os().malloc(c.p.pid, bytes);
  std::int64_t v = c.os_call(r);
  if (v && !r.err) {
    c.p.blocks.set((u64)v, bytes);
    c.p.freed.erase((u64)v);
    if (zeroed) c.p.mem.fill((u64)v, 0, bytes);
  }
  return c.finish(r.err ? 0 : v);
}

bool realloc_(C& c) {
  u64 old = c.uarg(0), bytes = c.uarg(1);
  const u64* known = c.p.blocks.find(old);
  u64 old_size = known ? *known : 0;
  OpResult r = c.os().realloc(c.p.pid, old, bytes);
  std::int64_t v = c.os_call(r);
  if (!r.err && v) {
    if ((u64)v != old && old) c.p.mem.copy((u64)v, old, std::min(old_size, bytes));
    c.p.blocks.erase(old);
    c.p.blocks.set((u64)v, bytes);
  }
  return c.finish(r.err ? 0 : v);
}

bool free_(C& c) {
  if (c.uarg(0) == 0) return c.finish(0);
  OpResult r = c.os().free(c.p.pid, c.uarg(0));
  c.os_call(r);
  if (const u64* size = c.p.blocks.find(c.uarg(0))) {
    if (!r.err) c.p.freed.set(c.uarg(0), *size);
    c.p.blocks.erase(c.uarg(0));
  }
  return c.finish(0);
}

bool mmap_(C& c) {
  int fd = (int)c.arg(4), os_fd = -1;
  u64 len = c.uarg(1), off = c.uarg(5);
  int flags = (int)c.arg(3);
  if (!(flags & mapf::ANONYMOUS)) {
    auto it = c.p.fds.find(fd);
    if (it == c.p.fds.end()) return c.fail_errno(err::BADF);
    if (it->second.os_fd < 0) {
      OpResult o = c.os().open(c.p.pid, it->second.path, std::max(it->second.size, off + len));
      std::int64_t f = c.os_call(o);
      if (o.err) return c.finish(-1);
      it->second.os_fd = (int)f;
    }
    os_fd = it->second.os_fd;
  }
  OpResult r = c.os().mmap(c.p.pid, c.uarg(0), len, (int)c.arg(2), flags, os_fd, off);
  std::int64_t v = c.os_call(r);
  if (r.err) return c.finish(-1);  // MAP_FAILED
  c.p.mem.drop((u64)v, len);       // fresh mapping: zero (file pages are zero here too)
  c.p.blocks.set((u64)v, len);
  return c.finish(v);
}

bool munmap_(C& c) {
  OpResult r = c.os().munmap(c.p.pid, c.uarg(0), c.uarg(1));
  std::int64_t v = c.os_call(r);
  if (!r.err) {
    c.p.mem.drop(c.uarg(0), c.uarg(1));
    c.p.blocks.erase_range(c.uarg(0), c.uarg(1));
  }
  return c.finish(r.err ? -1 : v);
}

bool mincore_(C& c) {
  u64 addr = c.uarg(0), len = c.uarg(1);
  if (addr % kPage) return c.fail_errno(err::INVAL);
  u64 pages = (len + kPage - 1) / kPage;
  if (pages > (1u << 24)) return c.fail("mincore range too large for the interpreter");
  std::vector<std::uint8_t> vec(pages);
  for (u64 i = 0; i < pages; i++) vec[i] = c.os().count_pages(c.p.pid, addr + i * kPage, kPage).resident ? 1 : 0;
  if (!c.vm.write_mem(c.p, c.uarg(2), vec.data(), pages)) return false;
  return c.finish(0);
}

bool sbrk_(C& c) {
  OpResult r = c.os().sbrk(c.p.pid, c.arg(0));
  std::int64_t v = c.os_call(r);
  if (!r.err && c.arg(0) > 0) c.p.blocks.set((u64)v, (u64)c.arg(0));  // a lesson object, like a malloc block
  return c.finish(r.err ? -1 : v);
}

int new_fd(Proc& p, const FileDesc& fd) {
  int num = 3;
  while (p.fds.count(num)) num++;
  p.fds[num] = fd;
  return num;
}

bool open_(C& c) {
  std::string path;
  if (!c.cstr(0, path)) return false;
  FileDesc fd;
  fd.path = path;
  fd.create = (c.arg(1) & 0100) != 0;  // O_CREAT
  // The step records what the C code receives: the program's descriptor, even
  // when the file reaches the Os only later (O_CREAT: at ftruncate or mmap).
  OpResult r;
  if (!fd.create) {
    r = c.os().open(c.p.pid, path, 0);
    if (r.err) { r.ret = -1; c.os_call(r); return c.finish(-1); }
    fd.os_fd = (int)r.ret;
  }
  int num = new_fd(c.p, fd);
  r.ret = num;
  c.os_call(r);
  return c.finish(num);
}

bool memfd_create_(C& c) {
  std::string name;
  if (!c.cstr(0, name)) return false;
  FileDesc fd;
  fd.path = "memfd:" + name;
  fd.create = true;  // reaches the Os at ftruncate(), like a new file
  return c.finish(new_fd(c.p, fd));
}

bool ftruncate_(C& c) {
  auto it = c.p.fds.find((int)c.arg(0));
  if (it == c.p.fds.end()) return c.fail_errno(err::BADF);
  it->second.size = c.uarg(1);
  if (it->second.os_fd < 0) {
    OpResult r = c.os().open(c.p.pid, it->second.path, c.uarg(1));
    const int os_fd = (int)r.ret;
    r.ret = r.err ? -1 : 0;  // ftruncate's own result, not the descriptor
    c.os_call(r);
    if (r.err) return c.finish(-1);
    it->second.os_fd = os_fd;
  }
  return c.finish(0);
}

bool close_(C& c) {
  if (!c.p.fds.erase((int)c.arg(0))) return c.fail_errno(err::BADF);
  return c.finish(0);
}

constexpr int kRlimitMemlock = 8;

bool rlimit_(C& c) {  // setrlimit, getrlimit
  int res = (int)c.arg(0);
  u64 rl[2];
  if (c.id() == BI_setrlimit) {
    if (!c.vm.read_mem(c.p, c.uarg(1), rl, 16)) return false;
    if (res != kRlimitMemlock) return c.finish(0);  // only RLIMIT_MEMLOCK matters to memory locking
    return c.os_result(c.os().setrlimit_memlock(c.p.pid, rl[0], rl[1]));
  }
  ProcStatus st = c.os().status(c.p.pid);
  rl[0] = res == kRlimitMemlock ? st.rlim_memlock_cur : kRlimInfinity;
  rl[1] = res == kRlimitMemlock ? st.rlim_memlock_max : kRlimInfinity;
  if (!c.vm.write_mem(c.p, c.uarg(1), rl, 16)) return false;
  return c.finish(0);
}

bool sysconf_(C& c) {
  if (c.arg(0) == 30) return c.finish(4096);  // _SC_PAGESIZE
  return c.fail_errno(err::INVAL);
}

bool thread_ctl_(C& c) {
  // _NTO_TCTL_IO_PRIV (1) and the older _NTO_TCTL_IO (14): I/O privilege, which
  // superlocks the process. Other commands are not modelled.
  if (c.arg(0) != 1 && c.arg(0) != 14) return c.fail_errno(err::INVAL);
  return c.os_result(c.os().thread_ctl_io(c.p.pid));
}

bool procmgr_ability_(C& c) {
  // procmgr_ability(pid, domain|op|id, [lower, upper if SUBRANGE,] ..., PROCMGR_AID_EOL):
  // returns EOK or an errno (not -1).
  if (c.arg(0) != 0 && c.arg(0) != c.p.pid) return c.finish(err::PERM);  // other processes: not modelled
  std::vector<std::uint32_t> words;
  int i = 1;
  for (; i < c.nargs(); i++) {
    std::uint32_t w = (std::uint32_t)c.uarg(i);
    words.push_back(w);
    if ((w & 0xffff) == 0xffff) break;
    if (w & 0x00040000) i += 2;  // PROCMGR_AOP_SUBRANGE: lower and upper follow
  }
  if (i >= c.nargs()) return c.fail("procmgr_ability: the list must end with PROCMGR_AID_EOL");
  OpResult r = c.os().procmgr_ability(c.p.pid, words);
  c.os_call(r);
  return c.finish(r.err);
}

}  // namespace

void add_memory_builtins(HandlerTable& t) {
  t[BI_malloc] = t[BI_calloc] = malloc_;
  t[BI_realloc] = realloc_;
  t[BI_free] = free_;
  t[BI_mmap] = mmap_;
  t[BI_munmap] = munmap_;
  t[BI_mincore] = mincore_;
  t[BI_sbrk] = sbrk_;
  t[BI_mremap] = [](C& c) { return c.mremap(); };
  t[BI_open] = open_;
  t[BI_memfd_create] = memfd_create_;
  t[BI_ftruncate] = ftruncate_;
  t[BI_close] = close_;
  t[BI_unlink] = [](C& c) { return c.finish(0); };
  t[BI_setrlimit] = t[BI_getrlimit] = rlimit_;
  t[BI_getrusage] = [](C& c) { return c.getrusage(); };
  t[BI_sysconf] = sysconf_;
  t[BI_getpagesize] = [](C& c) { return c.finish(4096); };
  t[BI_ThreadCtl] = thread_ctl_;
  t[BI_procmgr_ability] = procmgr_ability_;
}

}  // namespace pp::lang
