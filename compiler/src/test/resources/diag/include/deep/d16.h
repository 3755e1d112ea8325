// Level 16 of a chain of 33 nested includes.
#include "d17.h"
