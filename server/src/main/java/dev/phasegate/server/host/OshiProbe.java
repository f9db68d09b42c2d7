package dev.phasegate.server.host;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Reads the machine through OSHI, the filesystem holding {@code dataDirectory} through NIO (the JDK asks
 * the OS for exactly that filesystem, where OSHI would have to match mount points), and the JVM through
 * its management beans.
 */
final class OshiProbe implements HostProbe {

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final SystemInfo system;
    private final Path dataDirectory;
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private OSProcess self;

    OshiProbe(Path dataDirectory) {
        this.system = new SystemInfo();
        this.processor = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.os = system.getOperatingSystem();
        this.dataDirectory = dataDirectory.toAbsolutePath();
    }

    @Override
    public HostReading read(Instant at) {
        long[] ticks = processor.getSystemCpuLoadTicks();
        long processMillis = processCpuMillis();
        long rx = 0;
        long tx = 0;
        // Listed afresh each time so interfaces that appear later are counted.
        for (NetworkIF nif : system.getHardware().getNetworkIFs(false)) {
            if (loopback(nif)) {
                continue;
            }
            nif.updateAttributes();
            rx += nif.getBytesRecv();
            tx += nif.getBytesSent();
        }
        FileStore store = fileStore();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : collectors) {
            gcCount += Math.max(0, gc.getCollectionCount()); // -1 when a collector does not report
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        MemoryUsage heapUsage = heap.getHeapMemoryUsage();
        try {
            return new HostReading(at, ticks, processMillis, processor.getLogicalProcessorCount(), memory.getTotal(),
                    memory.getAvailable(), store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace(),
                    rx, tx, heapUsage.getUsed(), heapUsage.getMax() > 0 ? heapUsage.getMax() : heapUsage.getCommitted(),
                    gcCount, gcMillis, threads.getThreadCount());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of the filesystem holding " + dataDirectory, e);
        }
    }

    private long processCpuMillis() {
        if (self == null || !self.updateAttributes()) {
            self = os.getProcess(os.getProcessId());
            if (self == null) {
                throw new IllegalStateException("OSHI cannot read this process (pid " + os.getProcessId() + ")");
            }
        }
        return self.getUserTime() + self.getKernelTime();
    }

    private FileStore fileStore() {
        // The data directory may be created after the probe (by the store); fall back to the nearest parent.
        for (Path p = dataDirectory; p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot find the filesystem holding " + p, e);
                }
            }
        }
        throw new IllegalStateException("no existing directory above " + dataDirectory);
    }

    private static boolean loopback(NetworkIF nif) {
        try {
            NetworkInterface java = nif.queryNetworkInterface();
            return java != null ? java.isLoopback() : "lo".equals(nif.getName());
        } catch (SocketException e) {
            return "lo".equals(nif.getName());
        }
    }
}
