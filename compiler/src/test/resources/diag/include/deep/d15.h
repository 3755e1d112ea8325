// Level 15 of a chain of 33 nested includes.
#include "d16.h"
