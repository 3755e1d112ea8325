// Level 30 of a chain of 33 nested includes.
#include "d31.h"
