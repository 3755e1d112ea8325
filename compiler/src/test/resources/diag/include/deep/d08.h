// Level 8 of a chain of 33 nested includes.
#include "d09.h"
