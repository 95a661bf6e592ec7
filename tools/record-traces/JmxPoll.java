import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the worker's metrics behind AWS/KafkaConnect and Debezium's streaming metrics over JMX
 * (loopback) every interval and prints one JSON line per read on stdout:
 * {"at":<epoch ms>,"beans":{"<object name>":{"<attribute>":<value>,...},...}}.
 * Usage: java JmxPoll.java <port> <interval ms>
 */
public class JmxPoll {
  private static final String[][] QUERIES = {
    {"kafka.connect:type=source-task-metrics,*", "source-record-poll-rate", "source-record-write-rate", "source-record-poll-total", "source-record-write-total"},
    {"kafka.connect:type=connector-task-metrics,*", "status"},
    {"kafka.connect:type=connect-worker-metrics,connector=*", "connector-running-task-count", "connector-failed-task-count", "connector-paused-task-count", "connector-total-task-count"},
    {"debezium.postgres:type=connector-metrics,context=streaming,*", "Connected", "MilliSecondsSinceLastEvent", "TotalNumberOfEventsSeen", "MilliSecondsBehindSource"},
  };

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long interval = Long.parseLong(args[1]);
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    JMXConnector connector = null;
    while (true) {
      long at = System.currentTimeMillis();
      try {
        if (connector == null) {
          connector = JMXConnectorFactory.connect(url);
        }
        System.out.println(read(connector.getMBeanServerConnection(), at));
        System.out.flush();
      } catch (Exception e) {
        System.err.println("jmx: " + e);
        connector = null;
      }
      Thread.sleep(Math.max(0, interval - (System.currentTimeMillis() - at)));
    }
  }

  private static String read(MBeanServerConnection server, long at) throws Exception {
    List<String> beans = new ArrayList<>();
    for (String[] query : QUERIES) {
      Set<ObjectName> names = server.queryNames(new ObjectName(query[0]), null);
      for (ObjectName name : names) {
        String[] attributes = new String[query.length - 1];
        System.arraycopy(query, 1, attributes, 0, attributes.length);
        List<String> values = new ArrayList<>();
        for (Attribute a : server.getAttributes(name, attributes).asList()) {
          values.add(quote(a.getName()) + ":" + value(a.getValue()));
        }
        beans.add(quote(name.toString()) + ":{" + String.join(",", values) + "}");
      }
    }
    return "{\"at\":" + at + ",\"beans\":{" + String.join(",", beans) + "}}";
  }

  private static String value(Object v) {
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? v.toString() : "null";
    }
    if (v instanceof Boolean) {
      return v.toString();
    }
    return v == null ? "null" : quote(v.toString());
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
