// Tests for the target catalog: the shipped KVM-harness catalog, lookups, readability, `any`, and user catalogs.
package dev.vp.compiler.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vp.compiler.ast.ProbeSpec;
import dev.vp.compiler.diag.Code;
import dev.vp.compiler.diag.Diagnostics;
import dev.vp.compiler.lang.Builtin;
import dev.vp.compiler.lang.Domain;
import dev.vp.compiler.project.Budgets;
import dev.vp.compiler.project.TargetRef;
import dev.vp.compiler.source.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetCatalogTest {
    private static final TargetCatalog KVM = TargetCatalog.defaultCatalog();

    /** LANGUAGE.md section 12: every static probe, its domain and its arguments in order. */
    private static final Map<String, List<String>> SECTION_12 = new LinkedHashMap<>();
    static {
        for (String p : List.of("VMMLoad", "VMMUnload", "VMXLoad", "VMXUnload", "VMM1Hz", "VMM10Hz", "VMX1Hz", "HV_Exit",
                "HV_Resume", "Guest_TripleFault")) SECTION_12.put(p, List.of());
        SECTION_12.put("In", List.of("port", "size", "count"));
        SECTION_12.put("Out", List.of("port", "size", "count"));
        SECTION_12.put("Guest_IRQ", List.of("vector"));
        List<String> disk = List.of("adapterType", "controller", "drive", "isRead", "requestId", "startSector", "sectorCount", "sgEntries");
        SECTION_12.put("Disk_IOStart", disk);
        SECTION_12.put("Disk_IOFinish", disk);
        SECTION_12.put("MAC_SendPacket", List.of("adapter"));
        SECTION_12.put("MAC_ReceivePacket", List.of("adapter"));
        SECTION_12.put("MMIO_Read", List.of("address", "size"));
        SECTION_12.put("MMIO_Write", List.of("address", "size", "value"));
    }

    @Test void defaultCatalogHasEverySection12Probe() {
        assertEquals(SECTION_12.keySet(), Set(KVM.probes().stream().map(TargetCatalog.Probe::name).toList()));
        SECTION_12.forEach((name, args) -> assertEquals(args, KVM.probe(name).argumentNames(), name));
        for (String vmx : List.of("VMXLoad", "VMXUnload", "VMX1Hz")) {
            assertEquals(Domain.VMX, KVM.probe(vmx).domain());
            assertFalse(KVM.probe(vmx).vcpuState());
        }
        assertEquals(Domain.VMM, KVM.probe("HV_Exit").domain());
        assertTrue(KVM.probe("HV_Exit").vcpuState());
        assertEquals("1 read / 0 write", KVM.probe("Disk_IOStart").arguments().get(3).meaning());
        assertEquals(List.of("HV_Exit", "In", "Out", "Guest_TripleFault", "MMIO_Read", "MMIO_Write"), KVM.exitProbeNames());
        assertNull(KVM.probe("VMM2Hz"));
    }

    @Test void defaultCatalogHasEverySection9Builtin() {
        assertEquals(Set(Arrays.stream(Builtin.values()).map(Builtin::name).toList()),
                Set(KVM.builtins().stream().map(TargetCatalog.BuiltinVariable::name).toList()));
        assertEquals(List.of(Domain.GUEST, Domain.VMM), KVM.builtin("RAX").domains());
        assertEquals(List.of(Domain.GUEST, Domain.VMM, Domain.VMX), KVM.builtin("TSC").domains());
        assertEquals("string", KVM.builtin("PROBENAME").type());
        assertEquals("int", KVM.builtin("VCPUID").type());
        assertEquals(TargetCatalog.Availability.EXIT_PROBES, KVM.builtin(Builtin.VMCS_EXIT_QUAL).readable());
        assertEquals(TargetCatalog.Availability.PROBE_ARGUMENTS, KVM.builtin(Builtin.ARG9).readable());
        for (TargetCatalog.BuiltinVariable v : KVM.builtins())
            assertEquals(v.builtin().needsVcpu(), !v.domains().contains(Domain.VMX), v.name());
        assertNull(KVM.builtin("RAXX"));
    }

    @Test void defaultCatalogFigures() {
        assertEquals(4, KVM.numVcpus());
        assertEquals(100_000, KVM.minTimerPeriodNs());
        assertEquals(List.of("classpath:guests/minios.emt"), KVM.preloads());
        assertEquals(List.of(new TargetCatalog.GuestImage("minios", "classpath:guests/minios.elf")), KVM.guestImages());
        assertEquals(new Location.Classpath("guests/minios.elf"), KVM.resolve(KVM.guestImages().get(0).path()));
        assertEquals(Budgets.DEFAULTS, KVM.budgets());
        assertEquals(TargetCatalog.FORMAT_VERSION, KVM.formatVersion());
        assertFalse(KVM.acceptsAny());
    }

    @Test void dynamicKinds() {
        assertNull(KVM.unsupported(ProbeSpec.Kind.ENTER));
        assertNull(KVM.unsupported(ProbeSpec.Kind.EXIT));
        assertNull(KVM.unsupported(ProbeSpec.Kind.OFFSET));
        assertNull(KVM.unsupported(ProbeSpec.Kind.ADDRESS));
        assertNull(KVM.unsupported(ProbeSpec.Kind.WRITE));
        assertNull(KVM.unsupported(ProbeSpec.Kind.STATIC));
        assertEquals("the KVM harness cannot watch reads: hardware watchpoints do not work under this KVM and read-only slots only trap writes",
                KVM.unsupported(ProbeSpec.Kind.READ));
        assertEquals("page", KVM.support(ProbeKind.WRITE).granularity());
        assertTrue(KVM.support(ProbeKind.ENTER).patchableSitesOnly());
        assertTrue(KVM.support(ProbeKind.OFFSET).patchableSitesOnly());
        assertEquals(List.of(Domain.VMM, Domain.VMX), KVM.support(ProbeKind.TIMER).domains());
        assertEquals(List.of(Domain.VMM), KVM.support(ProbeKind.PROFILE).domains());
    }

    @Test void readability() {
        ProbeContext vmx1 = ProbeContext.of(KVM.probe("VMX1Hz"));
        ProbeContext out = ProbeContext.of(KVM.probe("Out"));
        ProbeContext tick = ProbeContext.of(KVM.probe("VMM1Hz"));
        ProbeContext enter = ProbeContext.of(ProbeKind.ENTER, Domain.GUEST);
        ProbeContext exit = ProbeContext.of(ProbeKind.EXIT, Domain.GUEST);
        assertTrue(KVM.isReadable(Builtin.RAX, out));
        assertTrue(KVM.isReadable(Builtin.TSC, vmx1));
        assertEquals("`RAX` is not readable in the VMX domain (only in GUEST, VMM)", KVM.unreadableReason(Builtin.RAX, vmx1));
        assertTrue(KVM.isReadable(Builtin.VMCS_EXIT_REASON, out));
        assertEquals("`VMCS_EXIT_REASON` is only readable in exit probes (HV_Exit, In, Out, Guest_TripleFault, MMIO_Read, MMIO_Write), not in VMM1Hz",
                KVM.unreadableReason(Builtin.VMCS_EXIT_REASON, tick));
        assertFalse(KVM.isReadable(Builtin.EXIT_REASON, enter));
        assertTrue(KVM.isReadable(Builtin.ARG2, out));
        assertEquals("`ARG3` is not set by Out, which has 3 (port, size, count)", KVM.unreadableReason(Builtin.ARG3, out));
        assertEquals("`ARG0` is not set by VMM1Hz, which has no arguments", KVM.unreadableReason(Builtin.ARG0, tick));
        assertTrue(KVM.isReadable(Builtin.ARG9, enter));
        assertTrue(KVM.isReadable(Builtin.ARG0, exit));
        assertFalse(KVM.isReadable(Builtin.ARG1, exit));
        assertFalse(KVM.isReadable(Builtin.ARG0, ProbeContext.of(ProbeKind.TIMER, Domain.VMM)));
    }

    @Test void anyAcceptsEveryNameButKeepsTheVcpuRule() {
        TargetCatalog any = TargetCatalog.any();
        assertTrue(any.acceptsAny());
        TargetCatalog.Probe p = any.probe("Storage_Thing");
        assertEquals(Domain.VMM, p.domain());
        assertEquals(10, p.arguments().size());
        assertEquals(Domain.VMX, any.probe("VMX1Hz").domain());        // known probes keep their meaning
        assertTrue(any.isReadable(Builtin.VMCS_EXIT_QUAL, ProbeContext.of(p)));
        assertTrue(any.isReadable(Builtin.ARG7, ProbeContext.of(any.probe("VMM1Hz"))));
        assertFalse(any.isReadable(Builtin.RIP, ProbeContext.of(any.probe("VMX1Hz"))));
        assertNull(any.unsupported(ProbeSpec.Kind.READ));
        assertTrue(any.guestImages().isEmpty());
        assertTrue(any.preloads().isEmpty());
    }

    @Test void writtenJsonReadsBackEqual() {
        Diagnostics d = new Diagnostics();
        Optional<TargetCatalog> back = TargetCatalog.parse(new SourceFile("printed.json", KVM.toJson()), KVM.origin(), d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        assertEquals(KVM, back.orElseThrow());
    }

    @Test void selectFollowsTheReference(@TempDir Path dir) throws IOException {
        Diagnostics d = new Diagnostics();
        assertEquals(KVM, TargetCatalog.select(null, d).orElseThrow());
        assertTrue(TargetCatalog.select(new TargetRef.Any(), d).orElseThrow().acceptsAny());
        Path file = dir.resolve("mine.json");
        Files.writeString(file, minimal("\"guestImages\": [{\"name\": \"g\", \"path\": \"images/g.elf\"}]"));
        TargetCatalog mine = TargetCatalog.select(TargetRef.parse("mine.json", dir), d).orElseThrow();
        assertTrue(d.all().isEmpty(), d.all().toString());
        assertEquals(new Location.File(dir.resolve("images/g.elf")), mine.resolve("images/g.elf"));
        assertEquals(Budgets.DEFAULTS, mine.budgets());
        // A kind the catalog does not list cannot be armed, and says so.
        assertEquals("the target catalog \"mine\" does not list ENTER probes", mine.unsupported(ProbeSpec.Kind.ENTER));

        assertTrue(TargetCatalog.select(new TargetRef.CatalogFile(dir.resolve("none.json")), d).isEmpty());
        assertEquals(Code.E0001, d.all().get(0).code());
    }

    // ------------------------------------------------------------------ user catalogs with problems

    static String minimal(String extra) {
        return "{\"formatVersion\": \"1.0\", \"name\": \"mine\", \"numVcpus\": 2, \"minTimerPeriodNs\": 1000000,"
                + " \"probes\": [{\"name\": \"Tick\", \"domain\": \"VMM\", \"vcpuState\": true}], \"probeKinds\": [], \"builtins\": []"
                + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    private static List<String> problems(String text) {
        Diagnostics d = new Diagnostics();
        Optional<TargetCatalog> c = TargetCatalog.parse(new SourceFile("c.json", text), new Location.File(Path.of("/x/c.json")), d);
        assertEquals(d.hasErrors(), c.isEmpty());
        return d.all().stream().map(x -> x.code() + " " + x.message()).toList();
    }

    @Test void aFutureMajorVersionIsRefusedBeforeAnythingElse() {
        assertEquals(List.of("E0803 the target catalog c.json has format version 2.0, but this compiler reads 1.x; update vp, or have the monitor write an older catalog"),
                problems("{\"formatVersion\": \"2.0\", \"probes\": 7, \"whatever\": {}}"));
        assertEquals(List.of("E0802 `$.formatVersion`: expected \"MAJOR.MINOR\" such as \"1.0\", found \"1\""),
                problems("{\"formatVersion\": \"1\"}"));
        assertEquals(List.of("E0802 `$.formatVersion`: expected a string, found a number"), problems("{\"formatVersion\": 1.0}"));
        assertEquals(List.of("E0802 `$`: missing required key \"formatVersion\""), problems("{}"));
    }

    @Test void aNewerMinorVersionWarnsOnceAndItsAdditionsPass() {
        String text = minimal("\"hotplug\": true").replace("\"1.0\"", "\"1.3\"");
        assertEquals(List.of("W0801 the target catalog c.json has format version 1.3, newer than this compiler's 1.0: what the newer version adds is ignored; update vp to use it"),
                problems(text));
    }

    @Test void wrongTypesAndValuesNameTheirPath() {
        String text = """
                {"formatVersion": "1.0", "name": 5, "numVcpus": 0, "minTimerPeriodNs": 1.5,
                 "probes": [{"name": "Tick", "domain": "VNM", "vcpuState": "yes"},
                            {"name": "Host", "domain": "VMX", "vcpuState": true, "arguments": [{"name": "1x", "meaning": "m"}]},
                            {"name": "TIMER", "domain": "VMM", "vcpuState": true},
                            {"name": "Host", "domain": "VMX", "vcpuState": false}],
                 "probeKinds": [{"kind": "READ", "supported": false, "domains": ["GUEST"]},
                                {"kind": "TIMER", "supported": true, "domains": ["GUEST"]}],
                 "builtins": [{"name": "RAX", "type": "string", "domains": ["VMX"]},
                              {"name": "ARG0", "type": "int", "domains": ["VMM"], "readable": "always"},
                              {"name": "FROB", "type": "int", "domains": []}],
                 "budgets": {"string": 1000}}
                """;
        assertEquals(List.of(
                "E0802 `$.name`: expected a string, found a number",
                "E0802 `$.numVcpus`: 0 is out of range; expected 1 to 256",
                "E0802 `$.minTimerPeriodNs`: expected an integer, found 1.5",
                "E0802 `$.budgets.string`: 1000 is out of range; expected 2 to 256",
                "E0802 `$.probes[0].domain`: expected one of GUEST, VMM, VMX, found \"VNM\"; did you mean VMM?",
                "E0802 `$.probes[0].vcpuState`: expected true or false, found a string",
                "E0802 `$.probes[1].arguments[0].name`: \"1x\" is not an identifier",
                "E0802 `$.probes[1].vcpuState`: a VMX-domain probe runs on the host and cannot have vCPU state",
                "E0802 `$.probes[2].name`: \"TIMER\" is a word of the probe syntax and cannot name a static probe",
                "E0802 `$.probes`: \"Host\" is listed twice",
                "E0802 `$.probeKinds[0]`: an unsupported probe kind needs a \"reason\" (the compiler shows it to the user)",
                "E0802 `$.probeKinds[1].domains`: TIMER probes cannot run in the GUEST domain",
                "E0802 `$.builtins[0].type`: RAX is an integer: its type is \"int\", not \"string\"",
                "E0802 `$.builtins[0].domains`: RAX is vCPU state and cannot be readable in the VMX domain",
                "E0802 `$.builtins[1].readable`: ARG0 must be \"readable\": \"probeArguments\"",
                "W0800 `$.builtins[2].name`: this compiler does not know the built-in variable \"FROB\", so scripts cannot use it"),
                problems(text));
    }

    @Test void unknownKeysWarnAndAddressesAreRefused() {
        String text = minimal("\"guestImages\": [{\"name\": \"g\", \"path\": \"g.elf\", \"loadAddress\": 4096}], \"colour\": 1")
                .replace("\"vcpuState\": true}", "\"vcpuState\": true, \"argument\": []}");
        assertEquals(List.of(
                "E0802 `$.guestImages[0].loadAddress`: a catalog never stores guest addresses: they change with every build of the guest,"
                        + " so the compiler reads them from the image itself; remove \"loadAddress\"",
                "W0800 `$.probes[0].argument`: unknown key \"argument\" in the target catalog is ignored; did you mean \"arguments\"?",
                "W0800 `$.colour`: unknown key \"colour\" in the target catalog is ignored"),
                problems(text));
    }

    @Test void corruptJsonHasLineAndColumn() {
        Diagnostics d = new Diagnostics();
        TargetCatalog.parse(new SourceFile("c.json", "{\n \"formatVersion\": \"1.0\",\n \"name\": \"x\"\n \"numVcpus\": 1}"), KVM.origin(), d);
        assertEquals(1, d.all().size());
        assertEquals(Code.E0801, d.all().get(0).code());
        assertEquals(4, d.all().get(0).span().line());
        assertEquals(2, d.all().get(0).span().column());
    }

    private static <T> java.util.Set<T> Set(List<T> list) {
        java.util.Set<T> s = new java.util.TreeSet<>(list);
        assertEquals(list.size(), s.size(), "duplicates in " + list);
        return s;
    }
}
