package org.mentornet.testneo4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.PortBindException;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.Version;

/**
 * Starts Neo4j (Community, embedded) with the Bolt connector on 127.0.0.1:PORT and its data
 * under HOME_DIR, for mentornet's tests. Usage: {@code Launcher PORT HOME_DIR}.
 *
 * <p>Authentication is on; the user {@code neo4j} gets the password from the system property
 * environment variable {@code MENTORNET_NEO4J_PASSWORD} (never the command line, which any
 * local user can read) without a forced change.
 * Once Bolt really accepts connections one line containing {@code bolt://127.0.0.1:PORT} is
 * printed to stdout; everything else goes to stderr or to HOME_DIR/logs. The process stays in
 * the foreground; SIGTERM (or SIGINT) shuts the database down cleanly via a shutdown hook.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher PORT HOME_DIR");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath().normalize();
        String password = System.getenv("MENTORNET_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("mentornet-neo4j: MENTORNET_NEO4J_PASSWORD must be set, 8 characters or more");
            System.exit(2);
        }
        String pageCache = System.getProperty("mentornet.neo4j.pagecache", "512m");
        Files.createDirectories(home);

        long t0 = System.nanoTime();
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms;
        try {
            dbms = build(home, bolt, pageCache);
        } catch (RuntimeException e) {
            if (portInUse(e)) {
                // One line, no stack trace: the usual cause is a second server on the same port.
                System.err.println("start: 127.0.0.1:" + port + " is already in use; choose another PORT");
                System.exit(5);
            }
            throw e;
        }
        serve(dbms, home, password, port, t0);
    }

    /** True when the failure (or one of its causes) is Bolt failing to bind its port. */
    private static boolean portInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortBindException || t instanceof BindException
                    || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static DatabaseManagementService build(Path home, SocketAddress bolt, String pageCache) {
        return new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Tests try wrong passwords on purpose; don't lock the user out after 3 of them.
                .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                // No usage reporting, no network calls.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseInternalSettings.udc_network_enabled, false)
                // Keep throw-away test homes small: no 256 MiB preallocated transaction logs.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                // A transaction past its timeout is stopped when the monitor next looks (every 2 s
                // by default): look every 100 ms, so that the tests' 0.1 s --query-timeout stops
                // the first statement that runs past it (an audit's statements take about 0.4 s
                // on the tests' 3,000 people: most ended before the monitor looked).
                .setConfig(GraphDatabaseSettings.transaction_monitor_check_interval, Duration.ofMillis(100))
                // Stop in about a second instead of ~10 s (Netty's 5 s quiet period, twice).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                .build();
    }

    private static void serve(DatabaseManagementService dbms, Path home, String password, int port, long t0)
            throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("mentornet-neo4j: shutting down");
            try {
                dbms.shutdown();
            } catch (Throwable e) {
                System.err.println("mentornet-neo4j: error during shutdown: " + e);
            } finally {
                stopped.countDown();
            }
            System.err.println("mentornet-neo4j: stopped");
        }, "mentornet-neo4j-shutdown"));

        try {
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!system.isAvailable(TimeUnit.MINUTES.toMillis(5)) || !neo4j.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
                throw new IllegalStateException("databases did not become available");
            }
            long t1 = System.nanoTime();
            setPassword(system, password);
            long t2 = System.nanoTime();
            waitForBolt(port, Duration.ofMinutes(2));
            System.err.printf("mentornet-neo4j: databases %d ms, password %d ms, bolt %d ms%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        } catch (Throwable e) {
            System.err.println("mentornet-neo4j: startup failed: " + e);
            e.printStackTrace();
            System.exit(1); // runs the shutdown hook
        }

        watchParent();

        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("Neo4j " + Version.getNeo4jVersion() + " ready on bolt://127.0.0.1:" + port
                + " (user neo4j, home " + home + ", started in " + ms + " ms)");
        System.out.flush();

        // Stay in the foreground until the JVM is asked to stop (SIGTERM/SIGINT).
        stopped.await();
    }

    /**
     * If MENTORNET_NEO4J_WATCH_PID names a process (the test runner), shut down once it is
     * gone, so that a killed test run does not leave a server behind.
     */
    private static void watchParent() {
        String pid = System.getenv("MENTORNET_NEO4J_WATCH_PID");
        if (pid == null || pid.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(parent -> {
            parent.onExit().thenRun(() -> {
                System.err.println("mentornet-neo4j: process " + pid + " is gone, shutting down");
                System.exit(0);
            });
        }, () -> {
            System.err.println("mentornet-neo4j: process " + pid + " is already gone");
            System.exit(0);
        });
    }

    /** Sets the password of user neo4j (the initial one is 'neo4j' with a forced change). */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            // On a restart with the same home the password is already set; Neo4j refuses to
            // "change" a password to the same value. Anything else is a real failure.
            String msg = String.valueOf(e.getMessage()) + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
            if (!msg.toLowerCase().contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /** Waits until a Bolt handshake on 127.0.0.1:port succeeds. */
    private static void waitForBolt(int port, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                // Magic preamble, then four proposed versions: 5.x (range 8..0), 4.4, none, none.
                out.write(new byte[] {
                    (byte) 0x60, (byte) 0x60, (byte) 0xB0, (byte) 0x17,
                    0, 8, 8, 5,
                    0, 0, 4, 4,
                    0, 0, 0, 0,
                    0, 0, 0, 0});
                out.flush();
                int agreed = new DataInputStream(s.getInputStream()).readInt();
                if (agreed != 0) {
                    return;
                }
                last = new IOException("Bolt handshake: no common protocol version");
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IOException("Bolt did not accept connections on 127.0.0.1:" + port, last);
    }
}
