# Toolchain for the web presets: the Emscripten that `emcc` on PATH belongs to (Debian's
# package puts it under /usr/share/emscripten; an emsdk checkout works the same), so the
# presets name no install location. Emscripten's own platform file does the rest; it
# also picks node from PATH to run the tests' wasm at configure time.
find_program(PP_EMCC emcc REQUIRED)
file(REAL_PATH "${PP_EMCC}" _pp_emcc_real)
get_filename_component(_pp_em_root "${_pp_emcc_real}" DIRECTORY)
set(_pp_em_platform "${_pp_em_root}/cmake/Modules/Platform/Emscripten.cmake")
if(NOT EXISTS "${_pp_em_platform}")
  message(FATAL_ERROR "pinpages: ${PP_EMCC} has no ${_pp_em_platform}; install Debian's emscripten (scripts/lib/deps.sh)")
endif()
include("${_pp_em_platform}")
