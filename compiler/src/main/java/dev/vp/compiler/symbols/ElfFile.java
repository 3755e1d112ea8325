// A small, defensive ELF64 (x86-64, little-endian) reader: loadable segments, sections, symbols and patchable entries.
package dev.vp.compiler.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An ELF64 executable read completely into memory and checked field by field. Every offset and length is
 * validated before use, so a corrupt file yields a {@link FormatException} naming the bad field, never an
 * index exception. Guest images are small (tens of KB), so reading them whole is the simple choice.
 */
public final class ElfFile {
    public static final int PT_LOAD = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_NOBITS = 8;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;
    /** The section gcc's {@code -fpatchable-function-entry} fills with one 8-byte address per patchable entry. */
    public static final String PATCHABLE_SECTION = "__patchable_function_entries";

    private static final int EM_X86_64 = 62;
    private static final int EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64, SYM_SIZE = 24;
    private static final int MAX_NAME = 4096;

    /** A file that is not a well-formed ELF64 x86-64 image; the message names the file and the bad field. */
    public static final class FormatException extends IOException {
        public FormatException(String message) { super(message); }
    }

    /** A program header of type PT_LOAD: copy {@code fileSize} bytes from {@code offset} to {@code vaddr}, zero up to {@code memSize}. */
    public record Segment(long offset, long vaddr, long paddr, long fileSize, long memSize, int flags) {
        public boolean executable() { return (flags & PF_X) != 0; }
        public boolean writable() { return (flags & PF_W) != 0; }
    }

    public record Section(String name, int type, long flags, long addr, long offset, long size, int link, long entSize) {}

    public enum SymbolKind { FUNC, OBJECT, OTHER }

    public record Symbol(String name, long value, long size, SymbolKind kind) {
        public boolean contains(long address) {
            return address == value || (address > value && address - value < size);
        }
    }

    private final String name;
    private final byte[] bytes;
    private final long entry;
    private final List<Segment> segments;
    private final List<Section> sections;
    private final List<Symbol> symbols;
    private final List<Long> patchableEntries;

    private ElfFile(String name, byte[] bytes, long entry, List<Segment> segments, List<Section> sections,
                    List<Symbol> symbols, List<Long> patchableEntries) {
        this.name = name;
        this.bytes = bytes;
        this.entry = entry;
        this.segments = segments;
        this.sections = sections;
        this.symbols = symbols;
        this.patchableEntries = patchableEntries;
    }

    public static ElfFile read(Path path) throws IOException {
        return parse(path.toString(), Files.readAllBytes(path));
    }

    public static ElfFile parse(String name, byte[] bytes) throws FormatException {
        return new Reader(name, bytes).read();
    }

    public String name() { return name; }
    public long entry() { return entry; }
    /** The PT_LOAD segments in file order. */
    public List<Segment> segments() { return segments; }
    public List<Section> sections() { return sections; }
    /** The named FUNC and OBJECT symbols of .symtab (others are dropped), sorted by address. */
    public List<Symbol> symbols() { return symbols; }
    /** Addresses of the patchable function entries (two NOPs each), sorted. */
    public List<Long> patchableEntries() { return patchableEntries; }

    public Optional<Symbol> symbol(String symbolName) {
        return symbols.stream().filter(s -> s.name.equals(symbolName)).findFirst();
    }

    /** The function whose range contains {@code address}, if any. */
    public Optional<Symbol> functionAt(long address) {
        return symbols.stream().filter(s -> s.kind == SymbolKind.FUNC && s.contains(address)).findFirst();
    }

    public Optional<Section> section(String sectionName) {
        return sections.stream().filter(s -> s.name.equals(sectionName)).findFirst();
    }

    /** A copy of the file bytes of a segment (already bounds-checked when the file was read). */
    public byte[] fileBytes(Segment segment) {
        byte[] out = new byte[(int) segment.fileSize];
        System.arraycopy(bytes, (int) segment.offset, out, 0, out.length);
        return out;
    }

    /** One parse: a cursor over the bytes with checked accessors. */
    private static final class Reader {
        private final String name;
        private final byte[] bytes;
        private final ByteBuffer buf;

        Reader(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes;
            this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        private FormatException bad(String field, String problem) {
            return new FormatException(name + ": corrupt or unsupported ELF file: " + field + " " + problem
                    + " (rebuild the guest, or point to an ELF64 x86-64 executable)");
        }

        /** Checks that [offset, offset+length) lies in the file. */
        private void range(String field, long offset, long length) throws FormatException {
            if (offset < 0 || length < 0 || offset > bytes.length || length > bytes.length - offset)
                throw bad(field, "range [" + offset + ", +" + length + ") lies outside the file (" + bytes.length + " bytes)");
        }

        private int u16(long at) { return Short.toUnsignedInt(buf.getShort((int) at)); }
        private long u32(long at) { return Integer.toUnsignedLong(buf.getInt((int) at)); }
        private long u64(long at) { return buf.getLong((int) at); }

        ElfFile read() throws FormatException {
            range("ELF header", 0, EHDR_SIZE);
            if (bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
                throw bad("e_ident magic", "is not \\x7fELF");
            if (bytes[4] != 2) throw bad("e_ident[EI_CLASS]", "is " + bytes[4] + ", expected 2 (ELF64)");
            if (bytes[5] != 1) throw bad("e_ident[EI_DATA]", "is " + bytes[5] + ", expected 1 (little-endian)");
            int machine = u16(18);
            if (machine != EM_X86_64) throw bad("e_machine", "is " + machine + ", expected 62 (x86-64)");
            long entry = u64(24);
            List<Segment> segments = readSegments(u64(32), u16(54), u16(56));
            List<Section> sections = readSections(u64(40), u16(58), u16(60), u16(62));
            List<Symbol> symbols = readSymbols(sections);
            List<Long> patchable = readPatchable(sections);
            return new ElfFile(name, bytes, entry, segments, sections, symbols, patchable);
        }

        private List<Segment> readSegments(long phoff, int phentsize, int phnum) throws FormatException {
            if (phnum == 0) throw bad("e_phnum", "is 0: the file has no program headers");
            if (phentsize != PHDR_SIZE) throw bad("e_phentsize", "is " + phentsize + ", expected " + PHDR_SIZE);
            range("program header table (e_phoff)", phoff, (long) phnum * PHDR_SIZE);
            List<Segment> out = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * PHDR_SIZE;
                if (u32(at) != PT_LOAD) continue;
                var seg = new Segment(u64(at + 8), u64(at + 16), u64(at + 24), u64(at + 32), u64(at + 40), (int) u32(at + 4));
                String field = "program header " + i;
                range(field + " p_offset/p_filesz", seg.offset, seg.fileSize);
                if (Long.compareUnsigned(seg.fileSize, seg.memSize) > 0)
                    throw bad(field + " p_filesz", "(" + seg.fileSize + ") exceeds p_memsz (" + seg.memSize + ")");
                if (seg.vaddr < 0 || seg.memSize < 0 || seg.vaddr + seg.memSize < seg.vaddr)
                    throw bad(field + " p_vaddr/p_memsz", "wraps around the address space");
                out.add(seg);
            }
            if (out.isEmpty()) throw bad("program headers", "contain no PT_LOAD segment");
            return List.copyOf(out);
        }

        private List<Section> readSections(long shoff, int shentsize, int shnum, int shstrndx) throws FormatException {
            if (shnum == 0) return List.of();
            if (shentsize != SHDR_SIZE) throw bad("e_shentsize", "is " + shentsize + ", expected " + SHDR_SIZE);
            range("section header table (e_shoff)", shoff, (long) shnum * SHDR_SIZE);
            if (shstrndx >= shnum) throw bad("e_shstrndx", "(" + shstrndx + ") is not below e_shnum (" + shnum + ")");
            long strAt = shoff + (long) shstrndx * SHDR_SIZE;
            long strOff = u64(strAt + 24), strSize = u64(strAt + 32);
            range("section name table (.shstrtab)", strOff, strSize);
            List<Section> out = new ArrayList<>();
            for (int i = 0; i < shnum; i++) {
                long at = shoff + (long) i * SHDR_SIZE;
                String field = "section header " + i;
                String secName = string(field + " sh_name", strOff, strSize, u32(at));
                var sec = new Section(secName, (int) u32(at + 4), u64(at + 8), u64(at + 16), u64(at + 24), u64(at + 32),
                        (int) u32(at + 40), u64(at + 56));
                if (sec.type != SHT_NOBITS) range(field + " (" + secName + ") sh_offset/sh_size", sec.offset, sec.size);
                out.add(sec);
            }
            return List.copyOf(out);
        }

        /** A NUL-terminated string at {@code index} inside the string table [tableOff, tableOff+tableSize). */
        private String string(String field, long tableOff, long tableSize, long index) throws FormatException {
            if (index < 0 || index >= tableSize) throw bad(field, "(" + index + ") lies outside its string table (" + tableSize + " bytes)");
            long start = tableOff + index;
            long end = start;
            long limit = Math.min(tableOff + tableSize, start + MAX_NAME);
            while (end < limit && bytes[(int) end] != 0) end++;
            if (end == limit) throw bad(field, "is not NUL-terminated within its string table");
            return new String(bytes, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        }

        private List<Symbol> readSymbols(List<Section> sections) throws FormatException {
            List<Symbol> out = new ArrayList<>();
            for (int s = 0; s < sections.size(); s++) {
                Section symtab = sections.get(s);
                if (symtab.type != SHT_SYMTAB) continue;
                String field = "section " + s + " (" + symtab.name + ")";
                if (symtab.entSize != SYM_SIZE) throw bad(field + " sh_entsize", "is " + symtab.entSize + ", expected " + SYM_SIZE);
                if (symtab.size % SYM_SIZE != 0) throw bad(field + " sh_size", "is not a multiple of " + SYM_SIZE);
                if (symtab.link <= 0 || symtab.link >= sections.size()) throw bad(field + " sh_link", "(" + symtab.link + ") names no section");
                Section strtab = sections.get(symtab.link);
                if (strtab.type == SHT_NOBITS) throw bad(field + " sh_link", "names a section without file contents");
                for (long i = 1; i < symtab.size / SYM_SIZE; i++) {
                    long at = symtab.offset + i * SYM_SIZE;
                    int info = bytes[(int) at + 4] & 0xff;
                    SymbolKind kind = switch (info & 0xf) {
                        case 1 -> SymbolKind.OBJECT;
                        case 2 -> SymbolKind.FUNC;
                        default -> SymbolKind.OTHER;
                    };
                    if (kind == SymbolKind.OTHER) continue;
                    String symName = string("symbol " + i + " st_name", strtab.offset, strtab.size, u32(at));
                    if (!symName.isEmpty()) out.add(new Symbol(symName, u64(at + 8), u64(at + 16), kind));
                }
            }
            out.sort(Comparator.comparingLong(Symbol::value));
            return List.copyOf(out);
        }

        private List<Long> readPatchable(List<Section> sections) throws FormatException {
            List<Long> out = new ArrayList<>();
            for (Section sec : sections) {
                if (!sec.name.equals(PATCHABLE_SECTION) || sec.type == SHT_NOBITS) continue;
                if (sec.size % 8 != 0) throw bad(PATCHABLE_SECTION + " sh_size", "(" + sec.size + ") is not a multiple of 8");
                for (long at = sec.offset; at < sec.offset + sec.size; at += 8) out.add(u64(at));
            }
            out.sort(Long::compareUnsigned);
            return List.copyOf(out);
        }
    }
}
