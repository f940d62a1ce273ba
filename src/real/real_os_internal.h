// RealOs's own helpers, shared by its three files: real_os.cpp (the calls),
// real_os_lab.cpp (lab lifecycle and round trips), real_os_pages.cpp (page inspection).
#pragma once

#include "core/os.h"
#include "real/proto.h"

namespace pp::real::detail {

inline proto::Req req(proto::Op op, u64 a = 0, u64 b = 0, u64 c = 0, u64 d = 0, u64 e = 0, u64 f = 0) {
  proto::Req q;
  q.op = op; q.a = a; q.b = b; q.c = c; q.d = d; q.e = e; q.f = f;
  return q;
}

inline OpResult fail(int e) {
  OpResult r;
  r.ret = -1;
  r.err = e;
  return r;
}

inline u64 page_down(u64 a) { return a & ~(kPageSize - 1); }
inline u64 page_up(u64 a) { return (a + kPageSize - 1) & ~(kPageSize - 1); }

}  // namespace pp::real::detail
