// Level 20 of a chain of 33 nested includes.
#include "d21.h"
