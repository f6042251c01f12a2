# Replays the saved fuzz corpus as an ordinary test, with the compiler and
# sanitizers of the build at hand (no libFuzzer needed). Included from
# tests/CMakeLists.txt:
#   include(${PROJECT_SOURCE_DIR}/tests/fuzz/replay.cmake)
# Every target fuzz_NAME.c with the plain driver replay.c, over
# corpus/NAME; the timeout is a hang guard, as for the unit tests.
file(GLOB pl_replay_targets RELATIVE ${CMAKE_CURRENT_LIST_DIR}
     ${CMAKE_CURRENT_LIST_DIR}/fuzz_*.c)
foreach(f ${pl_replay_targets})
  string(REGEX REPLACE "^fuzz_(.*)[.]c$" "\\1" t ${f})
  add_executable(fuzz_replay_${t} ${CMAKE_CURRENT_LIST_DIR}/replay.c
                 ${CMAKE_CURRENT_LIST_DIR}/${f})
  target_include_directories(fuzz_replay_${t} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(fuzz_replay_${t} PRIVATE parley_static)
  add_test(NAME fuzz_corpus_${t}
           COMMAND fuzz_replay_${t} ${CMAKE_CURRENT_LIST_DIR}/corpus/${t})
  set_tests_properties(fuzz_corpus_${t} PROPERTIES TIMEOUT 600)
endforeach()

# Every target's dictionary is there and parses (tests/fuzz/check_dicts.sh).
add_test(NAME fuzz_dictionaries
  COMMAND ${CMAKE_CURRENT_LIST_DIR}/check_dicts.sh ${CMAKE_CURRENT_LIST_DIR})

# The fuzz build (PL_FUZZ, clang) configures: it compiles the library's
# sources again, so a source CMakeLists.txt adds (a generated one too) must
# reach it; only a fuzz campaign would show it otherwise. Skipped without
# clang.
add_test(NAME fuzz_build_configures
  COMMAND sh -c "command -v clang >/dev/null || exit 77; d=\$(mktemp -d) && CC=clang cmake -S \"$1\" -B \"\$d\" -DPL_FUZZ=ON -DPL_TESTS=OFF -DPL_BENCH=OFF >\"\$d.log\" 2>&1; r=\$?; [ \$r -eq 0 ] || cat \"\$d.log\"; rm -rf \"\$d\" \"\$d.log\"; exit \$r"
          sh ${PROJECT_SOURCE_DIR})
set_tests_properties(fuzz_build_configures PROPERTIES TIMEOUT 600
                     SKIP_RETURN_CODE 77)
