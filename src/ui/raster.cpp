// PNG export without a GPU: rasterizes one window's ImDrawList in software, sampling the
// font atlas's CPU copy. Same pixels natively, on the web and in headless tests, and no
// glReadPixels timing games with the platform's swap.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "imgui.h"
#include "imgui_internal.h"
#include "stb_image_write.h"
#include "ui/ui.h"

namespace pp::ui {
namespace {

struct Tex {
  unsigned char* px = nullptr;
  int w = 0, h = 0;
};

inline void blend(unsigned char* d, float r, float g, float b, float a) {
  float ia = 1.0f - a;
  d[0] = static_cast<unsigned char>(std::min(255.0f, r * 255.0f * a + d[0] * ia));
  d[1] = static_cast<unsigned char>(std::min(255.0f, g * 255.0f * a + d[1] * ia));
  d[2] = static_cast<unsigned char>(std::min(255.0f, b * 255.0f * a + d[2] * ia));
  d[3] = 255;
}

void raster_list(const ImDrawList* dl, const Tex& tex, float ox, float oy, float sc, int W, int H,
                 std::vector<unsigned char>& img) {
  const ImDrawVert* vb = dl->VtxBuffer.Data;
  const ImDrawIdx* ib = dl->IdxBuffer.Data;
  for (const ImDrawCmd& cmd : dl->CmdBuffer) {
    if (cmd.UserCallback || cmd.ElemCount == 0) continue;
    int cx0 = std::max(0, static_cast<int>(std::floor((cmd.ClipRect.x - ox) * sc)));
    int cy0 = std::max(0, static_cast<int>(std::floor((cmd.ClipRect.y - oy) * sc)));
    int cx1 = std::min(W, static_cast<int>(std::ceil((cmd.ClipRect.z - ox) * sc)));
    int cy1 = std::min(H, static_cast<int>(std::ceil((cmd.ClipRect.w - oy) * sc)));
    if (cx1 <= cx0 || cy1 <= cy0) continue;
    for (unsigned t = 0; t + 2 < cmd.ElemCount; t += 3) {
      const ImDrawVert* v[3];
      for (int k = 0; k < 3; ++k) v[k] = &vb[cmd.VtxOffset + ib[cmd.IdxOffset + t + k]];
      float x[3], y[3];
      for (int k = 0; k < 3; ++k) { x[k] = (v[k]->pos.x - ox) * sc; y[k] = (v[k]->pos.y - oy) * sc; }
      float area = (x[1] - x[0]) * (y[2] - y[0]) - (x[2] - x[0]) * (y[1] - y[0]);
      if (std::fabs(area) < 1e-6f) continue;
      int bx0 = std::max(cx0, static_cast<int>(std::floor(std::min({x[0], x[1], x[2]}))));
      int by0 = std::max(cy0, static_cast<int>(std::floor(std::min({y[0], y[1], y[2]}))));
      int bx1 = std::min(cx1, static_cast<int>(std::ceil(std::max({x[0], x[1], x[2]}))));
      int by1 = std::min(cy1, static_cast<int>(std::ceil(std::max({y[0], y[1], y[2]}))));
      ImVec4 c[3];
      for (int k = 0; k < 3; ++k) c[k] = ImGui::ColorConvertU32ToFloat4(v[k]->col);
      bool flat = v[0]->col == v[1]->col && v[1]->col == v[2]->col;
      for (int py = by0; py < by1; ++py) {
        for (int px = bx0; px < bx1; ++px) {
          float fx = px + 0.5f, fy = py + 0.5f;
          float w0 = ((x[1] - fx) * (y[2] - fy) - (x[2] - fx) * (y[1] - fy)) / area;
          float w1 = ((x[2] - fx) * (y[0] - fy) - (x[0] - fx) * (y[2] - fy)) / area;
          float w2 = 1.0f - w0 - w1;
          if (w0 < -1e-4f || w1 < -1e-4f || w2 < -1e-4f) continue;
          ImVec4 col = flat ? c[0] : ImVec4(c[0].x * w0 + c[1].x * w1 + c[2].x * w2, c[0].y * w0 + c[1].y * w1 + c[2].y * w2,
                                            c[0].z * w0 + c[1].z * w1 + c[2].z * w2, c[0].w * w0 + c[1].w * w1 + c[2].w * w2);
          float a = col.w;
          if (tex.px) {
            float u = v[0]->uv.x * w0 + v[1]->uv.x * w1 + v[2]->uv.x * w2;
            float vv = v[0]->uv.y * w0 + v[1]->uv.y * w1 + v[2]->uv.y * w2;
            int tx = std::clamp(static_cast<int>(u * tex.w), 0, tex.w - 1);
            int ty = std::clamp(static_cast<int>(vv * tex.h), 0, tex.h - 1);
            const unsigned char* tp = tex.px + (static_cast<size_t>(ty) * tex.w + tx) * 4;
            a *= tp[3] / 255.0f;
          }
          if (a <= 0.002f) continue;
          blend(&img[(static_cast<size_t>(py) * W + px) * 4], col.x, col.y, col.z, std::min(a, 1.0f));
        }
      }
    }
  }
}

}  // namespace

bool rasterize_window(const char* name, float x, float y, float w, float h, float sc,
                      std::vector<unsigned char>& rgba, int& W, int& H) {
  ImGuiWindow* win = ImGui::FindWindowByName(name);
  if (!win || w <= 0 || h <= 0) return false;
  Tex tex;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&tex.px, &tex.w, &tex.h);
  W = std::max(1, static_cast<int>(w * sc));
  H = std::max(1, static_cast<int>(h * sc));
  rgba.assign(static_cast<size_t>(W) * H * 4, 255);
  raster_list(win->DrawList, tex, x, y, sc, W, H, rgba);
  return true;
}

bool encode_png(const std::vector<unsigned char>& rgba, int w, int h, std::vector<unsigned char>& png) {
  png.clear();
  auto sink = [](void* ctx, void* data, int size) {
    auto* out = static_cast<std::vector<unsigned char>*>(ctx);
    auto* p = static_cast<unsigned char*>(data);
    out->insert(out->end(), p, p + size);
  };
  return stbi_write_png_to_func(sink, &png, w, h, 4, rgba.data(), w * 4) != 0 && !png.empty();
}

}  // namespace pp::ui

namespace pp::ui {

// The whole figure window (title bar with lesson and step, badge, caption, columns,
// legend) as PNG bytes.
bool figure_png(Ui& ui, std::vector<unsigned char>& png) {
  ImGuiWindow* win = ImGui::FindWindowByName("###Address space");
  if (!win) return false;
  std::vector<unsigned char> rgba;
  int w = 0, h = 0;
  float sc = std::max(2.0f, ui.info.dpi_scale);  // crisp enough to project
  if (!rasterize_window("###Address space", win->Pos.x, win->Pos.y, win->Size.x, win->Size.y, sc, rgba, w, h)) return false;
  return encode_png(rgba, w, h, png);
}

}  // namespace pp::ui

namespace pp::ui {

// The whole frame (every window, in draw order) after ImGui::Render(): for tests and
// for screenshots where no GPU exists.
bool frame_png(float scale, std::vector<unsigned char>& png) {
  ImDrawData* dd = ImGui::GetDrawData();
  if (!dd || !dd->Valid) return false;
  unsigned char* px = nullptr;
  int tw = 0, th = 0;
  ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &tw, &th);
  int W = std::max(1, static_cast<int>(dd->DisplaySize.x * scale));
  int H = std::max(1, static_cast<int>(dd->DisplaySize.y * scale));
  std::vector<unsigned char> rgba(static_cast<size_t>(W) * H * 4);
  for (size_t i = 0; i < rgba.size(); i += 4) { rgba[i] = 237; rgba[i + 1] = 240; rgba[i + 2] = 245; rgba[i + 3] = 255; }
  Tex tex{px, tw, th};
  for (int i = 0; i < dd->CmdListsCount; ++i)
    raster_list(dd->CmdLists[i], tex, dd->DisplayPos.x, dd->DisplayPos.y, scale, W, H, rgba);
  return encode_png(rgba, W, H, png);
}

}  // namespace pp::ui
