package missive.solr;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * One SolrCloud node in its own process: Solr's embedded Jetty runner on 127.0.0.1, its
 * cores in its own home folder, joined to the cluster through ZooKeeper.
 *
 * <p>Usage: {@code SolrNode <home> <port> <zkHost>}. The process runs until it is sent
 * SIGTERM (Jetty then stops and Solr closes its cores) or killed.
 */
public final class SolrNode {
  private SolrNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: SolrNode <home folder> <port> <zookeeper host:port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String zkHost = args[2];

    Files.createDirectories(home);
    // The node's settings are the launcher's: written at every start, so a changed
    // solr.xml reaches data folders made before it.
    try (InputStream in = SolrNode.class.getResourceAsStream("/solr.xml")) {
      Files.copy(in, home.resolve("solr.xml"), StandardCopyOption.REPLACE_EXISTING);
    }

    Properties nodeProperties = new Properties();
    nodeProperties.setProperty("zkHost", zkHost);
    JettyConfig config = JettyConfig.builder().setContext("/solr").setPort(port).build();
    JettySolrRunner jetty = new JettySolrRunner(home.toString(), nodeProperties, config);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    jetty.stop();
                  } catch (Exception e) {
                    e.printStackTrace();
                  } finally {
                    stopped.countDown();
                  }
                }));
    jetty.start();
    System.out.println("missive-solr-node started " + jetty.getBaseUrl());
    stopped.await();
  }
}
