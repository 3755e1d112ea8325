// Level 27 of a chain of 33 nested includes.
#include "d28.h"
