// Level 25 of a chain of 33 nested includes.
#include "d26.h"
