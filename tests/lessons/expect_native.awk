# Turns a lesson into a C program that checks its own //@ expect facts on the
# real kernel (runtime: expect_native.h, driver: gcc_run.sh). POSIX awk.
#
#   //@ expect VmLck == 0                    //@ expect VmLck == 0
#   printf("start\n");            ──►        pp_step_begin(); printf("start\n"); { pp_status(...); }
#
# Lines are never added or removed, so compiler messages keep the lesson's
# line numbers: pp_step_begin() goes in front of the statement's first line
# and the checks after its last line (the `;` or the closing `}` of its block).
#
# Facts that the real machine cannot reproduce are printed as skipped:
#  - everything after an environment action in a later step than the first
#    annotated one of main (`//@ sudo on` in mid-lesson: the shell can only
#    set up the start);
#  - RAM/swap facts (VmRSS, VmSwap, resident, swapped, and fault counts other
#    than `== 0`) from the first `//@ pressure` on: the other program is
#    modelled only;
#  - swapped= facts (no swap on the test machine), and child: facts other
#    than VmLck/VmRSS/VmSize.
# Limitation: an annotated statement nested inside another annotated
# statement's block is reported as skipped (style rule: don't).

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function cstr(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }

# The line without string/char literals and // comments, for counting brackets.
function code_only(s,    out, i, c, q) {
  out = ""; q = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (q != "") {
      if (c == "\\") { i++; continue }
      if (c == q) q = ""
      continue
    }
    if (c == "\"" || c == "'") { q = c; continue }
    if (c == "/" && substr(s, i + 1, 1) == "/") break
    out = out c
  }
  return out
}

function count(s, ch,    n, i) {
  n = 0
  for (i = 1; i <= length(s); i++) if (substr(s, i, 1) == ch) n++
  return n
}

function bytes(sz,    m, v) {
  m = 1
  if (sz ~ /K$/) m = 1024
  else if (sz ~ /M$/) m = 1024 * 1024
  else if (sz ~ /G$/) m = 1024 * 1024 * 1024
  v = sz; sub(/[KMG]$/, "", v)
  return sprintf("%.0fL", v * m)
}

# C code that checks (or skips) one fact written on line `ln`.
function fact_code(ln, fact,    f, child, text, op, n, kv, i, k, v, want, obj, out, why) {
  text = cstr(fact)
  f = fact; child = 0
  if (f ~ /^child:/) { child = 1; sub(/^child:[ \t]*/, "", f) }
  if (env_changed) return "pp_skip(" ln ", " text ", \"the environment changed (//@ sudo/ulimit-l) after the start: modelled only\"); "
  if (f ~ /^(VmLck|VmRSS|VmSize|VmSwap)[ \t]/) {
    split(f, kv, /[ \t]+/)
    op = kv[2]; v = kv[3]
    if ((kv[1] == "VmRSS" || kv[1] == "VmSwap") && pressure_seen) return "pp_skip(" ln ", " text ", \"memory pressure is modelled only\"); "
    if (child) {
      # Checked by the child itself, right after the fork, so the parent never reads
      # the status of a child that may already have exited.
      cchecks = cchecks "pp_status(" ln ", " text ", 1, " cstr(kv[1]) ", " cstr(op) ", " bytes(v) "); "
      return ""
    }
    return "pp_status(" ln ", " text ", 0, " cstr(kv[1]) ", " cstr(op) ", " bytes(v) "); "
  }
  if (f ~ /^(ret|minflt|majflt|errno)[ \t]/) {
    split(f, kv, /[ \t]+/)
    if (child) return "pp_skip(" ln ", " text ", \"child: is checked natively for VmLck/VmRSS/VmSize only\"); "
    # Under (modelled) pressure a fact that faults happen is modelled only; a fact
    # that none happen is checked here too.
    if ((kv[1] == "majflt" || kv[1] == "minflt") && pressure_seen && !(kv[2] == "==" && kv[3] == 0)) return "pp_skip(" ln ", " text ", \"memory pressure is modelled only\"); "
    return "pp_num(" ln ", " text ", " cstr(kv[1]) ", " cstr(kv[2]) ", " kv[3] "); "
  }
  # OBJ key=value ...
  n = split(f, kv, /[ \t]+/)
  obj = kv[1]
  if (child) return "pp_skip(" ln ", " text ", \"child: is checked natively for VmLck/VmRSS/VmSize only\"); "
  out = ""
  for (i = 2; i <= n; i++) {
    k = kv[i]; sub(/=.*/, "", k)
    v = kv[i]; sub(/^[^=]*=/, "", v)
    want = v == "all" ? -1 : (v == "none" ? 0 : v + 0)
    why = ""
    if (k == "swapped") why = "no swap on this machine: modelled only"
    else if (k == "resident" && pressure_seen) why = "memory pressure is modelled only"
    if (why != "") out = out "pp_skip(" ln ", " cstr(obj " " kv[i]) ", " cstr(why) "); "
    else out = out "pp_obj(" ln ", " cstr(obj " " kv[i]) ", PP_ADDR(" obj "), PP_SIZE(" obj "), " cstr(k) ", " want "); "
  }
  return out
}

BEGIN { inmain = 0; blocks = 0; npend = 0; nenv = 0; collecting = 0; env_changed = 0; pressure_seen = 0 }

{
  line = $0
  if (line ~ /^[ \t]*\/\/@/) {
    a = line; sub(/^[ \t]*\/\/@[ \t]*/, "", a)
    kw = a; sub(/[ \t].*$/, "", kw)
    rest = a; if (rest ~ /[ \t]/) sub(/^[^ \t]+[ \t]+/, "", rest); else rest = ""
    rest = trim(rest)
    if (collecting) {
      if (kw == "expect") nested = nested "pp_skip(" NR ", " cstr(rest) ", \"nested inside another annotated statement\"); "
    } else if (kw == "expect") {
      npend++; pend[npend] = rest; pendln[npend] = NR
    } else if (kw == "sudo" || kw == "ulimit-l" || kw == "pressure") {
      nenv++; envkw[nenv] = kw; envval[nenv] = rest
    }
    if (!collecting) { print line; next }
  }

  if (!collecting) {
    if (line ~ /^[ \t]*int[ \t]+main[ \t]*\(/) inmain = 1
    if (line ~ /^[ \t]*$/ || line ~ /^[ \t]*\/\//) { print line; next }
    if (npend == 0 && nenv == 0) { print line; next }
    # A statement with annotations starts here.
    blocks++
    for (i = 1; i <= nenv; i++) {
      if (!inmain || blocks > 1) {
        if (envkw[i] == "pressure") { if (envval[i] != "0") pressure_seen = 1 }
        else env_changed = 1
      }
    }
    checks = ""; cchecks = ""
    for (i = 1; i <= npend; i++) checks = checks fact_code(pendln[i], pend[i])
    npend = 0; nenv = 0
    collecting = 1; depth_p = 0; depth_b = 0; buf = ""; nested = ""
    line = "pp_step_begin(); " line
  }

  # Collecting the lines of one statement.
  c = code_only($0)
  depth_p += count(c, "(") - count(c, ")")
  depth_b += count(c, "{") - count(c, "}")
  t = trim(c)
  if (depth_p <= 0 && depth_b <= 0 && (t ~ /;$/ || t ~ /}$/)) {
    print line " { if (!pp_forked_child) { " checks nested "} else { " cchecks "} }"
    collecting = 0
  } else {
    print line
  }
}

END {
  if (collecting) { print "expect_native.awk: " FILENAME ": statement never ended" > "/dev/stderr"; exit 1 }
}
