// Compiles Emmett scripts against the default catalog (with the minios preload) and runs them on minios.
package dev.vp.vmm.probes;

import static org.junit.jupiter.api.Assertions.*;

import dev.vp.compiler.Compilation;
import dev.vp.compiler.CompileOptions;
import dev.vp.compiler.Compiler;
import dev.vp.compiler.ScriptSetup;
import dev.vp.compiler.catalog.TargetCatalog;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.output.OutputRecord;
import dev.vp.compiler.pp.FileSystemSourceLoader;
import dev.vp.compiler.source.SourceFile;
import dev.vp.vmm.KvmAvailability;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CompiledScriptTest {
    @Test
    void theDefaultCatalogIsWhatTheHarnessReports() {
        TargetCatalog reported = HarnessCatalog.catalog();
        assertEquals(TargetCatalog.defaultCatalog().toJson(), reported.toJson());
        assertEquals(TargetCatalog.defaultCatalog(), reported);
    }

    static dev.vp.compiler.ir.IrProgram compile(String script) {
        Diagnostics diags = new Diagnostics();
        var loader = new FileSystemSourceLoader();
        CompileOptions options = ScriptSetup.resolve(null, ScriptSetup.Flags.NONE, loader, diags);
        assertNotNull(options, () -> "setup failed: " + diags.all());
        assertTrue(diags.all().isEmpty(), () -> "setup: " + diags.all());
        Compilation c = Compiler.compile(new SourceFile("test.emt", script), options, loader);
        assertFalse(c.hasErrors(), () -> "the script does not compile: " + c.diagnostics());
        return c.ir();
    }

    @Test
    void theMiniosPreloadNamesTheRunningTask() throws Exception {
        KvmAvailability.require();
        var program = compile("""
                GUEST:ENTER:do_syscall(int nr) {
                    printf("%s %d %d %d\\n", curprocname(), curpid(), curppid(), nr);
                }
                """);
        Map<String, Integer> pids = Map.of("init", 1, "shell", 2, "diskio", 3, "netd", 4, "compute", 5);
        Pattern line = Pattern.compile("(\\S+) (\\d+) (\\d+) (\\d+)\\n");
        try (Rig rig = new Rig(2)) {
            rig.load(program);
            rig.await("system calls from four tasks", Duration.ofSeconds(10), () -> rig.snapshot().stream()
                    .map(r -> r.text().split(" ")[0]).distinct().count() >= 4);
            rig.dispatcher.unload();
            for (OutputRecord r : rig.output) {
                Matcher m = line.matcher(r.text());
                assertTrue(m.matches(), r.text());
                assertEquals(pids.get(m.group(1)), Integer.valueOf(m.group(2)), "pid of " + m.group(1));
                assertEquals(m.group(1).equals("init") ? 0 : 1, Integer.parseInt(m.group(3)), "ppid of " + m.group(1));
                assertTrue(Integer.parseInt(m.group(4)) <= 10, "a system call number");
            }
        }
    }
}
