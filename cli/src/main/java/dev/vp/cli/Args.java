package dev.vp.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a command's arguments: flags that take a value (repeatable), boolean switches, and positional files.
 * Unknown flags are usage errors, reported by the caller with exit code 2.
 */
final class Args {
    final Map<String, List<String>> values = new LinkedHashMap<>();
    final Set<String> switches = new java.util.HashSet<>();
    final List<String> positional = new ArrayList<>();

    static final class UsageException extends Exception {
        UsageException(String message) { super(message); }
    }

    /** valued: flags followed by a value ("-I", "--target"); bools: switches ("--stats"). */
    static Args parse(List<String> argv, Set<String> valued, Set<String> bools) throws UsageException {
        return parse(argv, valued, bools, Set.of());
    }

    /** optional: valued flags whose value may be left out (at the end, or before another option): it is then "". */
    static Args parse(List<String> argv, Set<String> valued, Set<String> bools, Set<String> optional) throws UsageException {
        Args a = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String s = argv.get(i);
            if (s.equals("--")) { a.positional.addAll(argv.subList(i + 1, argv.size())); break; }
            if (s.startsWith("-") && s.length() > 1) {
                String flag = s, value = null;
                int eq = s.indexOf('=');
                if (s.startsWith("--") && eq > 0) { flag = s.substring(0, eq); value = s.substring(eq + 1); }
                else if (!s.startsWith("--") && s.length() > 2 && valued.contains(s.substring(0, 2))) { flag = s.substring(0, 2); value = s.substring(2); }
                if (valued.contains(flag)) {
                    if (value == null) {
                        boolean next = i + 1 < argv.size() && !(optional.contains(flag) && argv.get(i + 1).startsWith("-"));
                        if (next) value = argv.get(++i);
                        else if (optional.contains(flag)) value = "";
                        else throw new UsageException(flag + " needs a value");
                    }
                    a.values.computeIfAbsent(flag, k -> new ArrayList<>()).add(value);
                } else if (bools.contains(flag) && value == null) {
                    a.switches.add(flag);
                } else {
                    throw new UsageException("unknown option " + s);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    List<String> all(String flag) { return values.getOrDefault(flag, List.of()); }

    String one(String flag) throws UsageException {
        List<String> v = all(flag);
        if (v.size() > 1) throw new UsageException(flag + " may be given only once");
        return v.isEmpty() ? null : v.get(0);
    }

    boolean has(String flag) { return switches.contains(flag); }
}
