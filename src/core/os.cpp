// pinpages core — names for errno values and events (Linux numbering on every host).
#include "core/os.h"

namespace pp {

namespace {

// Every errno the model returns or a lab on the real kernel may report, in Linux
// numbering, with glibc's strerror() text: the one table behind the names in traces,
// JSON, the CLI, annotations (//@ expect ... errno ENOMEM) and the real-mode reports.
struct ErrnoRow { int value; const char* name; const char* text; };
constexpr ErrnoRow kErrno[] = {
    {1, "EPERM", "Operation not permitted"},
    {2, "ENOENT", "No such file or directory"},
    {3, "ESRCH", "No such process"},
    {4, "EINTR", "Interrupted system call"},
    {5, "EIO", "Input/output error"},
    {6, "ENXIO", "No such device or address"},
    {7, "E2BIG", "Argument list too long"},
    {8, "ENOEXEC", "Exec format error"},
    {9, "EBADF", "Bad file descriptor"},
    {10, "ECHILD", "No child processes"},
    {11, "EAGAIN", "Resource temporarily unavailable"},
    {12, "ENOMEM", "Cannot allocate memory"},
    {13, "EACCES", "Permission denied"},
    {14, "EFAULT", "Bad address"},
    {15, "ENOTBLK", "Block device required"},
    {16, "EBUSY", "Device or resource busy"},
    {17, "EEXIST", "File exists"},
    {18, "EXDEV", "Invalid cross-device link"},
    {19, "ENODEV", "No such device"},
    {20, "ENOTDIR", "Not a directory"},
    {21, "EISDIR", "Is a directory"},
    {22, "EINVAL", "Invalid argument"},
    {38, "ENOSYS", "Function not implemented"},
    {75, "EOVERFLOW", "Value too large for defined data type"},
};

const ErrnoRow* errno_row(int e) {
  for (const ErrnoRow& r : kErrno)
    if (r.value == e) return &r;
  return nullptr;
}

}  // namespace

const char* errno_name(int e) {
  if (e == err::OK) return nullptr;
  if (const ErrnoRow* r = errno_row(e)) return r->name;
  // A small fixed table of "E<n>" strings keeps the return value static.
  static thread_local char buf[16];
  int v = e < 0 ? -e : e, i = 15;
  buf[i] = 0;
  do { buf[--i] = char('0' + v % 10); v /= 10; } while (v && i > 2);
  if (e < 0) buf[--i] = '-';
  buf[--i] = 'E';
  return buf + i;
}

const char* errno_text(int e) {
  if (e == err::OK) return "Success";
  const ErrnoRow* r = errno_row(e);
  return r ? r->text : "Unknown error";
}

int errno_value(std::string_view name) {
  for (const ErrnoRow& r : kErrno)
    if (name == r.name) return r.value;
  return -1;
}

const char* event_name(EventKind k) {
  switch (k) {
    case EventKind::VmaCreate: return "vma-create";
    case EventKind::VmaRemove: return "vma-remove";
    case EventKind::VmaSplit: return "vma-split";
    case EventKind::VmaMerge: return "vma-merge";
    case EventKind::VmaGrow: return "vma-grow";
    case EventKind::Populate: return "populate";
    case EventKind::Lock: return "lock";
    case EventKind::Unlock: return "unlock";
    case EventKind::FrameAlloc: return "frame-alloc";
    case EventKind::FrameFree: return "frame-free";
    case EventKind::ZeroMap: return "zero-map";
    case EventKind::CowCopy: return "cow-copy";
    case EventKind::MinorFault: return "minor-fault";
    case EventKind::MajorFault: return "major-fault";
    case EventKind::SwapOut: return "swap-out";
    case EventKind::SwapIn: return "swap-in";
    case EventKind::FileRead: return "file-read";
    case EventKind::FileDrop: return "file-drop";
    case EventKind::Writeback: return "writeback";
    case EventKind::OomKill: return "oom-kill";
    case EventKind::Signal: return "signal";
    case EventKind::ProcessCreate: return "process-create";
    case EventKind::ProcessExit: return "process-exit";
    case EventKind::Exec: return "exec";
  }
  return "?";
}

const char* lock_level_name(LockLevel l) {
  switch (l) {
    case LockLevel::Unlocked: return "unlocked";
    case LockLevel::Locked: return "locked";
    case LockLevel::OnFault: return "onfault";
    case LockLevel::Superlocked: return "superlocked";
    case LockLevel::Lazy: return "lazy";
  }
  return "unlocked";
}

}  // namespace pp
