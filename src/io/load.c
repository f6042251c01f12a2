/* pl_scenario_load_inputs and pl_scenario_write: which format, which files.
 * The format is told from the content, not the file name: YAML is the
 * default, '<' starts GENIUS XML, '{' starts GeniusWeb JSON. */
#define _DEFAULT_SOURCE /* d_type, DT_REG */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "io/formats.h"
#include "io/yaml_tree.h"

/* Input files are read whole; XML and JSON scenarios of the ANAC archive are
 * at most a few MiB. */
#define INPUT_LIMIT PL__YAML_MAX_BYTES

void pl_load_options_init(pl_load_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->real_intervals = 10;
}

const char *pl_format_name(pl_format f) {
  switch (f) {
  case PL_FORMAT_YAML:
    return "yaml";
  case PL_FORMAT_GENIUS:
    return "genius";
  case PL_FORMAT_GENIUSWEB:
    return "geniusweb";
  }
  return "?";
}

typedef enum kind {
  K_OTHER,
  K_YAML,
  K_GENIUS_DOMAIN,
  K_GENIUS_PROFILE,
  K_GENIUS_OTHER,
  K_GW_DOMAIN,
  K_GW_PROFILE,
  K_GW_OTHER
} kind;

/* Skips white space, a byte-order mark, XML declarations, comments and
 * doctype declarations; returns the first element's name (len in *n). */
static const char *first_element(const char *t, size_t *n) {
  for (;;) {
    while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') t++;
    if (!strncmp(t, "\xEF\xBB\xBF", 3)) {
      t += 3;
      continue;
    }
    if (*t != '<') return NULL;
    if (!strncmp(t, "<!--", 4)) {
      const char *e = strstr(t + 4, "-->");
      if (!e) return NULL;
      t = e + 3;
    } else if (t[1] == '?' || t[1] == '!') {
      const char *e = strchr(t, '>');
      if (!e) return NULL;
      t = e + 1;
    } else {
      t++;
      const char *b = t;
      while (*t && !strchr(" \t\r\n/>", *t)) t++;
      *n = (size_t)(t - b);
      return b;
    }
  }
}

/* What a file holds, from its first bytes. */
static kind classify(const char *text) {
  const char *t = text;
  while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') t++;
  if (!strncmp(t, "\xEF\xBB\xBF", 3)) t += 3;
  if (*t == '<') {
    size_t n = 0;
    const char *e = first_element(text, &n);
    if (e && n == 20 && !strncmp(e, "negotiation_template", n))
      return K_GENIUS_DOMAIN;
    if (e && n == 13 && !strncmp(e, "utility_space", n))
      return K_GENIUS_PROFILE;
    return K_GENIUS_OTHER;
  }
  if (*t == '{') {
    /* GeniusWeb, by the top-level keys: a domain has "issuesValues", a
     * profile names its utility space */
    json_t *root = json_loads(t, 0, NULL);
    if (!root) /* broken: let the reader say where */
      return strstr(t, "UtilitySpace\"") ? K_GW_PROFILE : K_GW_DOMAIN;
    kind k = K_GW_OTHER;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
      size_t n = strlen(key);
      if (!strcmp(key, "issuesValues") && k == K_GW_OTHER) k = K_GW_DOMAIN;
      if (n >= 12 && !strcmp(key + n - 12, "UtilitySpace")) k = K_GW_PROFILE;
    }
    json_decref(root);
    return k;
  }
  return K_YAML;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a folder, sorted by name (each a new string). */
static int list_folder(const char *dir, char ***out, size_t *n,
                       pl_error *err) {
  DIR *d = opendir(dir);
  if (!d)
    return pl__err_at(err, PL_EIO, dir, 0, 0, "cannot open folder");
  char **v = NULL;
  size_t cnt = 0, cap = 0;
  int rc = PL_OK;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    size_t len = strlen(dir) + strlen(e->d_name) + 2;
    char *p = pl__malloc(len);
    if (!p) {
      rc = pl__err(err, PL_ENOMEM, "out of memory");
      break;
    }
    snprintf(p, len, "%s/%s", dir, e->d_name);
    /* a regular file by the entry's type, or where the file system does
     * not say (or a link), by stat */
    struct stat st;
    if (e->d_type != DT_REG &&
        (stat(p, &st) != 0 || !S_ISREG(st.st_mode))) {
      pl__free(p);
      continue;
    }
    if (cnt == cap) {
      cap = cap ? cap * 2 : 16;
      char **nv = pl__realloc(v, cap * sizeof *nv);
      if (!nv) {
        pl__free(p);
        rc = pl__err(err, PL_ENOMEM, "out of memory");
        break;
      }
      v = nv;
    }
    v[cnt++] = p;
  }
  closedir(d);
  if (rc) {
    for (size_t k = 0; k < cnt; k++) pl__free(v[k]);
    pl__free(v);
    return rc;
  }
  if (cnt) qsort(v, cnt, sizeof *v, by_name);
  *out = v;
  *n = cnt;
  return PL_OK;
}

/* Why a file that reads as YAML cannot be the first of several inputs
 * (a domain), when its bytes say more than "YAML": NULL when nothing does. */
static const char *not_a_domain(const char *t, size_t len) {
  size_t k = 0;
  while (k < len && strchr(" \t\r\n", t[k])) k++;
  if (k == len) return "empty file";
  if (len >= 2 && ((unsigned char)t[0] == 0xFF || (unsigned char)t[0] == 0xFE) &&
      ((unsigned char)t[1] == 0xFE || (unsigned char)t[1] == 0xFF))
    return "UTF-16 text (save it as UTF-8)";
  if (len >= 6 && !memcmp(t, "\xEF\xBB\xBF\xEF\xBB\xBF", 6))
    return "two byte-order marks";
  if (memchr(t, 0, len)) return "binary data (a NUL byte)";
  return NULL;
}

/* The kind of a file; with why (may be NULL), the reason it cannot be a
 * domain when it reads as YAML (see not_a_domain). */
static int classify_file(const char *path, kind *k, const char **why,
                         pl_error *err) {
  char *text;
  size_t len;
  int rc = pl__read_file(path, INPUT_LIMIT, &text, &len, err);
  if (rc) return rc;
  *k = classify(text);
  if (why) *why = *k == K_YAML ? not_a_domain(text, len) : NULL;
  pl__free(text);
  return PL_OK;
}

static int load_yaml_file(const char *path, pl_scenario **out, pl_error *err) {
  char *text;
  size_t len;
  int rc = pl__read_file(path, INPUT_LIMIT, &text, &len, err);
  if (rc) return rc;
  rc = pl_scenario_load_yaml(text, len, path, out, err);
  pl__free(text);
  return rc;
}

/* "-": a YAML scenario on standard input, read once (it cannot be read
 * again to tell its format and then parse it, as files are). */
static int load_stdin(pl_scenario **out, pl_error *err) {
  char *text;
  size_t len;
  int rc = pl__read_file("-", INPUT_LIMIT, &text, &len, err);
  if (rc) return rc;
  kind k = classify(text);
  if (k == K_YAML)
    rc = pl_scenario_load_yaml(text, len, PL__STDIN_NAME, out, err);
  else
    rc = pl__err_at(err, PL_EPARSE, PL__STDIN_NAME, 1, 1,
                    "standard input holds %s file; a domain and its "
                    "profiles are given as files or a folder",
                    k >= K_GW_DOMAIN ? "a GeniusWeb" : "a GENIUS");
  pl__free(text);
  return rc;
}

/* Domain first, then profiles, in the given order. */
static int load_files(const char *const *paths, size_t n,
                      const pl_load_options *o, pl_scenario **out,
                      pl_error *err) {
  kind k;
  const char *why = NULL;
  int rc = classify_file(paths[0], &k, &why, err);
  if (rc) return rc;
  if (k == K_YAML) {
    if (n > 1 && why) /* the first file is what is wrong, not the second */
      return pl__err_at(err, PL_EPARSE, paths[0], 1, 1,
                        "%s: expected a GENIUS or GeniusWeb domain first, "
                        "then its profiles",
                        why);
    if (n > 1)
      return pl__err_at(err, PL_EPARSE, paths[1], 0, 0,
                        "a parley YAML scenario is one file; \"%s\" is one "
                        "too many",
                        paths[1]);
    return load_yaml_file(paths[0], out, err);
  }
  bool genius = k == K_GENIUS_DOMAIN || k == K_GENIUS_PROFILE ||
                k == K_GENIUS_OTHER;
  if (k != K_GENIUS_DOMAIN && k != K_GW_DOMAIN)
    return pl__err_at(err, PL_EPARSE, paths[0], 1, 1,
                      "expected a %s domain first (%s), then its profiles",
                      genius ? "GENIUS" : "GeniusWeb",
                      genius ? "<negotiation_template>"
                             : "an object with \"issuesValues\"");
  if (n < 2)
    return pl__err_at(err, PL_EPARSE, paths[0], 0, 0,
                      "a domain needs its profiles: give one profile file "
                      "per party after the domain");
  return genius ? pl__genius_load(paths[0], paths + 1, n - 1, o, out, err)
                : pl__geniusweb_load(paths[0], paths + 1, n - 1, o, out, err);
}

/* The ANAC 2012 layout keeps several GENIUS domains in one folder, each
 * named PREFIX-domain.xml with profiles PREFIX-<party>.xml. */
#define DOMAIN_SUFFIX "-domain.xml"

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

/* The length of PREFIX when path's file name is PREFIX-domain.xml, else 0. */
static size_t domain_prefix_len(const char *path) {
  const char *b = base_name(path);
  size_t n = strlen(b), s = strlen(DOMAIN_SUFFIX);
  return n > s && !strcmp(b + n - s, DOMAIN_SUFFIX) ? n - s : 0;
}

/* What a folder holds: its scenario files, classified. With a prefix, only
 * the files whose names start with PREFIX- count. */
typedef struct folder_scan {
  char **files;
  size_t n;
  const char **picked; /* picked[0]: a domain; picked[1..np]: profiles */
  kind *pkind;         /* of picked[1 + j] */
  const char **doms;   /* every domain */
  size_t np, ndom, nyaml;
  bool prefixed; /* every domain is named PREFIX-domain.xml */
  kind dk;
  const char *yaml;
} folder_scan;

static void folder_scan_free(folder_scan *f) {
  for (size_t j = 0; j < f->n; j++) pl__free(f->files[j]);
  pl__free(f->files);
  pl__free(f->picked);
  pl__free(f->pkind);
  pl__free(f->doms);
}

/* Classifies f->files (sorted by name; f owns them). */
static int scan_files(const char *prefix, folder_scan *f, pl_error *err) {
  int rc = PL_OK;
  size_t n = f->n, plen = prefix ? strlen(prefix) : 0;
  f->picked = pl__calloc(n + 1, sizeof *f->picked);
  f->pkind = pl__calloc(n + 1, sizeof *f->pkind);
  f->doms = pl__calloc(n + 1, sizeof *f->doms);
  f->prefixed = true;
  if (!f->picked || !f->pkind || !f->doms)
    rc = pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t j = 0; j < n && !rc; j++) {
    kind k;
    const char *file = f->files[j], *b = base_name(file);
    const char *ext = strrchr(file, '.');
    if (!ext || (strcmp(ext, ".xml") && strcmp(ext, ".json") &&
                 strcmp(ext, ".yaml") && strcmp(ext, ".yml")))
      continue;
    if (prefix && (strncmp(b, prefix, plen) || b[plen] != '-')) continue;
    if ((rc = classify_file(file, &k, NULL, err))) break;
    if (k == K_GENIUS_DOMAIN || k == K_GW_DOMAIN) {
      f->picked[0] = file;
      f->dk = k;
      f->doms[f->ndom++] = file;
      if (k != K_GENIUS_DOMAIN || !domain_prefix_len(file))
        f->prefixed = false;
    } else if (k == K_GENIUS_PROFILE || k == K_GW_PROFILE) {
      f->pkind[f->np] = k;
      f->picked[1 + f->np++] = file;
    } else if (k == K_YAML) {
      if (!f->yaml) f->yaml = file;
      f->nyaml++;
    }
  }
  if (rc) folder_scan_free(f);
  return rc;
}

static int scan_folder(const char *dir, const char *prefix, folder_scan *f,
                       pl_error *err) {
  memset(f, 0, sizeof *f);
  int rc = list_folder(dir, &f->files, &f->n, err);
  return rc ? rc : scan_files(prefix, f, err);
}

/* "A, B, C": the prefixes of the folder's domains (a new string). */
static char *prefix_list(const folder_scan *f) {
  size_t len = 1;
  for (size_t j = 0; j < f->ndom; j++)
    len += domain_prefix_len(f->doms[j]) + 2;
  char *s = pl__malloc(len), *p = s;
  if (!s) return NULL;
  for (size_t j = 0; j < f->ndom; j++) {
    size_t k = domain_prefix_len(f->doms[j]);
    if (j) p += sprintf(p, ", ");
    memcpy(p, base_name(f->doms[j]), k);
    p += k;
  }
  *p = 0;
  return s;
}

static int several_domains(const char *dir, const folder_scan *f,
                           pl_error *err) {
  if (!f->prefixed)
    return pl__err_at(err, PL_EPARSE, dir, 0, 0,
                      "the folder holds %zu domains; name the domain and "
                      "its profiles instead",
                      f->ndom);
  char *list = prefix_list(f);
  if (!list) return pl__err(err, PL_ENOMEM, "out of memory");
  int rc = pl__err_at(err, PL_EPARSE, dir, 0, 0,
                      "the folder holds %zu domains (%s); name one as "
                      "FOLDER/PREFIX, e.g. %s/%.*s",
                      f->ndom, list, dir,
                      (int)domain_prefix_len(f->doms[0]),
                      base_name(f->doms[0]));
  pl__free(list);
  return rc;
}

/* A folder (or with a prefix, one domain of it): one domain and its
 * profiles, or one YAML scenario. */
static int load_scanned(const char *dir, folder_scan *fs,
                        const pl_load_options *o, pl_scenario **out,
                        pl_error *err) {
  folder_scan f = *fs;
  int rc;
  if (f.ndom > 1)
    rc = several_domains(dir, &f, err);
  else if (!f.ndom && f.nyaml > 1)
    rc = pl__err_at(err, PL_EPARSE, dir, 0, 0,
                    "the folder holds %zu parley scenarios; name one",
                    f.nyaml);
  else if (!f.ndom && f.yaml)
    rc = load_yaml_file(f.yaml, out, err);
  else if (!f.ndom)
    rc = pl__err_at(err, PL_EPARSE, dir, 0, 0,
                    "no scenario here: expected a parley YAML file, or a "
                    "GENIUS or GeniusWeb domain with its profiles");
  else {
    /* keep only profiles of the domain's format */
    size_t w = 0;
    for (size_t j = 0; j < f.np; j++)
      if ((f.dk == K_GENIUS_DOMAIN) == (f.pkind[j] == K_GENIUS_PROFILE))
        f.picked[1 + w++] = f.picked[1 + j];
    rc = load_files(f.picked, w + 1, o, out, err);
  }
  folder_scan_free(&f);
  return rc;
}

static int load_folder(const char *dir, const char *prefix,
                       const pl_load_options *o, pl_scenario **out,
                       pl_error *err) {
  folder_scan f;
  int rc = scan_folder(dir, prefix, &f, err);
  return rc ? rc : load_scanned(dir, &f, o, out, err);
}

/* The folder part of path (a new string; "." when there is none). */
static char *parent_of(const char *path) {
  const char *s = strrchr(path, '/');
  if (!s) return pl__strdup(".");
  if (s == path) return pl__strdup("/");
  size_t n = (size_t)(s - path);
  char *p = pl__malloc(n + 1);
  if (p) {
    memcpy(p, path, n);
    p[n] = 0;
  }
  return p;
}

/* Whether a file of dir is named PREFIX-domain.xml (names only, nothing
 * read). */
static bool has_prefixed_domain(const char *dir) {
  char **files;
  size_t n;
  pl_error e;
  if (list_folder(dir, &files, &n, &e)) return false;
  bool any = false;
  for (size_t j = 0; j < n; j++) {
    any = any || domain_prefix_len(files[j]) > 0;
    pl__free(files[j]);
  }
  pl__free(files);
  return any;
}

/* FOLDER/PREFIX that does not exist, naming the domain PREFIX-domain.xml of
 * FOLDER. Returns 1 when path is not that (nor a folder), so it is read as
 * a file. */
static int load_domain_prefix(const char *path, const pl_load_options *o,
                              pl_scenario **out, pl_error *err) {
  const char *b = base_name(path);
  struct stat st;
  const char *ext = strrchr(b, '.');
  if (!b[0] || !strcmp(b, "-") || !strcmp(b, ".") || !strcmp(b, "..") ||
      (ext && (!strcmp(ext, ".xml") || !strcmp(ext, ".json") ||
               !strcmp(ext, ".yaml") || !strcmp(ext, ".yml"))) ||
      stat(path, &st) == 0)
    return 1;
  char *dir = parent_of(path);
  if (!dir) return pl__err(err, PL_ENOMEM, "out of memory");
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    pl__free(dir);
    return 1;
  }
  size_t len = strlen(path) + sizeof DOMAIN_SUFFIX;
  char *dom = pl__malloc(len);
  if (!dom) {
    pl__free(dir);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  snprintf(dom, len, "%s%s", path, DOMAIN_SUFFIX);
  int rc = 1;
  if (stat(dom, &st) == 0)
    rc = load_folder(dir, b, o, out, err);
  else {
    /* a wrong prefix: say which the folder holds, if it holds any */
    folder_scan f = {0};
    rc = has_prefixed_domain(dir) ? scan_folder(dir, NULL, &f, err) : 1;
    if (rc == PL_OK) {
      rc = 1;
      if (f.ndom && f.prefixed) {
        char *list = prefix_list(&f);
        rc = list ? pl__err_at(err, PL_EPARSE, path, 0, 0,
                               "no such file, nor a domain \"%s%s\" in %s; "
                               "its domains are %s",
                               b, DOMAIN_SUFFIX, dir, list)
                  : pl__err(err, PL_ENOMEM, "out of memory");
        pl__free(list);
      }
      folder_scan_free(&f);
    } else if (rc != PL_ENOMEM)
      rc = 1; /* no domains, or an unreadable folder: read path as a file */
  }
  pl__free(dom);
  pl__free(dir);
  return rc;
}

/* One path that names a folder, or a domain of a folder by its prefix.
 * Returns 1 when it is neither. */
static int load_one_folder(const char *path, const pl_load_options *o,
                           pl_scenario **out, pl_error *err) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return load_folder(path, NULL, o, out, err);
  return load_domain_prefix(path, o, out, err);
}

int pl_scenario_folder_list(const char *path, char ***names, size_t *n,
                            pl_error *err) {
  if (!path || !names || !n) return pl__err(err, PL_EINVAL, "no path");
  *names = NULL;
  *n = 0;
  struct stat st;
  folder_scan f = {0};
  bool several = false;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    int rc = scan_folder(path, NULL, &f, err);
    if (rc) return rc;
    several = f.ndom > 1 && f.prefixed;
    if (!several) folder_scan_free(&f);
  }
  size_t cnt = several ? f.ndom : 1;
  char **v = pl__calloc(cnt, sizeof *v);
  int rc = v ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
  for (size_t j = 0; j < cnt && !rc; j++) {
    if (!several) {
      v[j] = pl__strdup(path);
    } else {
      size_t k = domain_prefix_len(f.doms[j]);
      size_t len = strlen(path) + k + 2;
      if ((v[j] = pl__malloc(len)))
        snprintf(v[j], len, "%s/%.*s", path, (int)k, base_name(f.doms[j]));
    }
    if (!v[j]) rc = pl__err(err, PL_ENOMEM, "out of memory");
  }
  if (several) folder_scan_free(&f);
  if (rc) {
    pl_scenario_folder_list_free(v, cnt);
    return rc;
  }
  *names = v;
  *n = cnt;
  return PL_OK;
}

void pl_scenario_folder_list_free(char **names, size_t n) {
  if (!names) return;
  for (size_t j = 0; j < n; j++) pl__free(names[j]);
  pl__free(names);
}

int pl_scenario_load_inputs(const char *const *paths, size_t n,
                            const pl_load_options *opts, pl_scenario **out,
                            pl_error *err) {
  pl_load_options o;
  pl_load_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  *out = NULL;
  if (n == 0 || !paths) return pl__err(err, PL_EINVAL, "no input");
  if (o.real_intervals == 0 || o.real_intervals > 1000000)
    return pl__err(err, PL_ERANGE,
                   "real_intervals must be from 1 to 1000000, got %u",
                   o.real_intervals);
  for (size_t j = 0; j < n; j++)
    if (paths[j] && !strcmp(paths[j], "-")) {
      if (n > 1)
        return pl__err_at(err, PL_EPARSE, PL__STDIN_NAME, 0, 0,
                          "standard input can only be the one input (a "
                          "parley YAML scenario); give a domain and its "
                          "profiles as files or a folder");
      return load_stdin(out, err);
    }
  pl__read_once(true);
  int rc = n == 1 ? load_one_folder(paths[0], &o, out, err) : 1;
  if (rc == 1) rc = load_files(paths, n, &o, out, err);
  pl__read_once(false);
  return rc;
}

/* A file name an in-memory file may have: what a folder could hold. */
static bool good_memory_name(const char *name) {
  size_t n = name ? strlen(name) : 0;
  return n > 0 && n <= 255 && name[0] != '.' && !strchr(name, '/') &&
         strcmp(name, "-");
}

int pl_scenario_load_memory(const pl_memory_file *files, size_t n,
                            const char *name, const pl_load_options *opts,
                            pl_scenario **out, pl_error *err) {
  pl_load_options o;
  pl_load_options_init(&o);
  PL__OPTIONS_COPY(&o, opts);
  *out = NULL;
  if (!name) name = "upload";
  if (n == 0 || !files)
    return pl__err_at(err, PL_EPARSE, name, 0, 0, "no file");
  if (n > PL_MEMORY_FILES_MAX)
    return pl__err_at(err, PL_ETOOBIG, name, 0, 0,
                      "%zu files are more than %d", n, PL_MEMORY_FILES_MAX);
  if (o.real_intervals == 0 || o.real_intervals > 1000000)
    return pl__err(err, PL_ERANGE,
                   "real_intervals must be from 1 to 1000000, got %u",
                   o.real_intervals);
  for (size_t j = 0; j < n; j++) {
    if (!good_memory_name(files[j].name) || (!files[j].data && files[j].len))
      return pl__err_at(err, PL_EPARSE, name, 0, 0,
                        "file %zu: a file name is 1 to 255 bytes, without "
                        "'/' or a leading '.'",
                        j + 1);
    for (size_t k = 0; k < j; k++)
      if (!strcmp(files[k].name, files[j].name))
        return pl__err_at(err, PL_EPARSE, name, 0, 0,
                          "two files are named \"%s\"", files[j].name);
  }
  if (pl__memory_active()) /* not reentrant */
    return pl__err(err, PL_ESTATE, "already reading files from memory");
  pl__memory_files(files, n);
  int rc;
  if (n == 1) {
    rc = load_files(&files[0].name, 1, &o, out, err);
  } else { /* as a folder of these files */
    folder_scan f;
    memset(&f, 0, sizeof f);
    f.files = pl__calloc(n, sizeof *f.files);
    rc = f.files ? PL_OK : pl__err(err, PL_ENOMEM, "out of memory");
    for (size_t j = 0; j < n && !rc; j++) {
      if (!(f.files[j] = pl__strdup(files[j].name)))
        rc = pl__err(err, PL_ENOMEM, "out of memory");
      f.n = j + 1;
    }
    if (!rc) qsort(f.files, n, sizeof *f.files, by_name);
    if (rc) folder_scan_free(&f);
    else if (!(rc = scan_files(NULL, &f, err)))
      rc = load_scanned(name, &f, &o, out, err);
  }
  pl__memory_files(NULL, 0);
  return rc;
}

int pl_scenario_load(const char *path, pl_scenario **out, pl_error *err) {
  return pl_scenario_load_inputs(&path, 1, NULL, out, err);
}

int pl_scenario_write(const pl_scenario *s, pl_format f, const char *path,
                      pl_error *err) {
  if (!s || !path) return pl__err(err, PL_EINVAL, "no scenario or path");
  switch (f) {
  case PL_FORMAT_YAML:
    return pl__yaml_write(s, path, err);
  case PL_FORMAT_GENIUS:
    return pl__genius_write(s, path, err);
  case PL_FORMAT_GENIUSWEB:
    return pl__geniusweb_write(s, path, err);
  }
  return pl__err(err, PL_EINVAL, "unknown format %d", (int)f);
}
