// Level 2 of a chain of 33 nested includes.
#include "d03.h"
