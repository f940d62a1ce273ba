// Recordings: the shipped ones still agree with the current model as they did with the
// kernel that made them, and the reader turns every kind of bad document into one
// message that names the problem (no root needed).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/run.h"
#include "runner/builtin_recordings.h"
#include "runner/compare.h"
#include "runner/recording.h"

namespace fs = std::filesystem;
using namespace pp;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string shipped(const char* stem) { return slurp(fs::path(PP_RECORDINGS_DIR) / (std::string(stem) + ".json")); }

std::string parse_error(const std::string& text) {
  rec::Recording r;
  std::string err;
  EXPECT_FALSE(rec::parse_recording(text, &r, &err));
  return err;
}

// Replaces the first `from` in `s` (the test's own edit of a good document).
std::string edit(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

}  // namespace

// Every Linux lesson has a recording; replaying the current model against it gives the
// per-step verdicts the recorder saw (a model change that breaks agreement fails here).
TEST(ShippedRecordings, AgreeWithTheCurrentModel) {
  int checked = 0;
  for (const BuiltinLesson& b : builtin_lessons()) {
    if (!run_lesson(b.file, b.text, RunOptions{}).meta.allows_linux) continue;
    std::string stem = fs::path(b.file).stem().string();
    fs::path p = fs::path(PP_RECORDINGS_DIR) / (stem + ".json");
    ASSERT_TRUE(fs::exists(p)) << "no recording for " << b.file << ": run scripts/record-lessons as root";
    rec::Recording r;
    std::string err;
    ASSERT_TRUE(rec::parse_recording(slurp(p), &r, &err)) << p << ": " << err;
    ASSERT_EQ(rec::mismatch(r, b.id, b.text), "") << p << " is stale: re-make it with scripts/record-lessons";
    ASSERT_TRUE(r.agreement) << p;
    RunOptions opt;
    opt.zero_page = r.machine.zero_page;  // the model as the recording's kernel behaved
    Trace model = run_lesson(b.file, b.text, opt);
    real::CompareReport cr = real::compare_traces(model, r.kernel);
    std::vector<int> differ;
    for (const auto& d : cr.diffs) differ.push_back(d.step);
    EXPECT_EQ(cr.compared, r.agreement->compared) << b.id;
    EXPECT_EQ(cr.agreed, r.agreement->agreed) << b.id << "\n" << cr.format();
    EXPECT_EQ(differ, r.agreement->differing_steps) << b.id << "\n" << cr.format();
    EXPECT_EQ(model.steps.size(), r.kernel.steps.size()) << b.id;
    ++checked;
  }
  EXPECT_EQ(checked, 7);  // lessons 01..07; 08 and 09 are QNX lessons
}

TEST(ShippedRecordings, EmbeddedCopiesAreTheFiles) {
  ASSERT_EQ(rec::builtin_recordings().size(), 7u);
  for (const auto& b : rec::builtin_recordings()) EXPECT_EQ(b.json, shipped(b.name.c_str())) << b.name;
}

TEST(ShippedRecordings, LessonOneCarriesTheLatencyExperiment) {
  rec::Recording r;
  std::string err;
  ASSERT_TRUE(rec::parse_recording(shipped("01-mlockall"), &r, &err)) << err;
  ASSERT_TRUE(r.latency);
  const rec::LatencySeries* u = r.latency->find("unlocked_first");
  const rec::LatencySeries* l1 = r.latency->find("locked_first");
  const rec::LatencySeries* l2 = r.latency->find("locked_second");
  ASSERT_TRUE(u && l1 && l2);
  EXPECT_EQ(r.latency->records, 500u);
  EXPECT_GE(u->faults, 125000u);  // one per page of 500 x 1,024,144 bytes
  EXPECT_EQ(l1->faults, 0u);
  EXPECT_EQ(l2->faults, 0u);
  std::uint64_t n = 0;
  for (auto c : u->hist) n += c;
  EXPECT_EQ(n, u->pages);
  EXPECT_GT(r.latency->timer_min_ns, 0u);
  EXPECT_NE(r.machine.hypervisor, "");
  EXPECT_EQ(r.machine.page_size, 4096u);
}

TEST(RecordingFormat, RoundTripKeepsWhatTheViewsRead) {
  rec::Recording r;
  r.tool = "test";
  r.lesson_id = "mlock";
  r.source = "int main(void) { return 0; }\n";
  r.machine.kernel_release = "6.1.0";
  r.machine.cpu_model = "cpu";
  r.machine.hypervisor = "kvm";
  r.machine.glibc = "2.36";
  r.machine.privilege = "root";
  r.machine.page_size = 4096;
  Step s;
  s.line = 3;
  s.source = "mlock(p, 4096);";
  s.call = "mlock(p, 4096)";
  s.ret = -1;
  s.err = err::NOMEM;
  s.figure = 'B';
  ProcReport p;
  p.status.pid = 42;
  p.status.vm_lck_kb = 8;
  p.status.mcl = mcl::FUTURE;
  p.regions.push_back(SmapsEntry{0x1000, 0x3000, "rw-p", "[heap]", 8, 8, 8, 8, 0, 0, "rd wr lo", true, false, LockLevel::Locked});
  p.objects.push_back(ObjectReport{"buf", 0x1000, 8192, 2, 2, 1, 0, false});
  s.procs.push_back(p);
  r.kernel.steps.push_back(s);
  rec::Recording back;
  std::string err;
  ASSERT_TRUE(rec::parse_recording(rec::to_json(r), &back, &err)) << err;
  ASSERT_EQ(back.kernel.steps.size(), 1u);
  const Step& b = back.kernel.steps[0];
  EXPECT_EQ(b.ret, -1);
  EXPECT_EQ(b.err, err::NOMEM);
  EXPECT_EQ(b.figure, 'B');
  ASSERT_EQ(b.procs.size(), 1u);
  EXPECT_EQ(b.procs[0].status.vm_lck_kb, 8u);
  EXPECT_EQ(b.procs[0].status.mcl, mcl::FUTURE);
  EXPECT_EQ(b.procs[0].regions[0].end, 0x3000u);
  EXPECT_EQ(b.procs[0].regions[0].level, LockLevel::Locked);
  EXPECT_EQ(b.procs[0].objects[0].locked_pages, 1u);
  EXPECT_EQ(back.machine.hypervisor, "kvm");
  EXPECT_EQ(back.source, r.source);
}

// machine.zero_page: written and read back; a recording without it was made on a
// mainline kernel (the zero page used).
TEST(RecordingFormat, ZeroPageFactRoundTripsAndDefaultsToMainline) {
  rec::Recording old;
  std::string err;
  ASSERT_TRUE(rec::parse_recording(shipped("02-mlock"), &old, &err)) << err;
  EXPECT_TRUE(old.machine.zero_page);
  old.machine.zero_page = false;
  old.machine.zero_page_evidence = "two read pages: smaps Rss 8 kB";
  rec::Recording back;
  ASSERT_TRUE(rec::parse_recording(rec::to_json(old), &back, &err)) << err;
  EXPECT_FALSE(back.machine.zero_page);
  EXPECT_EQ(back.machine.zero_page_evidence, "two read pages: smaps Rss 8 kB");
  std::string bad = edit(rec::to_json(old), "\"zero_page\":false", "\"zero_page\":\"no\"");
  EXPECT_EQ(parse_error(bad), "machine.zero_page: expected true or false, found a string");
}

TEST(RecordingFormat, TruncatedJsonSaysWhere) {
  std::string good = shipped("02-mlock");
  std::string err = parse_error(good.substr(0, good.size() / 2));
  EXPECT_NE(err.find("not valid JSON at byte"), std::string::npos) << err;
}

TEST(RecordingFormat, WrongTypeNamesTheField) {
  std::string bad = edit(shipped("02-mlock"), "\"vm_lck_kb\":", "\"vm_lck_kb\":\"lots\",\"x\":");
  EXPECT_EQ(parse_error(bad), "steps[0].processes[0].vm_lck_kb: expected a number, found a string");
  bad = edit(shipped("02-mlock"), "\"kernel_release\":", "\"kernel_release\":7,\"x\":");
  EXPECT_EQ(parse_error(bad), "machine.kernel_release: expected a string, found a number");
}

TEST(RecordingFormat, NotARecording) {
  EXPECT_EQ(parse_error("[1,2,3]"), "not a pinpages recording: the document is not a JSON object");
  EXPECT_EQ(parse_error("{\"steps\":[]}"), "not a pinpages recording: field \"format\" must be \"pinpages-recording\"");
  std::string no_steps = edit(shipped("02-mlock"), "\"steps\":[", "\"stepz\":[");
  EXPECT_EQ(parse_error(no_steps), "recording.steps: missing");
}

TEST(RecordingFormat, NewerVersionSaysSo) {
  std::string err = parse_error(edit(shipped("02-mlock"), "\"format_version\":1", "\"format_version\":7"));
  EXPECT_NE(err.find("format version 7, newer than this pinpages reads (version 1)"), std::string::npos) << err;
}

TEST(RecordingFormat, FiftyMegabytesOfGarbage) {
  std::string junk(50u << 20, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 2654435761u) >> 13);
  EXPECT_EQ(parse_error(junk), "the file is 50.0 MB; a recording is at most 32 MB");
  EXPECT_NE(parse_error(junk.substr(0, 1 << 20)).find("not valid JSON at byte"), std::string::npos);
}

TEST(RecordingFormat, AnotherLessonsRecording) {
  rec::Recording r;
  std::string err;
  ASSERT_TRUE(rec::parse_recording(shipped("01-mlockall"), &r, &err)) << err;
  const BuiltinLesson* mlock = nullptr;
  for (const auto& b : builtin_lessons())
    if (b.id == "mlock") mlock = &b;
  ASSERT_TRUE(mlock);
  EXPECT_EQ(rec::mismatch(r, mlock->id, mlock->text), "this recording is of lesson \"mlockall\", not \"mlock\"");
  EXPECT_EQ(rec::mismatch(r, "mlockall", "int main(void){}"),
            "this recording was made from a different version of lesson \"mlockall\" (its source differs from the one shown)");
}
