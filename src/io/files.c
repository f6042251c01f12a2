/* File helpers shared by the readers and writers. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "io/formats.h"

/* The files of pl_scenario_load_memory, for this thread while it reads
 * them: the readers then take their "paths" from here, not the disk. */
static _Thread_local const pl_memory_file *mem_files;
static _Thread_local size_t mem_count;

void pl__memory_files(const pl_memory_file *files, size_t n) {
  mem_files = files;
  mem_count = n;
}

int pl__memory_active(void) { return mem_files != NULL; }

static int read_memory(const char *path, size_t limit, char **data,
                       size_t *len, pl_error *err) {
  for (size_t k = 0; k < mem_count; k++) {
    const pl_memory_file *f = &mem_files[k];
    if (strcmp(f->name, path)) continue;
    if (f->len > limit)
      return pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                        "file is larger than %zu bytes", limit);
    char *buf = pl__malloc(f->len + 1);
    if (!buf) return pl__err(err, PL_ENOMEM, "out of memory");
    if (f->len) memcpy(buf, f->data, f->len);
    buf[f->len] = 0;
    *data = buf;
    *len = f->len;
    return PL_OK;
  }
  return pl__err_at(err, PL_EIO, path, 0, 0, "cannot open: %s",
                    strerror(ENOENT));
}

/* Files read while a scenario loads (pl__read_once), by path: a loader
 * reads a folder's files to tell their formats and then again to parse
 * them, and now each comes from the disk once. Per thread; the texts are
 * copied out, so callers free theirs as usual. */
typedef struct read_kept {
  char *path, *data;
  size_t len;
} read_kept;
static _Thread_local read_kept *kept;
static _Thread_local size_t n_kept, cap_kept;
static _Thread_local int kept_depth;

void pl__read_once(bool on) {
  if (on) {
    kept_depth++;
    return;
  }
  if (--kept_depth > 0) return;
  for (size_t k = 0; k < n_kept; k++) {
    pl__free(kept[k].path);
    pl__free(kept[k].data);
  }
  pl__free(kept);
  kept = NULL;
  n_kept = cap_kept = 0;
}

/* A copy of text[0, n) as *data, NUL-terminated. */
static int copy_out(const char *text, size_t n, char **data, size_t *len,
                    pl_error *err) {
  char *buf = pl__malloc(n + 1);
  if (!buf) return pl__err(err, PL_ENOMEM, "out of memory");
  if (n) memcpy(buf, text, n);
  buf[n] = 0;
  *data = buf;
  *len = n;
  return PL_OK;
}

/* Keeps a copy of a file just read, while pl__read_once is on (out of
 * memory: not kept, read again next time). */
static void keep(const char *path, const char *text, size_t n) {
  if (n_kept == cap_kept) {
    size_t cap = cap_kept ? 2 * cap_kept : 8;
    read_kept *grown = pl__realloc(kept, cap * sizeof *grown);
    if (!grown) return;
    kept = grown;
    cap_kept = cap;
  }
  read_kept *k = &kept[n_kept];
  size_t ignored;
  k->path = pl__strdup(path);
  if (!k->path || copy_out(text, n, &k->data, &ignored, NULL)) {
    pl__free(k->path);
    return;
  }
  k->len = n;
  n_kept++;
}

int pl__read_file(const char *path, size_t limit, char **data, size_t *len,
                  pl_error *err) {
  *data = NULL;
  *len = 0;
  if (mem_files) return read_memory(path, limit, data, len, err);
  /* "-" is standard input, as for Unix tools; named <stdin> in messages */
  bool in = !strcmp(path, "-");
  for (size_t k = 0; !in && k < n_kept; k++)
    if (!strcmp(kept[k].path, path))
      return kept[k].len > limit
                 ? pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                              "file is larger than %zu bytes", limit)
                 : copy_out(kept[k].data, kept[k].len, data, len, err);
  if (in) path = PL__STDIN_NAME;
  int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return pl__err_at(err, PL_EIO, path, 0, 0, "cannot open: %s",
                      strerror(errno));
  struct stat st;
  bool regular = false;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (!in) close(fd);
      return pl__err_at(err, PL_EIO, path, 0, 0, "is a directory");
    }
    regular = S_ISREG(st.st_mode);
  }
  /* Read in chunks, refusing more than the limit: works for pipes too. A
   * regular file's first chunk is its size (and one byte, to see the end
   * in one read when the file did not grow). */
  size_t cap = 1 << 16, n = 0;
  if (regular && st.st_size >= 0 && (uint64_t)st.st_size < limit)
    cap = (size_t)st.st_size + 1;
  char *buf = pl__malloc(cap + 1);
  int rc = buf ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  while (!rc) {
    if (n == cap) {
      if (cap > limit) {
        rc = pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                        "file is larger than %zu bytes", limit);
        break;
      }
      char *nb = pl__realloc(buf, cap * 2 + 1);
      if (!nb) {
        rc = pl__err(err, PL_ENOMEM, "out of memory");
        break;
      }
      buf = nb;
      cap *= 2;
    }
    /* standard input through stdio, which may hold some of it already */
    ssize_t got = in ? (ssize_t)fread(buf + n, 1, cap - n, stdin)
                     : read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 || (in && !got && ferror(stdin)))
      rc = pl__err_at(err, PL_EIO, path, 0, 0, "read error: %s",
                      strerror(errno));
    if (got <= 0) break;
    n += (size_t)got;
  }
  if (!in) close(fd);
  if (!rc && n > limit)
    rc = pl__err_at(err, PL_ETOOBIG, path, 1, 1,
                    "file is larger than %zu bytes", limit);
  if (rc) {
    pl__free(buf);
    return rc;
  }
  buf[n] = 0;
  *data = buf;
  *len = n;
  if (kept_depth > 0 && !in) keep(path, buf, n);
  return PL_OK;
}

int pl__write_file(const char *path, const void *data, size_t len,
                   pl_error *err) {
  size_t n = strlen(path) + 32;
  char *tmp = pl__malloc(n);
  if (!tmp) return pl__err(err, PL_ENOMEM, "out of memory");
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  int rc = PL_OK;
  if (!f) {
    rc = pl__err_at(err, PL_EIO, path, 0, 0, "cannot write: %s",
                    strerror(errno));
  } else {
    bool ok = fwrite(data, 1, len, f) == len;
    ok &= fflush(f) == 0;
    ok &= fsync(fileno(f)) == 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
      rc = pl__err_at(err, PL_EIO, path, 0, 0, "cannot write: %s",
                      strerror(errno));
      remove(tmp);
    }
  }
  pl__free(tmp);
  return rc;
}

int pl__make_dir(const char *path, pl_error *err) {
  char *p = pl__strdup(path);
  if (!p) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = PL_OK;
  for (char *q = p + 1;; q++) {
    bool end = *q == 0;
    if (*q == '/' || end) {
      *q = 0;
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        rc = pl__err_at(err, PL_EIO, p, 0, 0, "cannot create folder: %s",
                        strerror(errno));
        break;
      }
      if (end) break;
      *q = '/';
    }
  }
  struct stat st;
  if (!rc && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)))
    rc = pl__err_at(err, PL_EIO, path, 0, 0, "is not a folder");
  pl__free(p);
  return rc;
}

char *pl__file_stem(const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  const char *dot = strrchr(b, '.');
  size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
  char *s = pl__malloc(n + 1);
  if (!s) return NULL;
  memcpy(s, b, n);
  s[n] = 0;
  return s;
}
