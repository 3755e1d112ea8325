package dev.vp.compiler.check;

import java.util.HashMap;
import java.util.Map;

/** The built-in functions of LANGUAGE.md section 9, with their spelling and signature for help texts. */
public enum BuiltinFunction {
    PRINTF("printf", "void printf(string fmt, ...)", "Appends a formatted record to the output."),
    SPRINTF("sprintf", "void sprintf(string dst, string fmt, ...)", "Formats into a string variable (truncated at 255)."),
    LOGINT("logint", "void logint(int i)", "Prints an integer in unsigned decimal and a newline."),
    LOGSTR("logstr", "void logstr(string s)", "Prints a string and a newline."),
    STRCMP("strcmp", "int strcmp(string a, string b)", "0 when equal, 1 when a sorts after b, all ones when before."),
    GETGUEST("getguest", "int getguest(int addr)", "Reads 8 bytes of guest memory at a linear address."),
    GETGUESTSTR("getgueststr", "void getgueststr(string dst, [int len,] int addr)", "Reads a NUL-terminated guest string."),
    GETGUESTPHYS("getguestphys", "int getguestphys(int addr)", "Reads 8 bytes of guest memory at a physical address."),
    GETGUESTPHYSSTR("getguestphysstr", "void getguestphysstr(string dst, int len, int addr)", "Reads a guest string at a physical address."),
    GUESTSTACK("gueststack", "void gueststack(string dst)", "Walks the guest's frame pointers: GUEST_0x..._0x..."),
    GETSYSTEMTIME("getsystemtime", "int getsystemtime()", "Host time in microseconds."),
    EXIT("exit", "void exit()", "Ends this firing (not an error)."),
    LOGAGGR("logaggr", "void logaggr(aggr a)", "Prints an aggregate in VProbes' format."),
    CLEARAGGR("clearaggr", "void clearaggr(aggr a)", "Empties an aggregate."),
    ASSERT("assert", "void assert(int cond [, string fmt, ...])", "Cancels the firing when cond is 0."),
    EXCNAME("excname", "string excname()", "Inside catch: the cancellation's short name."),
    EXCDESC("excdesc", "string excdesc()", "Inside catch: the cancellation's message.");

    public final String spelling, signature, doc;

    BuiltinFunction(String spelling, String signature, String doc) {
        this.spelling = spelling; this.signature = signature; this.doc = doc;
    }

    private static final Map<String, BuiltinFunction> BY_NAME = new HashMap<>();
    static { for (BuiltinFunction f : values()) BY_NAME.put(f.spelling, f); }

    public static BuiltinFunction byName(String name) { return BY_NAME.get(name); }
}
