// Level 11 of a chain of 33 nested includes.
#include "d12.h"
