// The other half of an include cycle.
#include "cycle-a.h"
