package dev.vp.compiler.parse.emmett;

import dev.vp.compiler.ast.Decl;
import dev.vp.compiler.ast.Script;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.parse.SpanMap;
import dev.vp.compiler.source.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Parses one preprocessed Emmett script into the shared AST. Two stages: fast SLL prediction that gives up
 * at the first syntax error, then, only if it did, full LL with readable errors and recovery.
 */
public final class EmmettParser {
    /** Generous, so that deep but legal code never overflows; the stack is reserved, not committed. */
    private static final long STACK_BYTES = 256L << 20;

    private final String text;
    private final Reporter report;
    private final Set<String> typeNames;
    private final List<Decl> items = new ArrayList<>();
    private EmmettSyntax current;

    private EmmettParser(String text, Reporter report, Set<String> typeNames) {
        this.text = text;
        this.report = report;
        this.typeNames = typeNames;
    }

    /**
     * Parses text (already preprocessed: directives gone, macros expanded; `//` and nested block comments still
     * there), mapping offsets through map, adding every problem to diags. Never throws on any input. typeNames are
     * the typedef names of the scripts before this one (the preloads), which name types here from the start.
     */
    public static Script parse(String text, SpanMap map, SourceFile main, Diagnostics diags, Set<String> typeNames) {
        EmmettParser p = new EmmettParser(text, new Reporter(map), typeNames);
        // Its own thread so that the depth of recursion ANTLR and the builder may need never depends on the caller's stack.
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                p.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "emmett-parser", STACK_BYTES);
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] instanceof RuntimeException e) throw e;
        if (failure[0] instanceof Error e) throw e;
        p.report.flushTo(diags);
        return new Script(main, Script.Language.EMMETT, p.items);
    }

    private void run() {
        List<Token> tokens = NestingGuard.apply(EmmettLexer.lex(text, report, typeNames), report);
        try {
            List<EmmettSyntax.ItemContext> parsed = new ArrayList<>();
            EmmettSyntax fast = parser(tokens, PredictionMode.SLL);
            fast.setErrorHandler(new BailErrorStrategy());
            while (fast.getInputStream().LA(1) != Token.EOF) parsed.add(fast.item());
            AstBuilder builder = new AstBuilder(report);
            for (EmmettSyntax.ItemContext c : parsed) builder.item(c, items);
        } catch (ParseCancellationException syntaxError) {
            items.clear();
            careful(tokens);
        } catch (StackOverflowError tooDeep) {
            items.clear();
            tooDeep();
        }
    }

    /** The LL stage: each item is built as soon as it is parsed, so a later error cannot lose it. */
    private void careful(List<Token> tokens) {
        try {
            EmmettSyntax ll = parser(tokens, PredictionMode.LL);
            ll.setErrorHandler(new SyntaxErrorStrategy(report, tokens));
            AstBuilder builder = new AstBuilder(report);
            var in = ll.getInputStream();
            while (in.LA(1) != Token.EOF) {
                int before = in.index();
                builder.item(ll.item(), items);
                if (in.index() == before) ll.consume();
            }
        } catch (StackOverflowError tooDeep) {
            tooDeep();
        }
    }

    private EmmettSyntax parser(List<Token> tokens, PredictionMode mode) {
        EmmettSyntax p = new EmmettSyntax(new CommonTokenStream(new ListTokenSource(tokens)));
        p.removeErrorListeners();
        p.getInterpreter().setPredictionMode(mode);
        current = p;
        return p;
    }

    private void tooDeep() {
        Token at = current.getCurrentToken();
        report.error(Code.E0109, at.getStartIndex(), at.getStopIndex() + 1,
                "nesting too deep: the script is nested too deeply to parse near here; simplify it");
    }
}
