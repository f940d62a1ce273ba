# Real mode in the UI (Model / Real / Side by side), included from CMakeLists.txt. The
# kernel's runs come from src/runner: live on the desktop (PP_REAL_LIVE, set by
# pp_runner where src/real exists), and recordings everywhere, the web page included.
set(_pp_real_ui ${CMAKE_CURRENT_LIST_DIR}/real_view.cpp ${CMAKE_CURRENT_LIST_DIR}/real_panel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/real_recording_view.cpp)
target_sources(pp_ui PRIVATE ${_pp_real_ui})
target_link_libraries(pp_ui PUBLIC pp_runner)
target_compile_definitions(pp_ui PUBLIC PP_HAVE_REAL_UI=1)
