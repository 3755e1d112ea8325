// Half of an include cycle.
#include "cycle-b.h"
