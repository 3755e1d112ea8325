// Level 5 of a chain of 33 nested includes.
#include "d06.h"
