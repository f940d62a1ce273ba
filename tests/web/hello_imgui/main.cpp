// The second floor under the page's first frame (tests/web/bench.mjs): the smallest page on
// the stack pinpages is built on — SDL2, a WebGL 2 context, Dear ImGui and its OpenGL3
// backend — showing one window of text in ImGui's own font. Nothing of pinpages is linked.
// What it takes to show its first frame is what any page on this stack pays in this
// browser on this machine; bench.mjs prints it next to the page's own first frame.
#include <GLES3/gl3.h>
#include <SDL.h>
#include <emscripten.h>

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

namespace {

SDL_Window* g_window = nullptr;
long g_frames = 0;

void mark(const char* what) {
  EM_ASM({ if (Module['onMark']) Module['onMark'](UTF8ToString($0)); }, what);
}

void frame() {
  SDL_Event ev;
  while (SDL_PollEvent(&ev)) ImGui_ImplSDL2_ProcessEvent(&ev);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(20, 20));
  ImGui::Begin("hello", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::TextUnformatted("Dear ImGui on SDL2 and WebGL 2, nothing else.");
  ImGui::Button("a button");
  ImGui::End();
  ImGui::Render();
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(g_window, &w, &h);
  glViewport(0, 0, w, h);
  glClearColor(0.93f, 0.94f, 0.96f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(g_window);
  if (++g_frames == 1) {
    mark("first frame");
    EM_ASM({ if (Module['onFirstFrame']) Module['onFirstFrame'](); });
  }
}

}  // namespace

int main() {
  mark("main");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) return 1;
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 8);
  g_window = SDL_CreateWindow("hello", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1280, 800,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_GLContext gl = g_window ? SDL_GL_CreateContext(g_window) : nullptr;
  if (!gl) return 1;
  SDL_GL_MakeCurrent(g_window, gl);
  mark("platform");
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsLight();
  ImGui_ImplSDL2_InitForOpenGL(g_window, gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop(frame, 0, true);
  return 0;
}
