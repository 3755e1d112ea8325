package dev.vp.vmm.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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

    /** A fresh random token. */
    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Writes token to file with owner-only permissions and holds a lock on it, so that another `vp vmm` given the
     * same file refuses to start rather than take it over; refuses likewise when a running `vp vmm` holds it. Write
     * it only once the server listens: a harness that fails to start must leave the file of a running one alone.
     */
    public static Owned create(Path file, String token) throws IOException {
        if (Files.isDirectory(file)) throw new IOException("the token file " + file + " is a directory: name a file");
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        refuseIfTaken(file);
        Path tmp = Files.createTempFile(dir, ".vmm", ".token", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileChannel channel = null;
        try {
            channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
            channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.lock(); // a lock belongs to the file, so it moves with it
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Owned(file, token, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) channel.close();
            Files.deleteIfExists(tmp); // it holds a live token
            throw e;
        }
    }

    private static void refuseIfTaken(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock != null) {
                lock.release();
                return; // left behind by a harness that is gone
            }
        } catch (OverlappingFileLockException e) {
            // held by a harness in this process
        }
        throw new IOException(file + " is the token file of a running `vp vmm`: stop that one, or give this one another --token-file");
    }

    /** A token file this process wrote and holds; closing it removes the file if it still holds this token. */
    public static final class Owned implements AutoCloseable {
        private final Path file;
        private final String token;
        private final FileChannel channel;

        private Owned(Path file, String token, FileChannel channel) {
            this.file = file;
            this.token = token;
            this.channel = channel;
        }

        public String token() { return token; }

        @Override public void close() throws IOException {
            try {
                if (Files.isRegularFile(file) && matches(token, Files.readString(file, StandardCharsets.UTF_8).trim())) Files.delete(file);
            } finally {
                channel.close();
            }
        }
    }

    public static String read(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException("the token file " + file + " is a directory: name the file `vp vmm` wrote");
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no token file at " + file + ": is `vp vmm` running? (it writes the token when it starts)");
        } catch (IOException e) {
            throw new IOException("cannot read the token file " + file + ": " + e.getMessage());
        }
    }

    /** Constant-time comparison, so the answer time says nothing about how much of a guess was right. */
    public static boolean matches(String expected, String given) {
        if (given == null) return false;
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
