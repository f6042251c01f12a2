/* Placeholder until the geniusweb reader and writer land. */
#include "core/util.h"
#include "io/formats.h"

int pl__geniusweb_load(const char *domain, const char *const *profiles,
                  size_t n_profiles, const pl_load_options *o,
                  pl_scenario **out, pl_error *err) {
  (void)profiles;
  (void)n_profiles;
  (void)o;
  *out = NULL;
  return pl__err_at(err, PL_EUNSUPPORTED, domain, 0, 0,
                    "this format is not supported yet");
}

int pl__geniusweb_write(const pl_scenario *s, const char *dir, pl_error *err) {
  (void)s;
  return pl__err_at(err, PL_EUNSUPPORTED, dir, 0, 0,
                    "this format is not supported yet");
}
