// Runs GNU as, objcopy and objdump, the oracles the encoder and disassembler tests compare against.
package dev.vp.x64.asm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Assembles Intel-syntax text with {@code as --64} and disassembles with {@code objdump -M intel}. */
public final class GnuBinutils {
    private static final Pattern OBJDUMP_LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(.*)$");

    private GnuBinutils() {}

    /** One line of objdump output: the instruction's offset and its text. */
    public record Disassembled(int offset, String text) {}

    /** The .text bytes that {@code as} makes of the lines (one instruction or directive each). */
    public static byte[] assemble(List<String> lines) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vp-as");
        try {
            Path object = assembleObject(dir, lines);
            Path bin = dir.resolve("out.bin");
            run(dir, "objcopy", "-O", "binary", "--only-section=.text", object.toString(), bin.toString());
            return Files.readAllBytes(bin);
        } finally {
            deleteTree(dir);
        }
    }

    /** objdump's Intel-syntax text for every instruction in the given bytes. */
    public static List<Disassembled> disassemble(byte[] code) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vp-objdump");
        try {
            Path bin = dir.resolve("in.bin");
            Files.write(bin, code);
            String out = run(dir, "objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                    "--no-show-raw-insn", bin.toString());
            var result = new ArrayList<Disassembled>();
            for (String line : out.split("\n")) {
                var m = OBJDUMP_LINE.matcher(line);
                if (m.matches()) {
                    result.add(new Disassembled(Integer.parseInt(m.group(1), 16), m.group(2)));
                }
            }
            return result;
        } finally {
            deleteTree(dir);
        }
    }

    private static Path assembleObject(Path dir, List<String> lines) throws IOException, InterruptedException {
        Path source = dir.resolve("in.s");
        var text = new StringBuilder(".intel_syntax noprefix\n.text\n");
        lines.forEach(l -> text.append(l).append('\n'));
        Files.writeString(source, text);
        Path object = dir.resolve("out.o");
        run(dir, "as", "--64", "-o", object.toString(), source.toString());
        return object;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command[0] + ": this test needs GNU binutils (as, objcopy, objdump) on the PATH", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String text = new String(out);
            throw new IOException(String.join(" ", command) + " failed:\n" + text.substring(0, Math.min(text.length(), 4000)));
        }
        return new String(out);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
