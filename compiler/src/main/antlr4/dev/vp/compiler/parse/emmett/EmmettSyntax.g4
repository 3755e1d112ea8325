// The Emmett grammar (LANGUAGE.md sections 1-8): tokens come from the hand-written EmmettLexer.
parser grammar EmmettSyntax;

tokens {
    IDENT, TYPE_NAME, INT_LIT, CHAR_LIT, STRING_LIT, FLOAT_LIT, UNIT,
    KW_VOID, KW_STRING, KW_CHAR, KW_SHORT, KW_INT, KW_LONG, KW_SIGNED, KW_UNSIGNED, KW_SIZED, KW_FLOAT,
    STRUCT, UNION, ENUM, TYPEDEF, MEMMODEL, AGGR, BAG,
    PERTHREAD, PERVM, PERHOST, STATIC, EXTERN, REGISTER, VOLATILE,
    IF, ELSE, WHILE, FOR, BREAK, CONTINUE, RETURN, TRY, CATCH, SIZEOF,
    SWITCH, CASE, DEFAULT, GOTO, DO,
    LPAREN, RPAREN, LBRACK, RBRACK, LBRACE, RBRACE, SEMI, COMMA, COLON, QUESTION, DOT, ARROW, AT,
    BANG, TILDE, PLUS, MINUS, STAR, SLASH, PERCENT, AMP, PIPE, CARET, SHL, SHR,
    LT, GT, LE, GE, EQ, NE, ANDAND, OROR, INC, DEC, LARROW,
    ASSIGN, ADD_ASSIGN, SUB_ASSIGN, MUL_ASSIGN, DIV_ASSIGN, MOD_ASSIGN,
    AND_ASSIGN, OR_ASSIGN, XOR_ASSIGN, SHL_ASSIGN, SHR_ASSIGN
}

// ---- top level (EmmettParser drives the loop over items so that it can recover between them) ----

item
    : probeClause
    | typedefDecl
    | memmodelDecl
    | aggrDecl
    | bagDecl
    | declOrFunction
    | SEMI
    ;

probeClause : probeSpec (LPAREN paramList? RPAREN)? statement ;

// A clause starts with a name (an address needs its `GUEST:` domain), so that numbers never start an item.
probeSpec : namedSegment (COLON specSegment)* ;

// A negative number or nothing after a `:` is a segment too, so that AstBuilder says what is wrong with the
// specification instead of the statement parser tripping over the rest of it.
specSegment : namedSegment | MINUS? INT_LIT UNIT? | ;

namedSegment : IDENT (BANG IDENT)? ;

typedefDecl : TYPEDEF declSpecifiers declarator (COMMA declarator)* SEMI ;

memmodelDecl : MEMMODEL IDENT SEMI ;

aggrDecl : AGGR IDENT (LBRACK INT_LIT RBRACK (LBRACK INT_LIT RBRACK)?)? (COLON INT_LIT)? SEMI ;

bagDecl : BAG IDENT LBRACK INT_LIT RBRACK SEMI ;

declOrFunction : declSpecifiers (functionRest | declRest) ;

functionRest : STAR* IDENT LPAREN paramList? RPAREN (block | SEMI) ;

declRest : (initDeclarator (COMMA initDeclarator)*)? SEMI ;

initDeclarator : declarator (ASSIGN assignExpr)? ;

// ---- types and declarators ----

declSpecifiers : declSpecifier+ ;

declSpecifier
    : PERTHREAD | PERVM | PERHOST
    | STATIC | EXTERN | REGISTER | VOLATILE
    | KW_VOID | KW_STRING | KW_CHAR | KW_SHORT | KW_INT | KW_LONG | KW_SIGNED | KW_UNSIGNED | KW_SIZED | KW_FLOAT
    | structSpecifier
    | enumSpecifier
    | TYPE_NAME
    ;

structSpecifier : (STRUCT | UNION) IDENT? (LBRACE fieldDecl* RBRACE)? ;

fieldDecl : (AT conditionalExpr)? declSpecifiers fieldDeclarator (COMMA fieldDeclarator)* SEMI ;

fieldDeclarator : declarator (AT conditionalExpr)? (COLON conditionalExpr)? ;

enumSpecifier : ENUM IDENT? (LBRACE enumerator (COMMA enumerator)* COMMA? RBRACE)? ;

enumerator : IDENT (ASSIGN conditionalExpr)? ;

declarator : STAR* directDeclarator ;

directDeclarator
    : IDENT arraySuffix*
    | LPAREN declarator RPAREN (arraySuffix | paramSuffix)*
    ;

arraySuffix : LBRACK conditionalExpr RBRACK ;

paramSuffix : LPAREN paramList? RPAREN ;

paramList : param (COMMA param)* ;

param : declSpecifiers (declarator | STAR+)? ;

typeName : declSpecifiers STAR* ;

// ---- statements ----

block : LBRACE statement* RBRACE ;

statement
    : block                                                         # blockStmt
    | declOrFunction                                                # declStmt
    | IF LPAREN expr RPAREN statement (ELSE statement)?             # ifStmt
    | WHILE LPAREN expr RPAREN statement                            # whileStmt
    | FOR LPAREN forInit? SEMI cond=expr? SEMI step=expr? RPAREN statement # forStmt
    | BREAK SEMI                                                    # breakStmt
    | CONTINUE SEMI                                                 # continueStmt
    | RETURN expr? SEMI                                             # returnStmt
    | TRY block CATCH block                                         # tryStmt
    | SWITCH LPAREN expr RPAREN statement                           # switchStmt
    | (CASE conditionalExpr | DEFAULT) COLON                        # caseLabel
    | DO statement WHILE LPAREN expr RPAREN SEMI                    # doWhileStmt
    | GOTO IDENT SEMI                                               # gotoStmt
    | IDENT COLON statement                                         # labelStmt
    // A top-level declaration inside a body is skipped up to its `;`, so that one error (E0129) says so.
    | (TYPEDEF | MEMMODEL | AGGR | BAG) ~(SEMI | LBRACE | RBRACE)* SEMI # topLevelDeclStmt
    | expr (LARROW expr)? SEMI                                      # exprStmt
    | SEMI                                                          # emptyStmt
    | strayToken+                                                   # strayStmt
    ;

forInit : declSpecifiers initDeclarator (COMMA initDeclarator)* | expr ;

// Tokens that cannot start a statement: reported once, so that the rest of the block still parses.
strayToken
    : RPAREN | RBRACK | COMMA | COLON | QUESTION | DOT | ARROW | AT | SLASH | PERCENT | PIPE | CARET | SHL | SHR
    | LT | GT | LE | GE | EQ | NE | ANDAND | OROR | LARROW | ASSIGN | ADD_ASSIGN | SUB_ASSIGN | MUL_ASSIGN
    | DIV_ASSIGN | MOD_ASSIGN | AND_ASSIGN | OR_ASSIGN | XOR_ASSIGN | SHL_ASSIGN | SHR_ASSIGN
    | ELSE | CATCH | UNIT | TYPEDEF | MEMMODEL | AGGR | BAG
    ;

// ---- expressions, C precedence ----

expr : assignExpr (COMMA assignExpr)* ;

assignExpr : conditionalExpr (assignOp assignExpr)? ;

assignOp
    : ASSIGN | ADD_ASSIGN | SUB_ASSIGN | MUL_ASSIGN | DIV_ASSIGN | MOD_ASSIGN
    | AND_ASSIGN | OR_ASSIGN | XOR_ASSIGN | SHL_ASSIGN | SHR_ASSIGN
    ;

conditionalExpr : binaryExpr (QUESTION expr COLON conditionalExpr)? ;

binaryExpr
    : castExpr
    | binaryExpr op=(STAR | SLASH | PERCENT) binaryExpr
    | binaryExpr op=(PLUS | MINUS) binaryExpr
    | binaryExpr op=(SHL | SHR) binaryExpr
    | binaryExpr op=(LT | GT | LE | GE) binaryExpr
    | binaryExpr op=(EQ | NE) binaryExpr
    | binaryExpr op=AMP binaryExpr
    | binaryExpr op=CARET binaryExpr
    | binaryExpr op=PIPE binaryExpr
    | binaryExpr op=ANDAND binaryExpr
    | binaryExpr op=OROR binaryExpr
    ;

castExpr
    : LPAREN typeName RPAREN castExpr
    | unaryExpr
    ;

unaryExpr
    : postfixExpr
    | op=(INC | DEC) unaryExpr
    | op=(PLUS | MINUS | BANG | TILDE | STAR | AMP) castExpr
    | SIZEOF LPAREN typeName RPAREN
    | SIZEOF unaryExpr
    ;

postfixExpr : primaryExpr postfixOp* ;

postfixOp
    : LBRACK assignExpr (COMMA assignExpr)* RBRACK     # indexOp
    | LPAREN (assignExpr (COMMA assignExpr)*)? RPAREN  # callOp
    | op=(DOT | ARROW) IDENT                          # memberOp
    | op=(INC | DEC)                                  # postIncDecOp
    ;

primaryExpr
    : IDENT
    | INT_LIT
    | CHAR_LIT
    | STRING_LIT+
    | FLOAT_LIT
    | LPAREN expr RPAREN
    ;
