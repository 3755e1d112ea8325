// Level 32 of a chain of 33 nested includes.
#include "d33.h"
