// Level 3 of a chain of 33 nested includes.
#include "d04.h"
