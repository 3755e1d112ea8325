// Level 18 of a chain of 33 nested includes.
#include "d19.h"
