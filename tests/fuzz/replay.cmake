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

# The GENIUS XML reader and writer (tests/fuzz/fuzz_genius.c).
add_executable(fuzz_replay_genius
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_genius.c)
target_link_libraries(fuzz_replay_genius PRIVATE parley_static)
add_test(NAME fuzz_corpus_genius
  COMMAND fuzz_replay_genius ${CMAKE_CURRENT_LIST_DIR}/corpus/genius)
set_tests_properties(fuzz_corpus_genius PROPERTIES TIMEOUT 300)

# The GeniusWeb JSON reader and writer (tests/fuzz/fuzz_geniusweb.c).
add_executable(fuzz_replay_geniusweb
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_geniusweb.c)
target_include_directories(fuzz_replay_geniusweb PRIVATE
                           ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(fuzz_replay_geniusweb PRIVATE parley_static)
add_test(NAME fuzz_corpus_geniusweb
  COMMAND fuzz_replay_geniusweb ${CMAKE_CURRENT_LIST_DIR}/corpus/geniusweb)
set_tests_properties(fuzz_corpus_geniusweb PROPERTIES TIMEOUT 300)

# The YAML plan reader and the sequencing analysis
# (tests/fuzz/fuzz_plan_yaml.c).
add_executable(fuzz_replay_plan_yaml
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_plan_yaml.c)
target_link_libraries(fuzz_replay_plan_yaml PRIVATE parley_static)
add_test(NAME fuzz_corpus_plan_yaml
  COMMAND fuzz_replay_plan_yaml ${CMAKE_CURRENT_LIST_DIR}/corpus/plan_yaml)
set_tests_properties(fuzz_corpus_plan_yaml PROPERTIES TIMEOUT 300)

# The agent wire protocol's reader (tests/fuzz/fuzz_agent_protocol.c).
add_executable(fuzz_replay_agent_protocol
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_agent_protocol.c)
target_include_directories(fuzz_replay_agent_protocol PRIVATE
                           ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(fuzz_replay_agent_protocol PRIVATE parley_static)
add_test(NAME fuzz_corpus_agent_protocol
  COMMAND fuzz_replay_agent_protocol
          ${CMAKE_CURRENT_LIST_DIR}/corpus/agent_protocol)
set_tests_properties(fuzz_corpus_agent_protocol PROPERTIES TIMEOUT 300)
# The tournament config reader (tests/fuzz/fuzz_tournament.c), its files
# confined to a scratch folder.
add_executable(fuzz_replay_tournament
  ${CMAKE_CURRENT_LIST_DIR}/replay.c
  ${CMAKE_CURRENT_LIST_DIR}/fuzz_tournament.c)
target_link_libraries(fuzz_replay_tournament PRIVATE parley_static)
add_test(NAME fuzz_corpus_tournament
  COMMAND fuzz_replay_tournament ${CMAKE_CURRENT_LIST_DIR}/corpus/tournament)
set_tests_properties(fuzz_corpus_tournament PROPERTIES TIMEOUT 300)

# Every target's dictionary is there and parses (tests/fuzz/check_dicts.sh).
add_test(NAME fuzz_dictionaries
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/check_dicts.sh ${CMAKE_CURRENT_LIST_DIR})
