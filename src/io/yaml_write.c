/* Placeholder until the YAML writer lands. */
#include "core/util.h"
#include "io/formats.h"

int pl__yaml_write(const pl_scenario *s, const char *path, pl_error *err) {
  (void)s;
  return pl__err_at(err, PL_EUNSUPPORTED, path, 0, 0,
                    "writing YAML is not supported yet");
}
