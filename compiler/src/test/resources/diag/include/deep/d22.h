// Level 22 of a chain of 33 nested includes.
#include "d23.h"
