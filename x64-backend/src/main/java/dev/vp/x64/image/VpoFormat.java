// The byte layout of a .vpo file's header and the order of its sections, shared by the writer and the reader.
package dev.vp.x64.image;

/**
 * A .vpo file is a fixed header followed by the body: the sections in {@link Section} order, each exactly as long
 * as the header says. All integers are little endian; strings are a u32 byte length then UTF-8. The header's
 * SHA-256 covers the whole body, so a flipped bit anywhere after the header is caught before anything is parsed.
 *
 * <pre>
 * 0x00  "VPO\0"
 * 0x04  u16 format major, u16 format minor
 * 0x08  u16 architecture (0x3E, x86-64 as in ELF), u16 ABI version (Abi.VERSION)
 * 0x0C  u32 section count
 * 0x10  u64 length of each section, in Section order
 * 0x48  SHA-256 of the body (32 bytes)
 * 0x68  body
 * </pre>
 */
final class VpoFormat {
    private VpoFormat() {}

    static final byte[] MAGIC = {'V', 'P', 'O', 0};
    static final int FORMAT_MAJOR = 1, FORMAT_MINOR = 0;
    static final int ARCH_X86_64 = 0x3E;

    enum Section { TEXT, RODATA, DATA, PROBES, RELOCATIONS, LINES, BUDGET }

    static final int SECTION_LENGTHS = 0x10;
    static final int HASH = SECTION_LENGTHS + 8 * Section.values().length;
    static final int HEADER_BYTES = HASH + 32;

    /** Bits of a probe's flags byte. */
    static final int PROBE_READS_VCPU_STATE = 1, PROBE_NEEDS_IOCTL = 2;

    /** Longest string the reader accepts: names, specs and file paths are short; an init string is at most 255. */
    static final int MAX_STRING_BYTES = 4096;
}
