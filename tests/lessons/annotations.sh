#!/bin/sh
# Checks the //@ annotations of every lesson against the grammar of
# lessons/README.md, without the interpreter (plain POSIX awk), so that a typo
# in a lesson is caught even where pinpages is not built. numbers.awk then
# checks that every number the narration states is backed by a fact.
# usage: annotations.sh LESSONS_DIR
set -u
DIR=${1:-lessons}
HERE=$(cd "$(dirname "$0")" && pwd)
status=0
for f in "$DIR"/*.c; do
  [ -e "$f" ] || { echo "no lessons in $DIR"; exit 1; }
  awk -v file="$f" '
    function err(msg) { printf "%s:%d: %s\n    %s\n", file, NR, msg, $0; bad++ }
    function size_ok(s) { return s ~ /^[0-9]+[KMG]?$/ }
    # The grammar of lessons/README.md: "|" separates parts only outside brackets and
    # `backquotes`, and "||" is C, not a separator. Unbalanced parts are errors.
    function split_quiz(s, out,    i, c, depth, stack, tick, n, cur) {
      n = 0; depth = 0; tick = 0; cur = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "`") { tick = !tick; cur = cur c; continue }
        if (tick) { cur = cur c; continue }
        if (c == "(" || c == "[" || c == "{") { stack[++depth] = c }
        else if (c == ")" || c == "]" || c == "}") {
          if (depth == 0 || (c == ")" && stack[depth] != "(") || (c == "]" && stack[depth] != "[") || (c == "}" && stack[depth] != "{")) {
            qerr = "unbalanced " c " in a part"; return -1
          }
          depth--
        } else if (c == "|" && substr(s, i + 1, 1) == "|") { cur = cur "||"; i++; continue }
        else if (c == "|" && depth == 0) {
          out[++n] = cur; cur = ""; continue
        }
        cur = cur c
      }
      if (tick) { qerr = "a part has an unclosed `"; return -1 }
      if (depth) { qerr = "a part has an unclosed bracket"; return -1 }
      out[++n] = cur
      return n
    }
    /^[ \t]*int[ \t]+main[ \t]*\(/ { inmain = 1 }
    # A block of //@ lines ends at the first other line: a quiz needs a say there.
    !/^[ \t]*\/\/@/ {
      if (quizline && !blocksay) { printf "%s:%d: the step of this quiz has no //@ say\n", file, quizline; bad++ }
      quizline = 0; blocksay = 0
    }
    /^[ \t]*\/\/@/ {
      line = $0
      sub(/^[ \t]*\/\/@[ \t]*/, "", line)
      kw = line; sub(/[ \t].*$/, "", kw)
      rest = line; if (index(rest, " ") > 0) { sub(/^[^ \t]*[ \t]+/, "", rest) } else { rest = "" }
      if (kw == "title") {
        if (inmain) err("title must come before main"); if (rest == "") err("empty title"); titles++
      } else if (kw == "machine") {
        if (inmain) err("machine must come before main"); machines++
        n = split(rest, kv, /[ \t]+/)
        for (i = 1; i <= n; i++) {
          if (kv[i] ~ /^(ram|swap)=/) { v = kv[i]; sub(/^[a-z]+=/, "", v); if (!size_ok(v)) err("bad size " kv[i]) }
          else if (kv[i] ~ /^os=(linux|qnx|both)$/) { if (kv[i] ~ /qnx/) qnx = 1 }
          else if (kv[i] ~ /^procnto=(ml|mL)$/) { }
          else err("unknown machine setting " kv[i])
        }
      } else if (kw == "figures") {
        if (rest != "mlockall" && rest != "mlock") err("figures must be mlockall or mlock"); figset = rest
      } else if (kw == "figure") {
        if (rest !~ /^[ABC]$/) err("figure takes A, B or C"); seen[rest] = 1
      } else if (kw == "say" || kw == "explain") {
        if (rest == "") err(kw " without text"); if (kw == "say") { says++; blocksay = 1 }
      } else if (kw == "step") {
        if (rest != "" && rest != "once" && rest != "each") err("step takes nothing, once or each")
      } else if (kw == "quiz") {
        n = split_quiz(rest, ch); stars = 0
        if (n < 0) { err("quiz: " qerr); n = 3; stars = 1 }
        for (i = 2; i <= n; i++) if (ch[i] ~ /^[ \t]*\*/) stars++
        if (n < 3) err("quiz needs a question and at least two choices")
        if (stars != 1) err("quiz needs exactly one choice marked with *")
        quizzes++; quizline = NR
      } else if (kw == "expect") {
        e = rest; sub(/^child:[ \t]*/, "", e)
        op = "(==|!=|<=|>=|<|>)"
        if (e ~ ("^(VmLck|VmRSS|VmSize|VmSwap)[ \t]+" op "[ \t]*[0-9]+[KMG]?$")) { }
        else if (e ~ ("^(ret|minflt|majflt)[ \t]+" op "[ \t]*-?[0-9]+$")) { }
        else if (e ~ /^errno[ \t]+==[ \t]*(0|E[A-Z0-9]+)$/) { }
        else if (e ~ /^signal[ \t]+(==|!=)[ \t]*(0|SIG[A-Z]+|[0-9]+)$/) { }
        else if (e ~ /^[A-Za-z_][A-Za-z_0-9]*(\[[0-9]+\])?([ \t]+((locked|resident|swapped)=(all|none|[0-9]+)|level=(unlocked|locked|onfault|superlocked|lazy)))+$/) { }
        else err("expect: not a known fact")
        expects++
      } else if (kw == "sudo") {
        if (rest != "on" && rest != "off") err("sudo takes on or off")
      } else if (kw == "ulimit-l" || kw == "pressure") {
        if (!size_ok(rest) && !(kw == "ulimit-l" && rest == "unlimited")) err(kw " takes a size such as 64K")
      } else {
        err("unknown annotation \"" kw "\"")
      }
    }
    END {
      if (titles != 1) { printf "%s: needs exactly one //@ title\n", file; bad++ }
      if (machines > 1) { printf "%s: more than one //@ machine\n", file; bad++ }
      if (quizzes < 1) { printf "%s: needs at least one //@ quiz\n", file; bad++ }
      if (expects < 3) { printf "%s: needs at least three //@ expect facts\n", file; bad++ }
      if (says < 3) { printf "%s: needs narration (//@ say)\n", file; bad++ }
      if (figset == "mlockall" && !(seen["A"] && seen["B"] && seen["C"])) { printf "%s: figure set mlockall needs figures A, B and C\n", file; bad++ }
      if (figset == "mlock" && !(seen["A"] && seen["B"])) { printf "%s: figure set mlock needs figures A and B\n", file; bad++ }
      exit bad > 0
    }
  ' "$f"
  grammar=$?
  awk -v file="$f" -f "$HERE/numbers.awk" "$f" "$f"
  numbers=$?
  if [ "$grammar" -eq 0 ] && [ "$numbers" -eq 0 ]; then echo "ok   $f"; else echo "FAIL $f"; status=1; fi
done
exit $status
