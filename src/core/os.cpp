// pinpages core — names for errno values and events (Linux numbering on every host).
#include "core/os.h"

namespace pp {

const char* errno_name(int e) {
  switch (e) {
    case err::OK: return nullptr;
    case err::PERM: return "EPERM";
    case err::NOENT: return "ENOENT";
    case err::SRCH: return "ESRCH";
    case err::INTR: return "EINTR";
    case err::BADF: return "EBADF";
    case err::CHILD: return "ECHILD";
    case err::AGAIN: return "EAGAIN";
    case err::NOMEM: return "ENOMEM";
    case err::ACCES: return "EACCES";
    case err::FAULT: return "EFAULT";
    case err::BUSY: return "EBUSY";
    case err::EXIST: return "EEXIST";
    case err::INVAL: return "EINVAL";
    case err::NOSYS: return "ENOSYS";
    case err::OVERFLOW_: return "EOVERFLOW";
    default: break;
  }
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
  switch (e) {
    case err::OK: return "Success";
    case err::PERM: return "Operation not permitted";
    case err::NOENT: return "No such file or directory";
    case err::SRCH: return "No such process";
    case err::INTR: return "Interrupted system call";
    case err::BADF: return "Bad file descriptor";
    case err::CHILD: return "No child processes";
    case err::AGAIN: return "Resource temporarily unavailable";
    case err::NOMEM: return "Cannot allocate memory";
    case err::ACCES: return "Permission denied";
    case err::FAULT: return "Bad address";
    case err::BUSY: return "Device or resource busy";
    case err::EXIST: return "File exists";
    case err::INVAL: return "Invalid argument";
    case err::NOSYS: return "Function not implemented";
    case err::OVERFLOW_: return "Value too large for defined data type";
    default: return "Unknown error";
  }
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
