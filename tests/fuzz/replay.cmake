# Replays the saved fuzz corpus as an ordinary test, with the compiler and
# sanitizers of the build at hand (no libFuzzer needed). Included from
# tests/CMakeLists.txt:
#   include(${PROJECT_SOURCE_DIR}/tests/fuzz/replay.cmake)
add_executable(fuzz_replay_scenario_yaml
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_scenario_yaml.c)
target_link_libraries(fuzz_replay_scenario_yaml PRIVATE parley_static)
add_test(NAME fuzz_corpus_scenario_yaml
  COMMAND fuzz_replay_scenario_yaml
          ${CMAKE_CURRENT_LIST_DIR}/corpus/scenario_yaml)
set_tests_properties(fuzz_corpus_scenario_yaml PROPERTIES TIMEOUT 120)
