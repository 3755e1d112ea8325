// Level 7 of a chain of 33 nested includes.
#include "d08.h"
