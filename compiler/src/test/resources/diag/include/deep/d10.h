// Level 10 of a chain of 33 nested includes.
#include "d11.h"
