# Real mode in the desktop UI (Model / Real / Side by side): native only, and
# only when src/real has the interpreter's run_lesson_on. Included from CMakeLists.txt.
# The web page has the same views with recordings as the kernel's only source
# (pp_recording, no lab): PP_HAVE_REAL_UI without PP_REAL_LIVE.
set(PP_UI_HAS_REAL OFF)
set(_pp_real_ui ${CMAKE_CURRENT_LIST_DIR}/real_view.cpp ${CMAKE_CURRENT_LIST_DIR}/real_panel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/real_recording_view.cpp)
if(NOT EMSCRIPTEN AND TARGET pp_real AND TARGET pp_ui AND PP_REAL_HAS_ENGINE)
  target_sources(pp_ui PRIVATE ${_pp_real_ui})
  target_link_libraries(pp_ui PUBLIC pp_real)
  target_compile_definitions(pp_ui PUBLIC PP_HAVE_REAL_UI=1 PP_REAL_LIVE=1)
  set(PP_UI_HAS_REAL ON)
elseif(EMSCRIPTEN AND TARGET pp_recording AND TARGET pp_ui)
  target_sources(pp_ui PRIVATE ${_pp_real_ui})
  target_link_libraries(pp_ui PUBLIC pp_recording)
  target_compile_definitions(pp_ui PUBLIC PP_HAVE_REAL_UI=1)
  set(PP_UI_HAS_REAL ON)
endif()
set(PP_UI_HAS_REAL ${PP_UI_HAS_REAL} PARENT_SCOPE)
