// Level 13 of a chain of 33 nested includes.
#include "d14.h"
