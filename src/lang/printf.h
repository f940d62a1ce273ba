// pinpages lang — printf-family formatting for interpreted programs.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace pp::lang {

// Supplies arguments in order; string() reads a C string from the program's memory
// (returns false when the process faulted, which aborts formatting).
struct FormatArgs {
  std::function<std::int64_t()> next_int;
  std::function<double()> next_double;
  std::function<bool(std::uint64_t addr, std::string& out)> string;
};

// Formats like glibc (%d %i %u %ld %lu %zu %zd %x %X %lx %o %p %s %c %f %e %g %%, flags,
// width, precision, '*'). Returns false with `err` set for an unsupported conversion.
bool format_printf(const std::string& fmt, FormatArgs& args, std::string& out, std::string& err);

}  // namespace pp::lang
