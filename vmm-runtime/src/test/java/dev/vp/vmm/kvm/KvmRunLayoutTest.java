// Checks the kvm_run offsets (exit info, sync regs/sregs, dirty regs) against the ioctls on a live vCPU.
package dev.vp.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vp.vmm.KvmAvailability;
import dev.vp.vmm.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class KvmRunLayoutTest {
    /** Real mode at 0x1000: mov $0x42,%al; out %al,$0x10; out %al,$0x11. */
    private static final byte[] CODE = {(byte) 0xB0, 0x42, (byte) 0xE6, 0x10, (byte) 0xE6, 0x11};

    @Test
    void syncAreaMatchesTheRegisterIoctls() throws Exception {
        KvmAvailability.require();
        try (Kvm kvm = Kvm.open(); Vm vm = kvm.createVm(); GuestMemory memory = new GuestMemory(1 << 20);
             Arena arena = Arena.ofConfined()) {
            vm.setMemoryRegion(0, 0, 0, memory.segment());
            memory.write(0x1000, CODE, 0, CODE.length);
            try (Vcpu vcpu = vm.createVcpu(0)) {
                MemorySegment sregs = arena.allocate(Sregs.SIZE, 8), regs = arena.allocate(Vcpu.REGS_SIZE, 8);
                vcpu.getSregs(sregs);
                new Sregs.Segment(0, 0xffff, 0, 11, true, 0, false, true, false, false).writeTo(sregs, Sregs.CS);
                sregs.set(JAVA_LONG, Sregs.CR3, 0x5000);
                vcpu.setSregs(sregs);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RIP.ordinal(), 0x1000);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RFLAGS.ordinal(), 2);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RSP.ordinal(), 0x8000);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.RBX.ordinal(), 0x1122334455667788L);
                regs.set(JAVA_LONG, 8L * KvmRun.Reg.R15.ordinal(), 0x0F0F0F0FL);
                vcpu.setRegs(regs);

                KvmRun run = vcpu.kvmRun();
                // before the first exit the sync area already holds what was set (a probe may fire then)
                assertEquals(0x1000, run.reg(KvmRun.Reg.RIP));
                assertEquals(0x1122334455667788L, run.reg(KvmRun.Reg.RBX));
                assertEquals(0x5000, run.cr3());
                assertEquals(0, vcpu.run());
                assertEquals(KvmRun.EXIT_IO, run.exitReason());
                assertEquals(KvmRun.IO_OUT, run.ioDirection());
                assertEquals(0x10, run.ioPort());
                assertEquals(1, run.ioSize());
                assertEquals(1, run.ioCount());
                assertEquals(0x42, run.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, run.ioDataOffset()));

                vcpu.getRegs(regs);
                for (KvmRun.Reg r : KvmRun.Reg.values())
                    assertEquals(regs.get(JAVA_LONG, 8L * r.ordinal()), run.reg(r), "sync area register " + r);
                assertEquals(0x1122334455667788L, run.reg(KvmRun.Reg.RBX));
                vcpu.getSregs(sregs);
                assertEquals(0x5000, run.cr3());
                for (long field : new long[] {Sregs.CR0, Sregs.CR3, Sregs.CR4, Sregs.EFER, Sregs.CS})
                    assertEquals(sregs.get(JAVA_LONG, field), run.sreg(field), "sync area sregs field @" + field);

                run.setReg(KvmRun.Reg.RAX, 0x77);   // through kvm_dirty_regs: the next OUT must send it
                assertEquals(0, vcpu.run());
                assertEquals(0x11, run.ioPort());
                assertEquals(0x77, run.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, run.ioDataOffset()));
            }
        }
    }
}
