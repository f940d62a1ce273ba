// pinpages engine — the lesson annotation grammar (`//@ ...` comments).
//
//   file level   //@ title T    //@ machine ram=1G swap=512M os=linux|qnx|both procnto=ml|mL
//                //@ figures mlockall|mlock
//   per step     //@ say T   //@ figure A|B|C   //@ step [once|each]   //@ quiz Q | a | *b
//                //@ explain T   //@ expect FACT   //@ sudo on|off   //@ ulimit-l SIZE
//                //@ pressure SIZE
// A per-step annotation belongs to the statement that directly follows its comment
// block; above `int main(...)` it belongs to step 0 (the process has just started).
// See lessons/README.md for the teacher's version.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/machine.h"
#include "engine/trace.h"
#include "lang/lexer.h"

namespace pp {

struct ExpectFact {
  std::string text;            // as written (for failure messages)
  int line = 0, col = 0;
  bool child = false;          // "child:" prefix
  enum Kind { Object, Field, Ret, Errno, Minflt, Majflt, Signal } kind = Object;
  // Object: name + conditions
  std::string object;
  // mode 0 all, 1 none, 2 exactly n pages; what == "level": every region holding the
  // object is at locking level `name` (lock_level_name)
  struct Cond { std::string what; int mode = 0; u64 n = 0; std::string name; };
  std::vector<Cond> conds;
  // Field / Ret / Errno / faults: "<field> <op> <value>"
  std::string field;           // VmLck VmRSS VmSize VmSwap
  std::string op;              // == != < <= > >=
  i64 value = 0;               // bytes for fields, number otherwise, errno / signal number
};

struct EnvAction {
  enum Kind { SudoOff, SudoOn, Ulimit, Pressure } kind = SudoOff;
  u64 bytes = 0;
  std::string text;
};

struct StepNotes {
  std::vector<std::string> say;
  std::optional<char> figure;
  bool once = false, force = false;
  std::optional<Quiz> quiz;
  std::string explain;
  std::vector<ExpectFact> expects;
  std::vector<EnvAction> actions;
  bool any() const { return !say.empty() || figure || force || quiz || !explain.empty() || !expects.empty() || !actions.empty(); }
};

struct FileNotes {
  std::string title, figure_set;
  MachineConfig machine;
  bool allows_linux = true, allows_qnx = false;
};

// Parses a size: "0", "4096", "64K", "500M", "1G" (binary units; optional B/iB).
std::optional<u64> parse_size(const std::string& s);

// Parses one annotation. File-level ones fill `file`; step ones fill `step`.
// Returns false with `err` (and `err_col` offset into the text) when malformed.
bool is_file_note(const std::string& text);
bool parse_note(const lang::Annotation& a, FileNotes& file, StepNotes& step, std::string& err, int& err_col);

// Caption of a tutorial figure in our own words ("" if none).
std::string figure_caption(const std::string& set, char fig);

}  // namespace pp
