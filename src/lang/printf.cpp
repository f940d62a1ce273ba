// pinpages lang — printf formatting (delegates each conversion to the host's snprintf
// with an explicit C type, so the text matches glibc).
#include "lang/printf.h"

#include <cstdio>
#include <cstring>

namespace pp::lang {

bool format_printf(const std::string& fmt, FormatArgs& args, std::string& out, std::string& err) {
  char buf[512];
  for (size_t i = 0; i < fmt.size(); i++) {
    char c = fmt[i];
    if (c != '%') { out += c; continue; }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') { out += '%'; i++; continue; }
    std::string flags;
    size_t j = i + 1;
    while (j < fmt.size() && std::strchr("-+ #0'", fmt[j])) flags += fmt[j++];
    int width = -1, prec = -1;
    if (j < fmt.size() && fmt[j] == '*') {
      width = (int)args.next_int(); j++;
      if (width < 0) { flags += '-'; width = -width; }
    } else {
      while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') { width = (width < 0 ? 0 : width) * 10 + (fmt[j] - '0'); if (width > 4096) width = 4096; j++; }
    }
    if (j < fmt.size() && fmt[j] == '.') {
      j++;
      prec = 0;
      if (j < fmt.size() && fmt[j] == '*') { prec = (int)args.next_int(); j++; if (prec < 0) prec = -1; }
      else while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9') { prec = prec * 10 + (fmt[j] - '0'); if (prec > 4096) prec = 4096; j++; }
    }
    std::string len;
    while (j < fmt.size() && std::strchr("hlzjtL", fmt[j])) len += fmt[j++];
    if (j >= fmt.size()) { err = "incomplete format specifier at the end of \"" + fmt + "\""; return false; }
    char conv = fmt[j];
    i = j;
    std::string spec = "%" + flags;
    if (width >= 0) spec += std::to_string(width);
    if (prec >= 0) spec += "." + std::to_string(prec);
    int n = 0;
    switch (conv) {
      case 'd': case 'i': {
        std::int64_t v = args.next_int();
        long long x = (len == "hh") ? (signed char)v : (len == "h") ? (short)v : (len.empty()) ? (int)v : (long long)v;
        n = std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), x);
        break;
      }
      case 'u': case 'x': case 'X': case 'o': {
        std::uint64_t v = (std::uint64_t)args.next_int();
        unsigned long long x = (len == "hh") ? (unsigned char)v : (len == "h") ? (unsigned short)v : (len.empty()) ? (unsigned)v : v;
        n = std::snprintf(buf, sizeof buf, (spec + "ll" + conv).c_str(), x);
        break;
      }
      case 'c': {
        int v = (int)args.next_int();
        n = std::snprintf(buf, sizeof buf, (spec + "c").c_str(), (unsigned char)v);
        break;
      }
      case 'p': {
        std::uint64_t v = (std::uint64_t)args.next_int();
        if (v == 0) n = std::snprintf(buf, sizeof buf, (spec + "s").c_str(), "(nil)");
        else {
          char hex[32];
          std::snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)v);
          n = std::snprintf(buf, sizeof buf, (spec + "s").c_str(), hex);
        }
        break;
      }
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
        double d = args.next_double();
        n = std::snprintf(buf, sizeof buf, (spec + conv).c_str(), d);
        break;
      }
      case 's': {
        std::uint64_t a = (std::uint64_t)args.next_int();
        std::string s;
        if (a == 0) s = "(null)";
        else if (!args.string(a, s)) return true;  // the process faulted
        if (prec >= 0 && (size_t)prec < s.size()) s.resize(prec);
        std::string pad = width > (int)s.size() ? std::string(width - s.size(), ' ') : "";
        out += flags.find('-') != std::string::npos ? s + pad : pad + s;
        continue;
      }
      case 'n': err = "%n is not supported"; return false;
      default: err = std::string("unknown conversion type character '") + conv + "' in format"; return false;
    }
    if (n > 0) out.append(buf, std::min<size_t>((size_t)n, sizeof buf - 1));
  }
  return true;
}

}  // namespace pp::lang
