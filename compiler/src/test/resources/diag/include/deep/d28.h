// Level 28 of a chain of 33 nested includes.
#include "d29.h"
