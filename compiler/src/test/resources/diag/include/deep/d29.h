// Level 29 of a chain of 33 nested includes.
#include "d30.h"
