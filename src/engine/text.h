// pinpages engine — text forms shared by the command line and the windows: sizes,
// counts and a step as `pinpages run` / `pinpages real` print it.
#pragma once

#include <cstdio>
#include <string>

#include "engine/trace.h"

namespace pp {

std::string human_bytes(u64 bytes);  // "4 KiB", "489 MiB"
std::string human_kb(u64 kb);
std::string grouped(u64 n);          // "125,000": thousands separated

// A step as lines of text: the statement, the call and its result, the figure, say and
// quiz, the program's output, pages locked/faults, and each process's counters and
// objects (labels of `os`: VmLck or its QNX counterpart).
void print_step(std::FILE* out, const Step& s, OsKind os);

}  // namespace pp
