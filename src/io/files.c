/* File helpers shared by the readers and writers. */
#include <errno.h>
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

int pl__read_file(const char *path, size_t limit, char **data, size_t *len,
                  pl_error *err) {
  *data = NULL;
  *len = 0;
  if (mem_files) return read_memory(path, limit, data, len, err);
  /* "-" is standard input, as for Unix tools; named <stdin> in messages */
  bool in = !strcmp(path, "-");
  if (in) path = PL__STDIN_NAME;
  FILE *f = in ? stdin : fopen(path, "rb");
  if (!f)
    return pl__err_at(err, PL_EIO, path, 0, 0, "cannot open: %s",
                      strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!in) fclose(f);
    return pl__err_at(err, PL_EIO, path, 0, 0, "is a directory");
  }
  /* Read in chunks, refusing more than the limit: works for pipes too. */
  size_t cap = 1 << 16, n = 0;
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
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f))
        rc = pl__err_at(err, PL_EIO, path, 0, 0, "read error: %s",
                        strerror(errno));
      break;
    }
  }
  if (!in) fclose(f);
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
