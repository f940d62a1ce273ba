# Real mode in the desktop UI: the background runner on the real kernel, the
# model-vs-kernel pairing, and the panel drawn headless (labels ui, real).
if(NOT TARGET pp_ui OR NOT TARGET pp_real)
  return()
endif()
add_executable(ui_real_view_test ${CMAKE_CURRENT_LIST_DIR}/real_view_test.cpp)
target_link_libraries(ui_real_view_test PRIVATE pp_ui GTest::gtest_main)
if(COMMAND pp_fonts_for)
  pp_fonts_for(ui_real_view_test)
endif()
add_test(NAME ui_real_view COMMAND ui_real_view_test)
set_tests_properties(ui_real_view PROPERTIES LABELS "ui;real" TIMEOUT 600
  ENVIRONMENT "PP_ARTIFACTS=${PROJECT_BINARY_DIR}/artifacts")
