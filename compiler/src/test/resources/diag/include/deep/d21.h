// Level 21 of a chain of 33 nested includes.
#include "d22.h"
