package dev.vp.vmm.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The deploy token: random bytes the harness writes to a file only its user can read
 * ($XDG_RUNTIME_DIR/vp/vmm.token, else ~/.vp/vmm.token). A client proves it may deploy by reading it.
 */
public final class TokenFile {
    private TokenFile() {}

    public static Path defaultPath() {
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) return Path.of(runtime, "vp", "vmm.token");
        return Path.of(System.getProperty("user.home"), ".vp", "vmm.token");
    }

    /** Creates a fresh token, writes it with owner-only permissions, and returns it. */
    public static String create(Path file) throws IOException {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(dir, ".vmm", ".token", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, token + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }

    public static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no token file at " + file + ": is `vp vmm` running? (it writes the token when it starts)");
        }
    }

    /** Constant-time comparison, so the answer time says nothing about how much of a guess was right. */
    public static boolean matches(String expected, String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
