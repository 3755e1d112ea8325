// Level 9 of a chain of 33 nested includes.
#include "d10.h"
