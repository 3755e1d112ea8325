// Level 14 of a chain of 33 nested includes.
#include "d15.h"
