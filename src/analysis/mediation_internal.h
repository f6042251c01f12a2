/* What the mediation JSON writer (mediation_json.c) reads of the results
 * of unlock.c and improve.c. */
#ifndef PL_MEDIATION_INTERNAL_H
#define PL_MEDIATION_INTERNAL_H

#include "parley/parley.h"

const pl_scenario *pl__unlock_scenario(const pl_unlock *u);
const pl_scenario *pl__improve_scenario(const pl_improve *x);

#endif
