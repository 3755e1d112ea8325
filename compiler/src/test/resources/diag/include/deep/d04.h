// Level 4 of a chain of 33 nested includes.
#include "d05.h"
