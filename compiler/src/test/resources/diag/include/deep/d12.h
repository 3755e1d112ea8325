// Level 12 of a chain of 33 nested includes.
#include "d13.h"
