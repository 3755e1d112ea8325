package dev.vp.cli;

/** Entry point of the vp command. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("vp 0.1.0");
    }
}
