# Every number a lesson's narration states must be backed by a fact checked on
# the same step. Used by annotations.sh (POSIX awk); the rules are in
# lessons/README.md ("Numbers in narration").
#
# A step is a run of //@ lines and the statement after it. In its `say` text,
# each number (digits, with an optional unit: bytes, pages, K/KiB/kB, M/MiB/MB,
# G/GiB/GB) must
#   - match the value of an `expect` fact of the step (within 5%, units
#     converted; a page is 4 KiB; `none` is 0), or
#   - be an input the lesson itself sets: a number literal of the program's
#     code (or a product such as 1024 * 1024 written there), or the size of a
#     //@ machine, //@ pressure or //@ ulimit-l setting, or
#   - be exempt: written in backquotes (a value from the program's text), part
#     of a call written out such as mlock(buf, 4 * PAGE), or a label after
#     Experiment, Part, Level, step, pass, page/pages or figure.
function unit_of(u) {
  if (u ~ /^(K|KiB|kB|KB)$/) return 1024
  if (u ~ /^(M|MiB|MB)$/) return 1048576
  if (u ~ /^(G|GiB|GB)$/) return 1073741824
  if (u ~ /^pages?$/) return 4096
  return 1
}
function size_val(sz,    v) { v = sz; sub(/[KMG]$/, "", v); return v * unit_of(substr(sz, length(v) + 1)) }
function add_ref(v) { refs[++nrefs] = v }
function near(a, b) { return (a == b) || (b != 0 && a / b > 0.95 && a / b < 1.05) }
function known(v,    i) { for (i = 1; i <= nrefs; i++) if (near(v, refs[i])) return 1; return 0 }
function literal(n,    i) { for (i = 1; i <= nlits; i++) if (lits[i] == n) return 1; return 0 }
function fact_refs(f,    kv, n, i, v) {
  sub(/^child:[ \t]*/, "", f)
  n = split(f, kv, /[ \t]+/)
  if (kv[1] ~ /^(VmLck|VmRSS|VmSize|VmSwap)$/) { v = kv[3]; add_ref(size_val(v)); add_ref(size_val(v) / 4096); return }
  if (kv[1] ~ /^(ret|minflt|majflt)$/) { add_ref(kv[3] + 0); if (kv[3] < 0) add_ref(-kv[3]); return }
  for (i = 2; i <= n; i++) {
    v = kv[i]; sub(/^[a-z]+=/, "", v)
    if (v == "none") add_ref(0)
    else if (v ~ /^[0-9]+$/) { add_ref(v + 0); add_ref(v * 4096) }
  }
}
function check_step(    t, m, tok, num, u, val, pre) {
  if (say == "") return
  t = say
  gsub(/`[^`]*`/, " ", t)                                  # values from the program
  while (match(t, /[A-Za-z_][A-Za-z_0-9]*\([^()]*\)/)) t = substr(t, 1, RSTART - 1) " " substr(t, RSTART + RLENGTH)
  gsub(/(Experiment|Part|Level|[Ss]tep|pass|pages?|figure)[ \t]+[0-9]+(-[0-9]+)?/, " ", t)
  while (match(t, /[0-9]+(,[0-9][0-9][0-9])*(\.[0-9]+)?[ \t]*(KiB|MiB|GiB|kB|KB|MB|GB|bytes?|pages?|[KMG])?/)) {
    tok = substr(t, RSTART, RLENGTH); pre = substr(t, RSTART - 1, 1)
    t = substr(t, RSTART + RLENGTH)
    if (pre ~ /[A-Za-z_.]/) continue                        # part of a word: vm2, x86
    num = tok; sub(/[ \t]*[A-Za-z]*$/, "", num); gsub(/,/, "", num)
    u = tok; sub(/^[0-9,.]+[ \t]*/, "", u)
    val = num * unit_of(u)
    if (known(val) || known(num + 0) || literal(num)) continue
    sub(/[ \t]+$/, "", tok)
    printf "%s:%d: the narration states \"%s\" but no //@ expect fact of this step has that value\n", file, sayline, tok
    bad++
  }
}
function reset() { say = ""; sayline = 0; nrefs = nbase }
# First pass (the file is given twice): the program's own numbers, from its
# code lines only (not comments, not strings).
NR == FNR {
  if ($0 ~ /^[ \t]*\/\//) next
  line = $0; sub(/\/\/.*$/, "", line); gsub(/"[^"]*"/, " ", line)
  while (match(line, /[0-9]+[ \t]*\*[ \t]*[0-9]+/)) {
    split(substr(line, RSTART, RLENGTH), ab, /[ \t]*\*[ \t]*/)
    refs[++nbase] = ab[1] * ab[2]
    line = substr(line, RSTART + length(ab[1]))
  }
  line = $0; sub(/\/\/.*$/, "", line); gsub(/"[^"]*"/, " ", line)
  while (match(line, /[0-9]+/)) { lits[++nlits] = substr(line, RSTART, RLENGTH); line = substr(line, RSTART + RLENGTH) }
  next
}
/^[ \t]*\/\/@[ \t]*(machine|pressure|ulimit-l)[ \t]/ {
  line = $0
  while (match(line, /[0-9]+[KMG]?/)) { refs[++nbase] = size_val(substr(line, RSTART, RLENGTH)); line = substr(line, RSTART + RLENGTH) }
  nrefs = nbase
}
/^[ \t]*\/\/@/ {
  if (!inblock) { reset(); inblock = 1 }
  l = $0; sub(/^[ \t]*\/\/@[ \t]*/, "", l)
  if (l ~ /^say[ \t]/) { sub(/^say[ \t]+/, "", l); say = say " " l; if (!sayline) sayline = FNR }
  else if (l ~ /^expect[ \t]/) { sub(/^expect[ \t]+/, "", l); fact_refs(l) }
  next
}
inblock { check_step(); inblock = 0 }
END { exit bad > 0 }
