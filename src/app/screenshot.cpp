// The desktop screenshot: read the back buffer the app just drew, so tests see exactly
// what a person would (an X-server grab would race the window manager and compositor).
#include <SDL_opengl.h>
#include <stb_image_write.h>

#include <vector>

#include "app/platform.h"

namespace pp::app {

bool save_framebuffer_png(const std::string& path, int width, int height, std::string& error) {
  if (width <= 0 || height <= 0) {
    error = "empty framebuffer";
    return false;
  }
  std::vector<unsigned char> px(static_cast<size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // GL's origin is bottom-left; PNG rows go top-down. Alpha is forced opaque.
  std::vector<unsigned char> out(px.size());
  const size_t row = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    const unsigned char* src = px.data() + (height - 1 - y) * row;
    unsigned char* dst = out.data() + y * row;
    for (size_t i = 0; i < row; i += 4) {
      dst[i] = src[i]; dst[i + 1] = src[i + 1]; dst[i + 2] = src[i + 2]; dst[i + 3] = 255;
    }
  }
  if (!stbi_write_png(path.c_str(), width, height, 4, out.data(), static_cast<int>(row))) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace pp::app
