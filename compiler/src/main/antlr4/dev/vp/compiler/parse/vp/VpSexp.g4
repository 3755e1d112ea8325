// The S-expression surface of VP: lists and atoms only; VpBuilder gives each form its meaning.
grammar VpSexp;

script : item* EOF ;

item : list | atom ;

list : LPAREN item* RPAREN ;

atom : NUMBER | SYMBOL | STRING | UNTERMINATED_STRING ;

LPAREN : '(' ;
RPAREN : ')' ;

// A string ends on its line; a backslash escapes the next character (VpLiterals decodes the escapes).
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '\\'? ;

// Atoms are maximal runs of printable ASCII other than parentheses, quotes and ';'.
NUMBER : [0-9] SYMCHAR* ;
SYMBOL : SYMCHAR+ ;
fragment SYMCHAR : [\u0021\u0023-\u0027\u002A-\u003A\u003C-\u007E] ;

COMMENT : ';' ~[\r\n]* -> skip ;
WS : [ \t\r\n\f]+ -> skip ;

// Anything else (control characters, non-ASCII outside strings) is one token per run, reported once.
BAD_CHARS : ~[\u0020-\u007E\t\r\n\f]+ ;
