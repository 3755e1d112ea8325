// Level 6 of a chain of 33 nested includes.
#include "d07.h"
