// Level 17 of a chain of 33 nested includes.
#include "d18.h"
