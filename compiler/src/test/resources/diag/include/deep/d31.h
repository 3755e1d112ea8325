// Level 31 of a chain of 33 nested includes.
#include "d32.h"
