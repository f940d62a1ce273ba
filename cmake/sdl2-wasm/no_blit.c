/* SDL's software blitters, left out of the page's SDL2 (cmake/sdl2-wasm/CMakeLists.txt):
   the page draws with WebGL only, and they were 209 kB of its 1.3 MB of code, which the
   browser downloads and validates before the first frame. Surfaces still work as memory
   (SDL_CreateRGBSurface, SDL_FillRect); a blit or a format conversion between two of them
   fails with SDL's usual error instead of running. */
#include "SDL_internal.h"
#include "SDL_video.h"
#include "SDL_blit.h"
#include "SDL_RLEaccel_c.h"

int SDL_CalculateBlit(SDL_Surface *surface)
{
    (void)surface;
    return SDL_SetError("this SDL2 (pinpages' page) is built without software blitting");
}

/* No surface is ever RLE-encoded: SDL_RLESurface is only reached through SDL_CalculateBlit. */
int SDL_RLESurface(SDL_Surface *surface)
{
    (void)surface;
    return -1;
}

void SDL_UnRLESurface(SDL_Surface *surface, int recode)
{
    (void)surface;
    (void)recode;
}
