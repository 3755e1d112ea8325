// Level 1 of a chain of 33 nested includes.
#include "d02.h"
