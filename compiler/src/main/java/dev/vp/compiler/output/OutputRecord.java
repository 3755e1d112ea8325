// One piece of probe output: which vCPU produced it, when, and the formatted text.
package dev.vp.compiler.output;

/** vcpu is the vCPU index, or -1 for the host (VMX-domain probes); timestamp is the firing's TSC. */
public record OutputRecord(int vcpu, long timestamp, String text) {}
