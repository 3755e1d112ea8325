// Level 19 of a chain of 33 nested includes.
#include "d20.h"
