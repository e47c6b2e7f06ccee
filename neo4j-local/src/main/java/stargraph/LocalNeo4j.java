package stargraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;

/**
 * Runs Neo4j Community embedded, with Bolt on and auth off, for local development and tests.
 *
 * <p>Usage: {@code LocalNeo4j <homeDir> <boltPort> <pageCacheBytes> [--watch-stdin]}.
 * Prints one line {@code STARGRAPH_NEO4J_READY bolt://127.0.0.1:<port>} once the DBMS is up.
 * With {@code --watch-stdin} it shuts down when its standard input closes, so a parent that
 * dies without cleaning up (even by SIGKILL) never leaves this JVM behind.
 */
public final class LocalNeo4j {
  private LocalNeo4j() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: LocalNeo4j <homeDir> <boltPort> <pageCacheBytes> [--watch-stdin]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCache = Long.parseLong(args[2]);
    boolean watchStdin = args.length > 3 && "--watch-stdin".equals(args[3]);
    Files.createDirectories(home);

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
            .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
            // A runaway query must never take the whole JVM down: a server-side ceiling on
            // top of the per-transaction timeouts the API sets.
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dbms.shutdown();
                  stopped.countDown();
                },
                "neo4j-shutdown"));

    System.out.println("STARGRAPH_NEO4J_READY bolt://127.0.0.1:" + port);
    System.out.flush();

    if (watchStdin) {
      Thread watcher =
          new Thread(
              () -> {
                try (InputStream in = System.in) {
                  while (in.read() != -1) {
                    // Drain whatever the parent writes; only end-of-stream matters.
                  }
                } catch (IOException ignored) {
                  // A broken pipe means the parent is gone, same as end-of-stream.
                }
                System.exit(0);
              },
              "parent-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
    stopped.await();
  }
}
