/* The file formats behind pl_scenario_load_inputs and pl_scenario_write:
 * one reader and one writer per format, and the file helpers they share. */
#ifndef PL_FORMATS_H
#define PL_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

#include "parley/parley.h"

/* GENIUS XML (src/io/genius_*.c): a domain file and one profile per party. */
int pl__genius_load(const char *domain, const char *const *profiles,
                    size_t n_profiles, const pl_load_options *o,
                    pl_scenario **out, pl_error *err);
int pl__genius_write(const pl_scenario *s, const char *dir, pl_error *err);

/* GeniusWeb JSON (src/io/geniusweb_*.c): a domain and one profile per party. */
int pl__geniusweb_load(const char *domain, const char *const *profiles,
                       size_t n_profiles, const pl_load_options *o,
                       pl_scenario **out, pl_error *err);
int pl__geniusweb_write(const pl_scenario *s, const char *dir, pl_error *err);

/* parley YAML writer (src/io/yaml_write.c). */
int pl__yaml_write(const pl_scenario *s, const char *path, pl_error *err);
/* A copy of a finished scenario, through the YAML writer and reader (the
 * same utilities, bit for bit); the copy is finished too. */
int pl__scenario_copy(const pl_scenario *s, pl_scenario **copy,
                      pl_error *err);
/* The same text in memory: *text NUL-terminated (pl__free), *len bytes. */
int pl__yaml_text(const pl_scenario *s, char **text, size_t *len,
                  pl_error *err);

/* Helpers (src/io/files.c). */
/* The name standard input ("-" as a path) has in messages. */
#define PL__STDIN_NAME "<stdin>"
/* Reads a whole file ("-": standard input), refusing more than `limit`
 * bytes (PL_ETOOBIG); the buffer is NUL-terminated and freed with
 * pl__free. */
int pl__read_file(const char *path, size_t limit, char **data, size_t *len,
                  pl_error *err);
/* pl__read_once(true) ... pl__read_once(false) (nested calls allowed):
 * in between, pl__read_file reads each path from the disk once in this
 * thread and answers later reads of it from a copy, freed at the end. */
void pl__read_once(bool on);
/* While files is set (not NULL), pl__read_file reads these in-memory
 * files by name instead of the disk, in this thread only
 * (pl_scenario_load_memory). */
void pl__memory_files(const pl_memory_file *files, size_t n);
int pl__memory_active(void);
/* Writes data to path through a temporary file in the same folder renamed
 * into place, so readers never see half a file. */
int pl__write_file(const char *path, const void *data, size_t len,
                   pl_error *err);
/* Creates a folder (and its parents) when missing. */
int pl__make_dir(const char *path, pl_error *err);
/* The file name of path without folder and extension, in a new string
 * (pl__free), or NULL when out of memory: "a/b/Itex.xml" -> "Itex". */
char *pl__file_stem(const char *path);

#endif
