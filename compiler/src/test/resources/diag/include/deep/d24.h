// Level 24 of a chain of 33 nested includes.
#include "d25.h"
