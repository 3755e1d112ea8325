// Level 23 of a chain of 33 nested includes.
#include "d24.h"
