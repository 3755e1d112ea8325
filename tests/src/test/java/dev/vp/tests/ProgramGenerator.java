// Random, mostly well-typed Emmett programs, so generated input reaches the checker and the lowerer, not just the parser.
package dev.vp.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds one program from a grammar of the language's main constructs: structs with pinned offsets, typedefs,
 * globals in every storage class, aggregates, bags, functions with parameters and recursion, probe clauses,
 * loops, try/catch, printf and sprintf, casts and pointer walks. Choices are random, so some programs have type
 * errors on purpose; most check clean.
 */
final class ProgramGenerator {
    private static final String[] SPECS = {
        "VMM1Hz", "VMM10Hz", "VMMLoad", "VMMUnload", "HV_Exit", "PROFILE:1msec", "TIMER:10sec", "Out",
        "GUEST:ENTER:schedule", "GUEST:EXIT:schedule", "GUEST:OFFSET:schedule:0x4",
    };
    private static final String[] INT_BUILTINS = {"VCPUID", "TSC", "RIP", "RSP", "CR3", "GSBASE", "NUMVCPUS", "TSC_HZ"};
    private static final String[] INT_OPS = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "<", ">", "<=", ">=", "==", "!=", "&&", "||"};
    private static final String[] STRINGS = {"\"\"", "\"abc\"", "\"line\\n\"", "\"100%%\"", "\"tab\\there\""};
    private static final String[] STORAGE = {"", "", "perthread ", "pervm "};

    private final Random r;
    private final StringBuilder b = new StringBuilder();
    private final List<String> ints = new ArrayList<>(), strings = new ArrayList<>(), aggrs = new ArrayList<>(),
            bags = new ArrayList<>(), intFuns = new ArrayList<>(), stringFuns = new ArrayList<>();
    private final List<Integer> aggrInts = new ArrayList<>(), aggrStrings = new ArrayList<>();
    private List<String> localInts = List.of(), localStrings = List.of(), localPtrs = List.of();
    private int loopDepth, names;

    ProgramGenerator(Random r) { this.r = r; }

    String program() {
        if (r.nextBoolean()) b.append("memmodel guest64;\n");
        b.append("struct node {\n    int a;\n    ").append(r.nextBoolean() ? "@0x10 " : "").append("unsigned int b;\n")
                .append("    char name[").append(1 + r.nextInt(32)).append("];\n    struct node *next;\n};\n")
                .append("typedef struct node node_t;\n");
        if (r.nextBoolean()) b.append("#define LIMIT ").append(r.nextInt(100)).append("\n");
        for (int i = r.nextInt(4); i >= 0; i--) global();
        for (int i = r.nextInt(4); i > 0; i--) function();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            b.append(SPECS[r.nextInt(SPECS.length)]).append(" {\n");
            body(null);
            b.append("}\n");
        }
        return b.toString();
    }

    private String fresh(String prefix) { return prefix + names++; }

    private void global() {
        String storage = STORAGE[r.nextInt(STORAGE.length)];
        switch (r.nextInt(5)) {
            case 0, 1 -> {
                String n = fresh("g");
                b.append(storage).append("int ").append(n).append(r.nextBoolean() ? " = " + r.nextInt(1000) : "").append(";\n");
                ints.add(n);
            }
            case 2 -> {
                String n = fresh("str");
                b.append(storage).append("string ").append(n).append(";\n");
                strings.add(n);
            }
            case 3 -> {
                String n = fresh("ag");
                int ns = r.nextInt(2), ni = ns == 0 ? 1 + r.nextInt(2) : r.nextInt(3);
                b.append("aggr ").append(n).append('[').append(ni).append(']').append(ns > 0 ? "[" + ns + "]" : "")
                        .append(r.nextBoolean() ? " : " + (1 + r.nextInt(64)) : "").append(";\n");
                aggrs.add(n);
                aggrInts.add(ni);
                aggrStrings.add(ns);
            }
            default -> {
                String n = fresh("bg");
                b.append("bag ").append(n).append('[').append(1 + r.nextInt(32)).append("];\n");
                bags.add(n);
            }
        }
    }

    private void function() {
        boolean str = r.nextInt(3) == 0;
        String n = fresh(str ? "sf" : "f");
        b.append(str ? "string " : "int ").append(n).append("(int p, node_t *q)\n{\n");
        (str ? stringFuns : intFuns).add(n);
        body(str ? "string" : "int");
        b.append("}\n");
    }

    private void body(String returns) {
        List<String> li = new ArrayList<>(List.of()), ls = new ArrayList<>(), lp = new ArrayList<>();
        if (returns != null) {
            li.add("p");
            lp.add("q");
        }
        for (int i = r.nextInt(3); i >= 0; i--) {
            switch (r.nextInt(3)) {
                case 0 -> { String n = fresh("i"); b.append("    int ").append(n).append(";\n"); li.add(n); }
                case 1 -> { String n = fresh("s"); b.append("    string ").append(n).append(";\n"); ls.add(n); }
                default -> { String n = fresh("t"); b.append("    node_t *").append(n).append(";\n"); lp.add(n); }
            }
        }
        localInts = li;
        localStrings = ls;
        localPtrs = lp;
        for (int i = 1 + r.nextInt(5); i > 0; i--) statement(1, returns);
        if (returns != null) b.append("    return ").append(returns.equals("string") ? stringExpr(2) : intExpr(2)).append(";\n");
    }

    private void statement(int depth, String returns) {
        String pad = "    ".repeat(depth);
        int choice = depth > 3 ? r.nextInt(6) : r.nextInt(13);
        switch (choice) {
            case 0, 1 -> intTarget().ifPresentOrElse(t -> b.append(pad).append(t).append(' ')
                    .append(r.nextBoolean() ? "=" : r.nextBoolean() ? "+=" : "<<=").append(' ').append(intExpr(3)).append(";\n"),
                    () -> b.append(pad).append("printf(\"tick\\n\");\n"));
            case 2 -> stringTarget().ifPresentOrElse(t -> b.append(pad).append(t).append(" = ").append(stringExpr(2)).append(";\n"),
                    () -> b.append(pad).append(";\n"));
            case 3 -> {
                boolean two = r.nextBoolean();
                b.append(pad).append("printf(\"").append(two ? "%d %s" : "%#x").append("\\n\", ").append(intExpr(2))
                        .append(two ? ", " + stringExpr(1) : "").append(");\n");
            }
            case 4 -> {
                if (aggrs.isEmpty()) break;
                int a = r.nextInt(aggrs.size());
                b.append(pad).append(aggrs.get(a)).append(aggrKey(a)).append(r.nextBoolean() ? "++" : " <- " + intExpr(2)).append(";\n");
            }
            case 5 -> {
                if (loopDepth > 0 && r.nextInt(3) == 0) b.append(pad).append(r.nextBoolean() ? "break" : "continue").append(";\n");
                else if (!localPtrs.isEmpty()) b.append(pad).append(localPtrs.get(0)).append(" = ")
                        .append(r.nextBoolean() ? "(node_t *)" + intExpr(1) : localPtrs.get(0) + "->next").append(";\n");
                else stringTarget().ifPresentOrElse(t -> b.append(pad).append("sprintf(").append(t).append(", \"%s %d\", ").append(t).append(", ")
                        .append(intExpr(1)).append(");\n"), () -> b.append(pad).append("logint(").append(intExpr(1)).append(");\n"));
            }
            case 6, 7 -> {
                b.append(pad).append("if (").append(intExpr(2)).append(") {\n");
                statement(depth + 1, returns);
                b.append(pad).append("}").append(r.nextBoolean() ? "" : " else {\n" + block(depth, returns) + pad + "}").append('\n');
            }
            case 8 -> {
                String v = intTarget().orElse(null);
                if (v == null) break;
                loopDepth++;
                b.append(pad).append("for (").append(v).append(" = 0; ").append(v).append(" < ").append(r.nextInt(20)).append("; ")
                        .append(v).append("++) {\n");
                statement(depth + 1, returns);
                b.append(pad).append("}\n");
                loopDepth--;
            }
            case 9 -> {
                loopDepth++;
                b.append(pad).append("while (").append(intExpr(2)).append(") {\n");
                statement(depth + 1, returns);
                b.append(pad).append("    break;\n").append(pad).append("}\n");
                loopDepth--;
            }
            case 10 -> {
                b.append(pad).append("try {\n");
                statement(depth + 1, returns);
                b.append(pad).append("} catch {\n").append(pad).append("    printf(\"%s: %s\\n\", excname(), excdesc());\n").append(pad).append("}\n");
            }
            case 11 -> {
                if (bags.isEmpty()) break;
                String bag = bags.get(r.nextInt(bags.size()));
                b.append(pad).append(bag).append('[').append(intExpr(1)).append("] <- ").append(intExpr(2)).append(";\n");
            }
            default -> {
                if (returns != null && r.nextBoolean()) {
                    b.append(pad).append("return ").append(returns.equals("string") ? stringExpr(1) : intExpr(1)).append(";\n");
                } else if (r.nextBoolean() && !aggrs.isEmpty()) {
                    b.append(pad).append(r.nextBoolean() ? "logaggr(" : "clearaggr(").append(aggrs.get(r.nextInt(aggrs.size()))).append(");\n");
                } else {
                    b.append(pad).append(r.nextBoolean() ? "assert(" + intExpr(1) + ", \"bad %d\", " + intExpr(1) + ");\n" : "exit();\n");
                }
            }
        }
    }

    private String block(int depth, String returns) {
        int mark = b.length();
        statement(depth + 1, returns);
        String s = b.substring(mark);
        b.setLength(mark);
        return s;
    }

    private String aggrKey(int a) {
        StringBuilder k = new StringBuilder("[");
        for (int i = 0; i < aggrInts.get(a); i++) k.append(i > 0 ? ", " : "").append(intExpr(1));
        for (int i = 0; i < aggrStrings.get(a); i++) k.append(k.length() > 1 ? ", " : "").append(stringExpr(1));
        return k.append(']').toString();
    }

    private java.util.Optional<String> intTarget() {
        List<String> all = new ArrayList<>(localInts);
        all.addAll(ints);
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(r.nextInt(all.size())));
    }

    private java.util.Optional<String> stringTarget() {
        List<String> all = new ArrayList<>(localStrings);
        all.addAll(strings);
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(r.nextInt(all.size())));
    }

    private String intExpr(int depth) {
        int choice = depth <= 0 ? r.nextInt(3) : r.nextInt(12);
        return switch (choice) {
            case 0 -> String.valueOf(r.nextInt(5) == 0 ? r.nextLong() >>> 1 : r.nextInt(4096));
            case 1 -> intTarget().orElse("VCPUID");
            case 2 -> INT_BUILTINS[r.nextInt(INT_BUILTINS.length)];
            case 3, 4, 5 -> "(" + intExpr(depth - 1) + " " + INT_OPS[r.nextInt(INT_OPS.length)] + " " + intExpr(depth - 1) + ")";
            case 6 -> (r.nextBoolean() ? "- " : r.nextBoolean() ? "!" : "~") + intExpr(depth - 1);
            case 7 -> "(" + intExpr(depth - 1) + " ? " + intExpr(depth - 1) + " : " + intExpr(depth - 1) + ")";
            case 8 -> intFuns.isEmpty() ? "strcmp(" + stringExpr(depth - 1) + ", " + stringExpr(depth - 1) + ")"
                    : intFuns.get(r.nextInt(intFuns.size())) + "(" + intExpr(depth - 1) + ", " + pointer() + ")";
            case 9 -> pointer() + (r.nextBoolean() ? "->a" : "->b");
            case 10 -> switch (r.nextInt(4)) {
                case 0 -> "sizeof(node_t)";
                case 1 -> "getguest(" + intExpr(0) + ")";
                case 2 -> "getsystemtime()";
                default -> "*(int *)" + intExpr(0);
            };
            default -> r.nextBoolean() ? "(unsigned int)" + intExpr(depth - 1) : "(" + intExpr(depth - 1) + ")";
        };
    }

    private String pointer() {
        if (!localPtrs.isEmpty() && r.nextBoolean()) return localPtrs.get(r.nextInt(localPtrs.size()));
        return "((node_t *)" + (r.nextBoolean() ? "GSBASE" : String.valueOf(r.nextInt(1 << 20))) + ")";
    }

    private String stringExpr(int depth) {
        int choice = depth <= 0 ? r.nextInt(2) : r.nextInt(5);
        return switch (choice) {
            case 0 -> STRINGS[r.nextInt(STRINGS.length)];
            case 1 -> stringTarget().orElse("\"x\"");
            case 2 -> stringExpr(depth - 1) + " + " + stringExpr(depth - 1);
            case 3 -> "(string)" + pointer() + "->name";
            default -> stringFuns.isEmpty() ? "excname()" : stringFuns.get(r.nextInt(stringFuns.size())) + "(" + intExpr(depth - 1) + ", " + pointer() + ")";
        };
    }
}
