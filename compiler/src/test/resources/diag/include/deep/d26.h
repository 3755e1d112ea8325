// Level 26 of a chain of 33 nested includes.
#include "d27.h"
