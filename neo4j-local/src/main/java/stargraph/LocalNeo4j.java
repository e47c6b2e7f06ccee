package stargraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import picocli.CommandLine;

/**
 * Runs Neo4j Community embedded, with Bolt on loopback and auth on, for local development and
 * tests. User {@code neo4j} signs in with the password in {@code passwordFile}.
 *
 * <p>Usage: {@code LocalNeo4j <homeDir> <boltPort> <pageCacheBytes> <passwordFile> [--watch-stdin]}.
 * Prints one line {@code STARGRAPH_NEO4J_READY bolt://127.0.0.1:<port>} once the DBMS is up and
 * the password is in force. With {@code --watch-stdin} it shuts down when its standard input
 * closes, so a parent that dies without cleaning up (even by SIGKILL) never leaves this JVM behind.
 */
public final class LocalNeo4j {
  private static final String USER = "neo4j";

  private LocalNeo4j() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: LocalNeo4j <homeDir> <boltPort> <pageCacheBytes> <passwordFile> [--watch-stdin]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCache = Long.parseLong(args[2]);
    String password = Files.readString(Path.of(args[3]), StandardCharsets.UTF_8).replaceAll("[\\r\\n]+$", "");
    if (password.isEmpty()) {
      System.err.println("The password file " + args[3] + " is empty");
      System.exit(2);
    }
    boolean watchStdin = args.length > 4 && "--watch-stdin".equals(args[4]);
    Files.createDirectories(home);
    Path authIni = writeInitialPassword(home, password);

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
            .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
            .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
            // A runaway query must never take the whole JVM down: a server-side ceiling on
            // top of the per-transaction timeouts the API sets.
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
            .build();
    // Read once at start-up; the password now lives in the system database.
    Files.deleteIfExists(authIni);
    enforcePassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);

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

  /**
   * Writes {@code auth.ini}, which Neo4j applies at start-up, before Bolt listens, while user
   * neo4j still has the default password: on a new store, and on one created with auth off.
   */
  private static Path writeInitialPassword(Path home, String password) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    ExecutionContext context =
        new ExecutionContext(home, home.resolve("conf"), quiet, System.err, new DefaultFileSystemAbstraction());
    // "--" ends the options: a password that starts with "-" is still the password.
    int code = new CommandLine(new SetInitialPasswordCommand(context)).execute("--", password);
    if (code != 0) {
      System.err.println("Setting the initial password failed (exit " + code + ")");
      System.exit(2);
    }
    Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
    return CommunitySecurityModule.getInitialUserRepositoryFile(config);
  }

  /**
   * Makes the password file's password the one user neo4j signs in with, whatever it was before
   * (changed by hand, or the file replaced): the file is what every client of this store reads.
   */
  private static void enforcePassword(GraphDatabaseService system, String password) throws Exception {
    Node user;
    boolean matches;
    boolean changeRequired;
    try (Transaction tx = system.beginTx()) {
      user = tx.findNode(Label.label("User"), "name", USER);
      matches =
          user != null
              && SystemGraphCredential.deserialize((String) user.getProperty("credentials"), new SecureHasher())
                  .matchesPassword(password.getBytes(StandardCharsets.UTF_8));
      changeRequired = user != null && Boolean.TRUE.equals(user.getProperty("passwordChangeRequired", false));
    }
    String statement;
    if (user == null) statement = "CREATE USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED";
    else if (!matches) statement = "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED";
    else if (changeRequired) statement = "ALTER USER " + USER + " SET PASSWORD CHANGE NOT REQUIRED";
    else return;
    System.err.println("Setting the password of user " + USER + " to the one in the password file");
    system.executeTransactionally(statement, Map.of("password", password));
  }
}
