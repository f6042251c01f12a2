/* Temporary SQLite store names for the tournament tests: a fresh name in
 * /tmp (no file yet), and the store removed with its -wal and -shm files.
 * Include after <cmocka.h>, <stdio.h>, <stdlib.h> and <unistd.h>. */
#ifndef PL_TESTS_DBUTIL_H
#define PL_TESTS_DBUTIL_H

static inline void db_name(char *db, size_t size) {
  snprintf(db, size, "/tmp/parley-test-XXXXXX");
  int fd = mkstemp(db);
  assert_true(fd >= 0);
  close(fd);
  unlink(db);
}

static inline void db_remove(const char *db) {
  char side[128];
  unlink(db);
  snprintf(side, sizeof side, "%s-wal", db);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", db);
  unlink(side);
}

#endif
