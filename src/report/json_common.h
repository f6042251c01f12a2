/* JSON pieces shared by the analysis report and the negotiation record. */
#ifndef PL_JSON_COMMON_H
#define PL_JSON_COMMON_H

#include <jansson.h>

#include "model/scenario_internal.h"

/* An option: its id (discrete), its number (numeric), null (not agreed).
 * A new reference, NULL when out of memory. */
json_t *pl__option_json(const pl_scenario *s, int issue, uint32_t option);

/* An outcome as {"issue": option, ...} (options as above). A new
 * reference, NULL when out of memory. */
json_t *pl__outcome_json(const pl_scenario *s, const uint32_t *options);

#endif
