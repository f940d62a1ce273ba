// pinpages lang — output, strings, memory copies and numbers: the library functions that
// run inside the interpreter. They touch the bytes they read and write (so the Os sees
// the accesses), but make no call of their own.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "lang/builtin_call.h"

namespace pp::lang {

namespace {

using C = BuiltinCall;

bool printf_(C& c) { std::string s; if (!c.format(1, s)) return false; c.out(s); return c.finish((std::int64_t)s.size()); }
bool fprintf_(C& c) { std::string s; if (!c.format(2, s)) return false; c.out(s); return c.finish((std::int64_t)s.size()); }
bool puts_(C& c) { std::string s; if (!c.cstr(0, s)) return false; c.out(s + "\n"); return c.finish((std::int64_t)s.size() + 1); }
bool putchar_(C& c) { c.out(std::string(1, (char)c.arg(0))); return c.finish(c.arg(0) & 0xff); }
bool fflush_(C& c) { return c.finish(0); }

bool perror_(C& c) {
  std::string s;
  if (c.uarg(0) && !c.cstr(0, s)) return false;
  c.out((s.empty() ? "" : s + ": ") + std::string(errno_text(c.p.err)) + "\n");
  return c.finish(0);
}

bool sprintf_(C& c) {
  const bool bounded = c.id() == BI_snprintf;
  std::string s;
  if (!c.format(bounded ? 3 : 2, s)) return false;
  u64 cap = bounded ? c.uarg(1) : s.size() + 1;
  if (cap > 0) {
    std::string w = s.substr(0, std::min<u64>(s.size(), cap - 1));
    w.push_back('\0');
    if (!c.vm.write_mem(c.p, c.uarg(0), w.data(), w.size())) return false;
  }
  return c.finish((std::int64_t)s.size());
}

bool strlen_(C& c) { std::string s; if (!c.cstr(0, s)) return false; return c.finish((std::int64_t)s.size()); }

bool strcpy_(C& c) {  // strcpy, strcat
  std::string s, d;
  if (!c.cstr(1, s)) return false;
  u64 dst = c.uarg(0);
  if (c.id() == BI_strcat) { if (!c.cstr(0, d)) return false; dst += d.size(); }
  if (!c.vm.write_mem(c.p, dst, s.c_str(), s.size() + 1)) return false;
  return c.finish(c.arg(0));
}

bool strncpy_(C& c) {
  std::string s;
  if (!c.cstr(1, s)) return false;
  u64 len = c.uarg(2);
  if (len > (1u << 26)) return c.fail("strncpy length too large");
  std::string w = s.substr(0, std::min<u64>(s.size(), len));
  w.resize(len, '\0');
  if (!c.vm.write_mem(c.p, c.uarg(0), w.data(), w.size())) return false;
  return c.finish(c.arg(0));
}

bool strcmp_(C& c) {  // strcmp, strncmp
  std::string a, b;
  if (!c.cstr(0, a) || !c.cstr(1, b)) return false;
  if (c.id() == BI_strncmp) {
    a = a.substr(0, std::min<u64>(a.size(), c.uarg(2)));
    b = b.substr(0, std::min<u64>(b.size(), c.uarg(2)));
  }
  int r = std::strcmp(a.c_str(), b.c_str());
  return c.finish(r < 0 ? -1 : r > 0);
}

bool memcmp_(C& c) {
  u64 len = c.uarg(2);
  if (len > (256u << 20)) return c.fail("memcmp of more than 256 MiB is too large for the interpreter");
  std::vector<std::uint8_t> x(len), y(len);
  if (!c.vm.read_mem(c.p, c.uarg(0), x.data(), len) || !c.vm.read_mem(c.p, c.uarg(1), y.data(), len)) return false;
  int r = len ? std::memcmp(x.data(), y.data(), len) : 0;
  return c.finish(r < 0 ? -1 : r > 0);
}

bool memset_(C& c) {  // memset, __zero (the compiler's zeroing of a local)
  const bool zero = c.id() == BI___zero;
  u64 dst = c.uarg(0), len = zero ? c.uarg(1) : c.uarg(2);
  if (c.too_big(len)) return false;
  if (!c.vm.touch(c.p, dst, len, true)) return false;  // one touch for the whole range
  c.p.mem.fill(dst, zero ? 0 : (std::uint8_t)c.arg(1), len);
  return c.finish(c.arg(0));
}

bool memcpy_(C& c) {  // memcpy, memmove, __initcopy (an initialiser's bytes)
  u64 dst = c.uarg(0), src = c.uarg(1), len = c.uarg(2);
  if (c.too_big(len)) return false;
  if (!c.vm.touch(c.p, src, len, false) || !c.vm.touch(c.p, dst, len, true)) return false;
  c.p.mem.copy(dst, src, len);
  return c.finish(c.arg(0));
}

bool strtol_(C& c) {  // atoi, atol, strtol, strtoul
  std::string s;
  if (!c.cstr(0, s)) return false;
  const bool ends = c.id() == BI_strtol || c.id() == BI_strtoul;
  int base = ends ? (int)c.arg(2) : 10;
  if (base != 0 && (base < 2 || base > 36)) { c.p.err = err::INVAL; return c.finish(0); }
  char* end = nullptr;
  long long v = c.id() == BI_strtoul ? (long long)std::strtoull(s.c_str(), &end, base) : std::strtoll(s.c_str(), &end, base);
  if (ends && c.uarg(1)) {
    std::int64_t e = c.arg(0) + (end - s.c_str());
    if (!c.vm.write_mem(c.p, c.uarg(1), &e, 8)) return false;
  }
  return c.finish(c.id() == BI_atoi ? (std::int64_t)(int)v : (std::int64_t)v);
}

bool abs_(C& c) { return c.finish((std::int64_t)(int)(c.arg(0) < 0 ? -(std::uint32_t)c.arg(0) : c.arg(0))); }
bool labs_(C& c) { return c.finish(c.arg(0) < 0 ? (std::int64_t)(0 - c.uarg(0)) : c.arg(0)); }

}  // namespace

bool BuiltinCall::strerror() {
  std::string t = errno_text((int)arg(0));
  t = t.substr(0, 200);
  u64 at = p.layout.data + ((vm.P.data_size + 15) & ~u64(15));  // the image's scratch line
  if (!vm.write_mem(p, at, t.c_str(), t.size() + 1)) return false;
  return finish((std::int64_t)at);
}

bool BuiltinCall::rand() {
  vm.rand_ = vm.rand_ * 1103515245u + 12345u;
  return finish((vm.rand_ >> 1) & 0x7fffffff);
}

bool BuiltinCall::srand() {
  vm.rand_ = (unsigned)arg(0);
  return finish(0);
}

void add_text_builtins(HandlerTable& t) {
  t[BI_printf] = printf_;
  t[BI_fprintf] = fprintf_;
  t[BI_puts] = puts_;
  t[BI_putchar] = putchar_;
  t[BI_perror] = perror_;
  t[BI_snprintf] = t[BI_sprintf] = sprintf_;
  t[BI_fflush] = fflush_;
  t[BI_strerror] = [](C& c) { return c.strerror(); };
  t[BI_strlen] = strlen_;
  t[BI_strcpy] = t[BI_strcat] = strcpy_;
  t[BI_strncpy] = strncpy_;
  t[BI_strcmp] = t[BI_strncmp] = strcmp_;
  t[BI_memcmp] = memcmp_;
  t[BI_memset] = t[BI___zero] = memset_;
  t[BI_memcpy] = t[BI_memmove] = t[BI___initcopy] = memcpy_;
  t[BI_atoi] = t[BI_atol] = t[BI_strtol] = t[BI_strtoul] = strtol_;
  t[BI_abs] = abs_;
  t[BI_labs] = labs_;
  t[BI_rand] = [](C& c) { return c.rand(); };
  t[BI_srand] = [](C& c) { return c.srand(); };
}

}  // namespace pp::lang
