// SDL2 + OpenGL + ImGui set-up. See platform.h for the picture.
#include "app/platform.h"

#include <SDL.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "ui/ui.h"

#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#include <emscripten.h>
#else
#include <SDL_opengl.h>
#endif

namespace pp::app {
namespace {

constexpr float kBaseFontPx = 16.0f;

#ifdef __EMSCRIPTEN__
constexpr const char* kGlslVersion = "#version 300 es";
#else
constexpr const char* kGlslVersion = "#version 330 core";
#endif

// Desktop X11 reports sizes in device pixels, so the scale comes from the display's
// DPI (96 = 1.0). PP_SCALE overrides it for projectors and odd monitors.
float native_scale() {
  if (const char* s = std::getenv("PP_SCALE")) {
    float v = std::strtof(s, nullptr);
    if (v >= 0.5f && v <= 4.0f) return v;
  }
  float ddpi = 0;
  if (SDL_GetDisplayDPI(0, &ddpi, nullptr, nullptr) != 0 || ddpi <= 0) return 1.0f;
  // Xvfb and many desktops report nonsense (e.g. 0 or 25); keep it sane, round to 1/4.
  float s = std::clamp(ddpi / 96.0f, 1.0f, 3.0f);
  return std::round(s * 4.0f) / 4.0f;
}

// The UI's fonts (ui::load_fonts) at the raster size; ImGui's own font if they are missing.
void load_fonts(float raster_scale) {
  if (ui::load_fonts(kBaseFontPx * raster_scale)) return;
  std::fprintf(stderr, "pinpages: cannot load fonts %s / %s (package fonts-dejavu-core)\n", PP_FONT_SANS, PP_FONT_MONO);
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  io.Fonts->AddFontDefault();
}

}  // namespace

bool init(Platform& p, const PlatformOptions& opt, std::string& error) {
#ifdef __EMSCRIPTEN__
  p.web = true;
#endif
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    error = std::string("cannot initialize SDL video (is there a display? try xvfb-run): ") + SDL_GetError();
    return false;
  }
#ifdef __EMSCRIPTEN__
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_FLAGS, SDL_GL_CONTEXT_FORWARD_COMPATIBLE_FLAG);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 3);
#endif
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 8);

  float scale = 1.0f;
#ifdef __EMSCRIPTEN__
  scale = static_cast<float>(emscripten_get_device_pixel_ratio());
  int w = opt.width, h = opt.height;  // the page's CSS overrides these (canvas fills the window)
#else
  scale = native_scale();
  int w = static_cast<int>(opt.width * scale), h = static_cast<int>(opt.height * scale);
#endif
  Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  if (opt.hidden) flags |= SDL_WINDOW_HIDDEN;
  p.window = SDL_CreateWindow("pinpages — memory locking, page by page", SDL_WINDOWPOS_CENTERED,
                              SDL_WINDOWPOS_CENTERED, w, h, flags);
  if (!p.window) {
    error = std::string("cannot open a window: ") + SDL_GetError();
    return false;
  }
  p.gl_context = SDL_GL_CreateContext(p.window);
  if (!p.gl_context) {
    error = std::string("cannot create an OpenGL ") + (p.web ? "ES 3 / WebGL2" : "3.3 core") +
            " context: " + SDL_GetError();
    return false;
  }
  SDL_GL_MakeCurrent(p.window, p.gl_context);
  SDL_GL_SetSwapInterval(1);
  if (const GLubyte* r = glGetString(GL_RENDERER)) p.gl_renderer = reinterpret_cast<const char*>(r);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.IniFilename = nullptr;  // layout is the UI's job, not a stray imgui.ini in the cwd
  ImGui::StyleColorsLight();

  if (p.web) {
    // Layout in CSS pixels, glyphs rasterized for the device so text stays crisp.
    load_fonts(scale);
    io.FontGlobalScale = 1.0f / scale;
  } else {
    // X11 sizes are device pixels: scale everything.
    load_fonts(scale);
    ImGui::GetStyle().ScaleAllSizes(scale);
  }
  p.dpi_scale = scale;

  ImGui_ImplSDL2_InitForOpenGL(p.window, p.gl_context);
  if (!ImGui_ImplOpenGL3_Init(kGlslVersion)) {
    error = "ImGui's OpenGL3 backend failed to initialize";
    return false;
  }
  return true;
}

void wake(Platform& p, int frames) { p.redraw_left = std::max(p.redraw_left, frames); }

void frame(Platform& p) {
  SDL_Event ev;
  bool input = false;
  while (SDL_PollEvent(&ev)) {
    input = true;
    ImGui_ImplSDL2_ProcessEvent(&ev);
    if (ev.type == SDL_QUIT) p.quit = true;
    if (ev.type == SDL_WINDOWEVENT && ev.window.event == SDL_WINDOWEVENT_CLOSE &&
        ev.window.windowID == SDL_GetWindowID(p.window))
      p.quit = true;
  }
  if (p.lazy) {
    if (input || p.frames == 0 || (p.ui && p.ui->wants_frame())) wake(p);
    if (p.redraw_left <= 0 && p.screenshot_path.empty()) {
      p.skipped = true;
      return;
    }
    --p.redraw_left;
  }
  // Fonts the UI needs from now on (presenter mode's): the atlas may change only between
  // frames, and once the backend holds its texture, that must be uploaded again.
  if (p.ui && p.ui->add_wanted_fonts() && ImGui::GetIO().Fonts->TexID) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  if (p.frames == 0 && p.mark) {  // split the first frame's set-up for the breakdown
    ImGui::GetIO().Fonts->Build();
    p.mark("fonts");
  }
  ImGui_ImplOpenGL3_NewFrame();
  if (p.frames == 0 && p.mark) p.mark("gl");
  ImGui_ImplSDL2_NewFrame();
  // After an idle spell the backend's DeltaTime spans all of it; Play would jump.
  if (p.skipped) ImGui::GetIO().DeltaTime = 1.0f / 60.0f;
  p.skipped = false;
  ImGui::NewFrame();

  int lw = 0, lh = 0, dw = 0, dh = 0;
  SDL_GetWindowSize(p.window, &lw, &lh);
  SDL_GL_GetDrawableSize(p.window, &dw, &dh);
  pp::ui::FrameInfo info;
  info.width = lw;
  info.height = lh;
  info.dpi_scale = p.dpi_scale;
  info.web = p.web;
  info.time_s = SDL_GetTicks() / 1000.0;
  if (p.ui) {
    p.ui->frame(info);
    if (p.ui->wants_quit()) p.quit = true;
  }

  ImGui::Render();
  glViewport(0, 0, dw, dh);
  glClearColor(0.93f, 0.94f, 0.96f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImDrawData* dd = ImGui::GetDrawData();
  ImGui_ImplOpenGL3_RenderDrawData(dd);
  p.last_vertices = dd ? dd->TotalVtxCount : 0;
#ifndef __EMSCRIPTEN__
  if (!p.screenshot_path.empty()) {
    std::string err;
    if (!save_framebuffer_png(p.screenshot_path, dw, dh, err)) p.screenshot_error = err;
    p.screenshot_path.clear();
  }
#endif
  SDL_GL_SwapWindow(p.window);
  ++p.frames;
}

void shutdown(Platform& p) {
  if (ImGui::GetCurrentContext()) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
  }
  if (p.gl_context) SDL_GL_DeleteContext(p.gl_context);
  if (p.window) SDL_DestroyWindow(p.window);
  p.gl_context = nullptr;
  p.window = nullptr;
  SDL_Quit();
}

}  // namespace pp::app
