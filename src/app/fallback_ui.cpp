// Stand-in for src/ui, linked only while the pp_ui target does not exist, so that the
// platform glue can be built and tested on its own (and the canvas visibly draws).
#include <cstdio>
#include <string>

#include "imgui.h"
#include "ui/app_ui.h"

namespace pp::ui {

struct AppUi::Impl {
  StartOptions opt;
  bool quit = false;
};

AppUi::AppUi() : impl_(new Impl) {}
AppUi::~AppUi() { delete impl_; }

void AppUi::start(const StartOptions& opt) { impl_->opt = opt; }

bool AppUi::wants_quit() const { return impl_->quit; }

void AppUi::frame(const FrameInfo& info) {
  ImGui::SetNextWindowPos(ImVec2(20, 20), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(520, 360), ImGuiCond_FirstUseEver);
  ImGui::Begin("pinpages");
  ImGui::TextUnformatted("pinpages: memory locking, page by page");
  ImGui::Text("%dx%d logical pixels, scale %.2f, %s", info.width, info.height, info.dpi_scale,
              info.web ? "web" : "desktop");
  if (!impl_->opt.lesson.empty()) ImGui::Text("lesson %s, step %d", impl_->opt.lesson.c_str(), impl_->opt.step);
  ImGui::Separator();
  // A strip of pages, some "locked", as a placeholder for the real views.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 o = ImGui::GetCursorScreenPos();
  const float cell = 22, gap = 4;
  for (int i = 0; i < 64; ++i) {
    float x = o.x + (i % 16) * (cell + gap), y = o.y + (i / 16) * (cell + gap);
    ImU32 c = (i % 7 == 0) ? IM_COL32(214, 69, 65, 255)
              : (i % 3 == 0) ? IM_COL32(52, 120, 198, 255) : IM_COL32(120, 180, 90, 255);
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + cell, y + cell), c, 3.0f);
  }
  ImGui::Dummy(ImVec2(16 * (cell + gap), 4 * (cell + gap)));
  ImGui::TextWrapped("The full interface (src/ui) is not built in this configuration.");
  if (!info.web && ImGui::Button("Quit")) impl_->quit = true;
  ImGui::End();
}

}  // namespace pp::ui
