// A preload's declarations reach the script after it: typedef names parse as types (C's lexer hack across files).
package dev.vp.compiler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.check.TestTarget;
import dev.vp.compiler.pp.SourceLoader;
import dev.vp.compiler.source.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreloadTest {
    private static final SourceFile PRELOAD = new SourceFile("guest.emt", """
            typedef struct task { int pid; char comm[16]; } task_t;
            typedef long counter_t;
            string taskname(task_t *t) { return t->comm; }
            """);

    private static Compilation compile(String script, List<SourceFile> preloads) {
        CompileOptions base = TestTarget.options(List.of());
        var options = new CompileOptions(base.includeDirs(), preloads, base.target(), base.budgets(), TargetCatalog.defaultCatalog().numVcpus());
        return Compiler.compile(new SourceFile("main.emt", script), options, path -> new SourceLoader.Missing(path.toString()));
    }

    @Test
    void aPreloadsTypedefsAreTypesInTheScript() {
        String script = """
                counter_t seen;
                VMM1Hz {
                    task_t *t = (task_t *)RBX;
                    counter_t n = sizeof(task_t);
                    seen += n;
                    printf("%d %s %d\\n", t->pid, taskname(t), seen);
                }
                """;
        Compilation with = compile(script, List.of(PRELOAD));
        assertTrue(with.diagnostics().isEmpty(), with.diagnostics().toString());
        assertNotNull(with.ir());
        Compilation without = compile(script, List.of());
        assertFalse(without.diagnostics().isEmpty(), "without the preload, task_t is not a type");
    }
}
