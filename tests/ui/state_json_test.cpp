// window.pinpages.state() and the own-program run status, built with nlohmann::json:
// values checked against what the hand-made traces and programs are known to do.
#include <gtest/gtest.h>

#include <memory>

#include "fixtures.h"
#include "imgui.h"
#include "ui/app_state_json.h"
#include "ui/ui.h"
#include "ui/user_program.h"

using namespace pp;
using namespace pp::ui;
using nlohmann::json;

namespace {

struct Context {
  Context() { ImGui::CreateContext(); }
  ~Context() { ImGui::DestroyContext(); }
};

// Runs `req` to its end as the page does, a slice per "frame".
std::shared_ptr<const Trace> run_all(UserProgram& p, ProgramRequest req) {
  p.start(std::move(req));
  for (int i = 0; i < 100000; ++i)
    if (auto t = p.tick()) return t;
  return nullptr;
}

}  // namespace

TEST(StateJson, MlockFixtureStepByStep) {
  Context c;
  Ui ui;
  ui.set_trace(std::make_shared<const Trace>(uitest::mlock_trace()), "mlock-fixture");
  ui.go(1);  // mlock(buffer, 16384): the 4 pages of buffer are locked
  json j = ui_state_json(ui);
  EXPECT_EQ(j["lesson_id"], "mlock-fixture");
  EXPECT_EQ(j["step"], 1);
  EXPECT_EQ(j["steps"], 3);
  EXPECT_EQ(j["figure"], "B");
  EXPECT_EQ(j["os"], "linux");
  EXPECT_EQ(j["machine"]["ram_bytes"], 1ull << 30);
  EXPECT_EQ(j["machine"]["swap_bytes"], 512ull << 20);
  EXPECT_TRUE(j["quiz_text"].is_null());
  EXPECT_TRUE(j["errors"].is_array() && j["errors"].empty());
  ASSERT_TRUE(j["objects"].is_array());
  bool seen = false;
  for (const json& o : j["objects"])
    if (o["name"] == "buffer") {
      seen = true;
      EXPECT_EQ(o["bytes"], 16384);
      EXPECT_EQ(o["pages"], 4);
      EXPECT_EQ(o["locked_pages"], 4);
    }
  EXPECT_TRUE(seen);
  EXPECT_EQ(j["step_json"]["step"], 1);
  ui.go(2);  // munlock: nothing of buffer stays locked
  const json after = ui_state_json(ui);  // a named value: a range-for over a temporary's member would dangle
  for (const json& o : after["objects"])
    if (o["name"] == "buffer") EXPECT_EQ(o["locked_pages"], 0);
}

TEST(StateJson, RectsAndZoomReadAsWritten) {
  Context c;
  Ui ui;
  ui.zoom = 1.1f;
  ui.fig_x = 12.34f;
  json j = ui_state_json(ui);
  EXPECT_EQ(j["zoom"].get<double>(), 1.1);
  EXPECT_EQ(j["figure_rect"]["x"].get<double>(), 12.3);
  EXPECT_EQ(j["step_json"], nullptr);  // nothing open yet
}

TEST(StateJson, TextThatIsNotUtf8StillGivesJson) {
  json j = {{"notice", std::string("bad \xff byte")}};
  std::string s = dump_json(j);
  json back = parse_own_json(s);
  ASSERT_TRUE(back.is_object());
  EXPECT_EQ(back["notice"], "bad \xEF\xBF\xBD byte");
  EXPECT_TRUE(parse_own_json("{not json").is_null());
}

TEST(UserProgramStatus, RunsWithStdinAndMachineSizes) {
  UserProgram p;
  ProgramRequest r;
  r.text =
      "#include <stdio.h>\n#include <stdlib.h>\n#include <sys/mman.h>\n"
      "int main(void)\n{\n    int n = 0;\n    while (getchar() != EOF)\n        n++;\n"
      "    char *q = malloc(4096);\n    mlock(q, 4096);\n    printf(\"read %d bytes\\n\", n);\n    return 0;\n}\n";
  r.options.stdin_text = "hello\n";
  r.options.ram_bytes = 256ull << 20;
  r.options.swap_bytes = 0;
  auto t = run_all(p, r);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->errors.empty());
  EXPECT_EQ(t->meta.machine.ram_bytes, 256ull << 20);
  EXPECT_EQ(t->meta.machine.swap_bytes, 0u);
  std::string out;
  for (const Step& s : t->steps) out += s.output;
  EXPECT_NE(out.find("read 6 bytes"), std::string::npos) << out;
  json st = json::parse(p.status_json());
  EXPECT_EQ(st["done"], true);
  EXPECT_EQ(st["ok"], true);
  EXPECT_EQ(st["steps"], t->steps.size());
}

TEST(UserProgramStatus, RejectedRequestFinishesWithItsReason) {
  UserProgram p;
  ProgramRequest r;
  r.text = "int main(void) { return 0; }\n";
  int id = p.reject(r, "RAM size \"lots\" is not a size");
  auto t = p.tick();
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->steps.empty());
  EXPECT_EQ(p.tick(), nullptr);  // returned once
  json st = json::parse(p.status_json());
  EXPECT_EQ(st["id"], id);
  EXPECT_EQ(st["done"], true);
  EXPECT_EQ(st["ok"], false);
  EXPECT_EQ(st["steps"], 0);
  ASSERT_EQ(st["errors"].size(), 1u);
  EXPECT_EQ(st["errors"][0]["message"], "RAM size \"lots\" is not a size");
}
