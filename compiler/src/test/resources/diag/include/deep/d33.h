// Level 33 of a chain of 33 nested includes.
int deepest;
