// Hand-made traces built by calling Machine operations directly (the tutorial's
// mlockall and mlock programs), so the UI is testable without the interpreter.
#pragma once

#include "engine/trace.h"

namespace pp::uitest {

// Steps: 0 start (figure A), 1 500 mallocs, 2 mlockall(CURRENT|FUTURE) (figure B),
// 3 malloc(1 MiB) (figure C), 4 munlockall. Objects: a, a[0]..a[499], scratch.
Trace mlockall_trace();
// Steps: 0 start (figure A), 1 mlock(buffer) (figure B), 2 munlock(buffer). Object: buffer.
Trace mlock_trace();
// fork + COW + pressure + swap: exercises the child column, swap slots and the hog.
Trace fork_pressure_trace();

}  // namespace pp::uitest
